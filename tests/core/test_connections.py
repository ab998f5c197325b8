"""Each web and worker process keeps its PostgreSQL connection open (60 s) and checks it before reuse, in the run
command and in production, so a request does not pay for a new connection and a restarted database costs no failed
request (docs/background-work.md, "Database connections"; the restart itself: tests/core/test_faults.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from core.devstack import process_env

BASE_DIR = Path(__file__).resolve().parents[2]


def _database_settings(module: str, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_CONN_MAX_AGE"}
    code = (
        f"import importlib, json; s = importlib.import_module({module!r}); d = s.DATABASES['default'];"
        " print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SECRET_KEY": "x" * 60, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_keeps_connections_60_seconds_and_checks_them():
    assert _database_settings("config.settings_production") == [60, True]
    assert _database_settings("config.settings") == [60, True]


def test_behind_pgbouncer_an_operator_turns_persistence_off():
    assert _database_settings("config.settings_production", DATABASE_CONN_MAX_AGE="0") == [0, True]


def test_the_run_command_starts_every_process_with_persistent_connections():
    assert process_env({})["DATABASE_CONN_MAX_AGE"] == "60"
    assert process_env({"DATABASE_CONN_MAX_AGE": "0"})["DATABASE_CONN_MAX_AGE"] == "0"
    assert process_env({})["DJANGO_SETTINGS_MODULE"] == "config.settings"
