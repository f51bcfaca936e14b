from django.db import migrations

# Applications never change or delete audit entries; on PostgreSQL the database itself
# refuses, so neither a bug nor a careless UPDATE in a shell can touch the trail. (Someone
# who owns the table can still disable the trigger; verify_audit catches what they do.)
FORWARD = """
CREATE OR REPLACE FUNCTION compliance_auditentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER compliance_auditentry_append_only
    BEFORE UPDATE OR DELETE ON compliance_auditentry
    FOR EACH ROW EXECUTE FUNCTION compliance_auditentry_refuse_change();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS compliance_auditentry_append_only ON compliance_auditentry;
DROP FUNCTION IF EXISTS compliance_auditentry_refuse_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0004_verification_anchor")]

    operations = [migrations.RunPython(forward, backward)]
