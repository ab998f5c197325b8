from django.db import migrations

IMMUTABLE = """
CREATE OR REPLACE FUNCTION jointly_refuse_decision_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Board decisions are immutable: % refused. Record a correction instead', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER partners_decision_immutable
    BEFORE UPDATE OR DELETE ON partners_decision
    FOR EACH ROW EXECUTE FUNCTION jointly_refuse_decision_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS partners_decision_immutable ON partners_decision;
DROP FUNCTION IF EXISTS jointly_refuse_decision_change();
"""


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_board")]

    operations = [migrations.RunSQL(IMMUTABLE, REVERSE)]
