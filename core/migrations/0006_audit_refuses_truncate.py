"""The audit trail refuses TRUNCATE too (a statement-level trigger: row triggers do not fire for TRUNCATE).

The only way past it is the transaction-local setting ``jointly.allow_audit_truncate = 'on'``, which the test
runner sets when it empties every table between tests (tests/conftest.py). Production connects as a role that
has no TRUNCATE privilege at all (deploy/postgres/sql/app-role.sql); this trigger also stops the owner by mistake.
"""

from django.db import migrations

REFUSE_TRUNCATE = """
CREATE OR REPLACE FUNCTION jointly_refuse_audit_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('jointly.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit trail is append-only: TRUNCATE refused';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION jointly_refuse_audit_truncate();
"""

REVERSE = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS jointly_refuse_audit_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_restricted_payload")]

    operations = [migrations.RunSQL(REFUSE_TRUNCATE, REVERSE)]
