"""Every entry a legitimate write makes must verify after the database has stored it, on
SQLite and on PostgreSQL alike."""

import math
import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction

from compliance.context import AuditContext, reset_audit_context, set_audit_context
from compliance.models import AuditChainVerification, AuditEntry
from compliance.selectors import audit_chain_verify
from compliance.services import (
    AuditItem,
    AuditRoundTripError,
    audit_chain_verification_run,
    audit_record,
    audit_record_many,
)
from tests.compliance.tampering import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def target():
    return Group.objects.create(name="A record")


@pytest.mark.parametrize(
    "ip_address",
    ["203.0.113.7", "::ffff:10.0.0.1", "2001:DB8::1", "::1", "fe80:0:0:0:0:0:0:1"],
)
def test_client_addresses_of_every_form_verify(target, ip_address):
    token = set_audit_context(AuditContext(request_id=uuid.uuid4(), ip_address=ip_address))
    try:
        with transaction.atomic():
            audit_record(actor=None, action="update", target=target)
    finally:
        reset_audit_context(token)

    assert audit_chain_verify().ok


@pytest.mark.parametrize(
    "value",
    [1e16, -0.0, 0.1 + 0.2, math.nan, math.inf, 2**70, "naïve ünïcode ✓", {"nested": [1.5, None]}],
)
def test_changed_values_of_every_kind_verify(target, value):
    with transaction.atomic():
        audit_record(
            actor=None,
            action="update",
            target=target,
            changes={"x": {"before": None, "after": value}},
        )

    assert audit_chain_verify().ok
    assert AuditEntry.objects.get().changes["x"]["after"] is not None


def test_a_verification_remembers_where_the_chain_stood_and_notices_it_cut_back(target):
    with transaction.atomic():
        for _ in range(3):
            audit_record(actor=None, action="update", target=target)
    first = audit_chain_verification_run()
    assert first.ok
    assert first.head_sequence == 3

    # Cut the newest entry and move the head back with it: the chain alone still holds.
    tamper("DELETE FROM compliance_auditentry WHERE sequence = %s", [3])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE compliance_auditchainhead SET last_sequence = 2, last_hash = "
            "(SELECT entry_hash FROM compliance_auditentry WHERE sequence = 2)"
        )
    assert audit_chain_verify().ok

    second = audit_chain_verification_run()

    assert not second.ok
    assert second.broken_sequence == 3
    assert "cut back or rewritten" in second.problem
    assert AuditChainVerification.objects.count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_itself_refuses_to_change_or_delete_entries(target):
    from django.db import DatabaseError

    with transaction.atomic():
        audit_record(actor=None, action="update", target=target)

    for statement in (
        "UPDATE compliance_auditentry SET reason = 'edited'",
        "DELETE FROM compliance_auditentry",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            connection.cursor().execute(statement)
    assert AuditEntry.objects.get().reason == ""


def before_each_new_entry(name: str, body: str) -> None:
    """A PostgreSQL trigger running `body` on every audit entry about to be inserted."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body} END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER {name} BEFORE INSERT ON compliance_auditentry "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()"
        )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's triggers cannot rewrite a new row"
)
def test_an_entry_the_database_keeps_differently_is_refused_with_its_write(target):
    before_each_new_entry("audit_reason_rewritten", "NEW.reason := upper(NEW.reason); RETURN NEW;")

    def rename_and_record():
        with transaction.atomic():
            Group.objects.filter(pk=target.pk).update(name="Renamed")
            audit_record(actor=None, action="update", target=target, reason="renamed")

    with pytest.raises(AuditRoundTripError, match="did not survive storage"):
        rename_and_record()

    assert not AuditEntry.objects.exists()
    assert Group.objects.get(pk=target.pk).name == "A record"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database locks a table another connection writes",
)
@pytest.mark.django_db(transaction=True)
def test_a_second_writer_waits_for_the_first_and_chains_after_it():
    import threading

    from django.db import connections

    target = Group.objects.create(name="A record")
    with transaction.atomic():
        audit_record(actor=None, action="create", target=target)
    first_written, second_started, second_done = (threading.Event() for _ in range(3))
    second_waited = []

    def first_writer():
        try:
            with transaction.atomic():
                audit_record(actor=None, action="update", target=target, reason="first")
                first_written.set()
                second_started.wait(10)
                # The second writer is now waiting for the head this transaction holds.
                second_waited.append(not second_done.wait(0.5))
        finally:
            connections.close_all()

    def second_writer():
        try:
            first_written.wait(10)
            second_started.set()
            with transaction.atomic():
                audit_record(actor=None, action="update", target=target, reason="second")
            second_done.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first_writer), threading.Thread(target=second_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)

    assert second_waited == [True]
    assert second_done.is_set()
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [(entry.sequence, entry.reason) for entry in entries][1:] == [
        (2, "first"),
        (3, "second"),
    ]
    assert entries[2].previous_hash == entries[1].entry_hash
    assert audit_chain_verify().ok


def test_the_insert_gives_back_every_field_of_an_entry():
    """What the read-back check compares: if Django stopped honouring the fields' returning,
    the entries would keep the values given and the check would pass on anything."""
    returned = {field.attname for field in AuditEntry._meta.db_returning_fields}

    assert returned == {field.attname for field in AuditEntry._meta.concrete_fields}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's triggers cannot drop a new row"
)
def test_an_entry_the_database_drops_is_refused_with_its_write(target):
    before_each_new_entry(
        "audit_second_dropped", "IF NEW.reason = 'second' THEN RETURN NULL; END IF; RETURN NEW;"
    )

    def record_two():
        with transaction.atomic():
            audit_record_many(
                actor=None,
                items=[
                    AuditItem("update", target, reason="first"),
                    AuditItem("update", target, reason="second"),
                ],
            )

    # Django itself notices a missing row first (an assertion); run with -O, the audit
    # trail's own check refuses it. Either way nothing is written.
    with pytest.raises((AuditRoundTripError, AssertionError)):
        record_two()

    assert not AuditEntry.objects.exists()
