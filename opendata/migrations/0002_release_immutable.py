from django.db import migrations

IMMUTABLE = """
CREATE OR REPLACE FUNCTION jointly_refuse_release_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'A published OCDS release is immutable: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER opendata_release_immutable
    BEFORE UPDATE OR DELETE ON opendata_release
    FOR EACH ROW EXECUTE FUNCTION jointly_refuse_release_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS opendata_release_immutable ON opendata_release;
DROP FUNCTION IF EXISTS jointly_refuse_release_change();
"""


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_initial")]

    operations = [migrations.RunSQL(IMMUTABLE, REVERSE)]
