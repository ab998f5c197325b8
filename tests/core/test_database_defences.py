"""The database defends itself: the audit trail refuses TRUNCATE, and the application connects as a role that
can read and write rows but owns nothing (deploy/postgres/sql/app-role.sql, docker-compose.yml)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from core import audit
from core.actors import SYSTEM
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
APP_ROLE_SQL = ROOT / "deploy" / "postgres" / "sql" / "app-role.sql"


def test_the_audit_trail_refuses_truncate(world):
    audit.record(obj=world.county, action="test.recorded", by=SYSTEM)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check this test's own writes first
        cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.filter(action="test.recorded").exists()


def test_the_audit_trail_refuses_truncate_even_cascading_from_another_table(world):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE partners_user CASCADE")


def test_compose_runs_migrations_as_the_owner_and_the_app_as_its_own_role():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["migrate"]["environment"]["DATABASE_URL"].startswith("postgres://jointly:")
    for name in ("web", "worker", "beat"):
        url = services[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgres://jointly_app:"), f"{name} connects as {url}"
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "./deploy/postgres:/docker-entrypoint-initdb.d:ro" in services["postgres"]["volumes"]
    assert "JOINTLY_APP_DB_PASSWORD" in services["postgres"]["environment"]
    hook = (ROOT / "deploy" / "postgres" / "10-app-role.sh").read_text()
    assert "/docker-entrypoint-initdb.d/sql/app-role.sql" in hook


def _as(role: str, sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        try:
            cursor.execute(sql)
        finally:
            cursor.execute("RESET ROLE")


def test_the_app_role_reads_and_writes_rows_but_owns_nothing(world):
    audit.record(obj=world.county, action="test.recorded", by=SYSTEM)
    role = f"jointly_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jointly.app_role', %s, true)", [role])
        cursor.execute("SELECT set_config('jointly.app_password', %s, true)", ["a-test-password-long-enough"])
        cursor.execute(APP_ROLE_SQL.read_text())
        cursor.execute(APP_ROLE_SQL.read_text())  # idempotent
        # A table made by a later migration (as the owner) is covered by the default privileges.
        cursor.execute("CREATE TABLE jointly_later_table (id bigserial PRIMARY KEY, note text)")

    _as(role, "SELECT count(*) FROM partners_organisation")
    _as(role, "INSERT INTO jointly_later_table (note) VALUES ('written by the app')")
    _as(role, "UPDATE jointly_later_table SET note = 'changed'")
    _as(role, "DELETE FROM jointly_later_table")
    _as(role, f"UPDATE partners_organisation SET area = 'Staffordshire' WHERE id = {world.county.pk}")

    for refused in (
        "TRUNCATE jointly_later_table",
        "CREATE TABLE jointly_app_made (id int)",
        "ALTER TABLE partners_organisation ADD COLUMN sneaky int",
        "DROP TABLE jointly_later_table",
        "ALTER TABLE core_auditevent DISABLE TRIGGER ALL",
        "DELETE FROM core_auditevent",
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            _as(role, refused)
            pytest.fail(f"the app role was allowed: {refused}")


def test_the_app_role_script_refuses_a_missing_password():
    refused = pytest.raises(DatabaseError, match=r"jointly\.app_password")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jointly.app_password', '', true)")
        cursor.execute(APP_ROLE_SQL.read_text())
