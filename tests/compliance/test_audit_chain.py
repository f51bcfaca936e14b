"""The audit trail is tamper-evident: any edit, removal or reordering is found."""

import itertools

import pytest
from django.core.management import call_command
from django.db import transaction

from accounts.services import territory_create, user_create
from compliance.models import AppendOnlyError, AuditEntry
from compliance.services import AuditOutsideTransactionError, audit_record
from tests.compliance.tampering import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(admin_user):
    """Five entries from ordinary audited writes."""
    for n in range(3):
        user_create(actor=admin_user, username=f"user{n}")
    territory_create(actor=admin_user, name="Boston", code="US-1", region="NE", country="US")
    territory_create(actor=admin_user, name="Austin", code="US-2", region="S", country="US")
    return list(AuditEntry.objects.order_by("sequence"))


def run_verify():
    """Run the command as an operator would; return (exit code, output)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    except Exception as error:  # CommandError when not run from the command line
        return getattr(error, "returncode", 1), str(error)
    return 0, out.getvalue()


def test_an_untouched_chain_verifies(chain):
    code, output = run_verify()

    assert code == 0
    assert "intact: 5 entries" in output


def test_entries_link_to_their_predecessor(chain):
    for previous, entry in itertools.pairwise(chain):
        assert entry.previous_hash == previous.entry_hash
        assert entry.sequence == previous.sequence + 1


def test_an_edited_entry_is_detected_and_named(chain):
    target = chain[2]
    tamper(
        "UPDATE compliance_auditentry SET actor_name = %s WHERE id = %s",
        ["someone else", target.pk],
    )

    code, output = run_verify()

    assert code == 1
    assert f"entry #{target.sequence} (id {target.pk})" in output
    assert "altered" in output


def test_an_edited_change_value_is_detected(chain):
    target = chain[3]
    tamper(
        "UPDATE compliance_auditentry SET changes = %s WHERE id = %s",
        ['{"name": {"before": null, "after": "Cambridge"}}', target.pk],
    )

    code, output = run_verify()

    assert code == 1
    assert f"entry #{target.sequence}" in output


def test_a_deleted_entry_is_detected(chain):
    tamper("DELETE FROM compliance_auditentry WHERE id = %s", [chain[1].pk])

    code, output = run_verify()

    assert code == 1
    assert "entry #2 is missing" in output


def test_removing_the_newest_entries_is_detected(chain):
    tamper("DELETE FROM compliance_auditentry WHERE sequence >= %s", [4])

    code, output = run_verify()

    assert code == 1
    assert "newest entries were removed" in output


def test_reordered_entries_are_detected(chain):
    first, second = chain[1], chain[2]
    # Swap their places in the sequence, keeping everything else as written.
    tamper("UPDATE compliance_auditentry SET sequence = %s WHERE id = %s", [999, first.pk])
    tamper(
        "UPDATE compliance_auditentry SET sequence = %s WHERE id = %s",
        [first.sequence, second.pk],
    )
    tamper(
        "UPDATE compliance_auditentry SET sequence = %s WHERE id = %s", [second.sequence, first.pk]
    )

    code, output = run_verify()

    assert code == 1
    assert f"entry #{first.sequence}" in output
    assert "reordered" in output


def test_a_rehashed_edit_still_breaks_the_link_to_the_next_entry(chain):
    from compliance.audit_chain import compute_entry_hash

    target = AuditEntry.objects.get(pk=chain[1].pk)
    target.reason = "rewritten"
    forged_hash = compute_entry_hash(target)
    tamper(
        "UPDATE compliance_auditentry SET reason = %s, entry_hash = %s WHERE id = %s",
        ["rewritten", forged_hash, target.pk],
    )

    code, output = run_verify()

    assert code == 1
    assert f"entry #{chain[2].sequence}" in output


def test_the_orm_refuses_to_change_or_delete_entries(chain):
    entry = chain[0]
    entry.reason = "changed"

    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_an_audit_entry_outside_a_transaction_is_refused(transactional_db, admin_user):
    assert not transaction.get_connection().in_atomic_block

    with pytest.raises(AuditOutsideTransactionError):
        audit_record(actor=admin_user, action="update", target=admin_user)


def test_a_failed_write_leaves_no_audit_entry(transactional_db, admin_user):
    def write_that_fails_halfway():
        with transaction.atomic():
            user_create(actor=admin_user, username="rolled-back")
            raise RuntimeError("the rest of the write failed")

    with pytest.raises(RuntimeError):
        write_that_fails_halfway()

    assert not AuditEntry.objects.exists()
    code, _ = run_verify()
    assert code == 0


def test_the_empty_trail_verifies():
    code, output = run_verify()

    assert code == 0
    assert "intact: 0 entries" in output
