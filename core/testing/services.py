"""pytest plugin: with no DATABASE_URL configured, start a throwaway embedded PostgreSQL (never SQLite) and a
real Redis before Django is set up, and stop them when the run ends. xdist workers inherit the URLs."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from core.devstack import start_postgres, start_redis

_stops: list[Callable[[], None]] = []
_tmp: list[Path] = []


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Generator[None, None, None]:
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        _start_services()
    return (yield)


def _start_services() -> None:
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.gettempdir())
    base = Path(tempfile.mkdtemp(prefix="jointly-test-"))
    _tmp.append(base)
    if not os.environ.get("DATABASE_URL"):
        url, stop = start_postgres(base / "pgdata", database="postgres", cleanup="delete")
        os.environ["DATABASE_URL"] = url
        _stops.append(stop)
    if not os.environ.get("REDIS_URL"):
        url, stop = start_redis(base / "redis")
        os.environ["REDIS_URL"] = url
        _stops.append(stop)
    os.environ.setdefault("JOINTLY_MEDIA_ROOT", str(base / "media"))


def pytest_unconfigure(config: pytest.Config) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER") is not None:
        return
    while _stops:
        try:
            _stops.pop()()
        except Exception:  # noqa: BLE001, S110 - best effort at shutdown
            pass
    for path in _tmp:
        shutil.rmtree(path, ignore_errors=True)
