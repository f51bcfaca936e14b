"""What an attacker with database access does to the audit trail, for the tests that
prove it is caught."""

from django.db import connection


def tamper(sql, params):
    """An attacker who owns the database: bypasses the ORM, and on PostgreSQL switches off
    the trigger that refuses changes to the trail."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Flush the foreign-key checks Django defers, which would block ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE compliance_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE compliance_auditentry ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
