"""Writes of the compliance app. For now: the audit trail that every write service calls."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.ipv6 import clean_ipv6_address

from .audit_chain import MASKED_VALUE, compute_entry_hash, diff, snapshot, to_json_value
from .context import current_audit_context
from .models import AuditAction, AuditChainHead, AuditChainVerification, AuditEntry
from .selectors import audit_chain_verify

SYSTEM_ACTOR_NAME = "system"


class AuditOutsideTransactionError(RuntimeError):
    """The audit entry must commit or roll back together with the write it records."""


class AuditRoundTripError(RuntimeError):
    """The database gave back an entry that no longer matches its hash."""


@dataclass(frozen=True)
class AuditItem:
    """One change to record, for `audit_record_many`."""

    action: AuditAction
    target: models.Model
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    object_id: Any = None


def audit_record(
    *,
    actor,
    action: AuditAction,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    object_id: Any = None,
) -> AuditEntry:
    """Append one entry to the audit trail, chained to the entry before it.

    Call it inside the transaction of the write it records, so that either both land or
    neither does. `object_id` is only needed for a record already deleted.
    """
    item = AuditItem(action, target, changes or {}, reason, object_id)
    return audit_record_many(actor=actor, items=[item])[0]


def audit_record_many(*, actor, items: list[AuditItem]) -> list[AuditEntry]:
    """Append entries for many changes of one operation (an import) with one lock and a
    handful of queries, chained exactly as if recorded one by one."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise AuditOutsideTransactionError(
            "Audit entries must be recorded inside the transaction of the write they record."
        )
    if not connection.features.can_return_rows_from_bulk_insert:
        raise ImproperlyConfigured(
            "The audit trail needs a database that returns inserted rows: PostgreSQL, or "
            "SQLite 3.35 or newer."
        )
    if not items:
        return []
    context = current_audit_context()
    last_sequence, last_hash = _locked_head(connection)
    actor_user_id = actor.pk if actor is not None else None
    actor_name = actor.get_username() if actor is not None else SYSTEM_ACTOR_NAME
    ip_address = _normalised_ip(context.ip_address)
    entries = []
    sequence, previous_hash = last_sequence, last_hash
    for item in items:
        sequence += 1
        entry = AuditEntry(
            sequence=sequence,
            actor_user_id=actor_user_id,
            actor_name=actor_name,
            content_type=ContentType.objects.get_for_model(item.target, for_concrete_model=False),
            object_id=str(item.object_id if item.object_id is not None else item.target.pk),
            object_repr=str(item.target)[:200],
            action=item.action,
            changes=to_json_value(item.changes),
            reason=item.reason,
            request_id=context.request_id,
            ip_address=ip_address,
            previous_hash=previous_hash,
        )
        entry.entry_hash = compute_entry_hash(entry)
        previous_hash = entry.entry_hash
        entries.append(entry)
    expected = [entry.entry_hash for entry in entries]
    # The entries come back as the database kept them (every field is returned by the
    # INSERT): a value it stores differently from how it was given would leave an entry
    # that fails verification forever, so refuse the write instead.
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    if any(entry.pk is None for entry in entries):
        # Only a row the database returned gives an entry its id.
        raise AuditRoundTripError("Audit entries went missing while being written.")
    for entry, entry_hash in zip(entries, expected, strict=True):
        if not entry.entry_hash == compute_entry_hash(entry) == entry_hash:
            raise AuditRoundTripError(f"Audit entry #{entry.sequence} did not survive storage.")
    _move_head(connection, sequence, previous_hash)
    return entries


# The head is read and moved by every write of the product, so in plain SQL: the ORM's
# building of these two one-row statements cost 0.7 ms of every save. Every name in them
# comes from the model, never from input.
HEAD_SELECT = "SELECT {sequence}, {hash} FROM {table} WHERE {id} = %s{for_update}"
HEAD_UPDATE = "UPDATE {table} SET {sequence} = %s, {hash} = %s WHERE {id} = %s"


def _head_sql(connection, statement: str) -> str:
    quote = connection.ops.quote_name
    meta = AuditChainHead._meta
    return statement.format(
        table=quote(meta.db_table),
        id=quote(meta.pk.column),
        sequence=quote(meta.get_field("last_sequence").column),
        hash=quote(meta.get_field("last_hash").column),
        for_update=" FOR UPDATE" if connection.features.has_select_for_update else "",
    )


def _locked_head(connection) -> tuple[int, str]:
    """The chain's last sequence and hash, locked until the transaction ends: appends are
    serialised, so two writers can never chain to the same entry."""
    row = _select_head(connection)
    if row is None:
        # The first entry ever: the head row is made (by one of two first writers; the
        # other waits on its key, then finds it), then locked like any other time.
        AuditChainHead.objects.get_or_create(pk=AuditChainHead.SINGLETON_ID)
        row = _select_head(connection)
    return row


def _select_head(connection) -> tuple[int, str] | None:
    with connection.cursor() as cursor:
        cursor.execute(_head_sql(connection, HEAD_SELECT), [AuditChainHead.SINGLETON_ID])
        return cursor.fetchone()


def _move_head(connection, sequence: int, entry_hash: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            _head_sql(connection, HEAD_UPDATE),
            [sequence, entry_hash, AuditChainHead.SINGLETON_ID],
        )
        if cursor.rowcount != 1:
            raise AuditRoundTripError("The audit chain's head could not be moved.")


def audit_created(
    *,
    actor,
    instance: models.Model,
    reason: str = "",
    related: Mapping[str, Iterable[models.Model]] | None = None,
) -> AuditEntry:
    """`related`: the links just written, by field name, as `snapshot()` takes them."""
    after = _masked(instance, snapshot(instance, related=related))
    changes = {name: {"before": None, "after": value} for name, value in after.items()}
    return audit_record(
        actor=actor, action=AuditAction.CREATE, target=instance, changes=changes, reason=reason
    )


def audit_changed(
    *, actor, instance: models.Model, before: dict[str, Any], reason: str = ""
) -> AuditEntry | None:
    """Record what changed since `before` (a `snapshot()`); nothing changed, nothing recorded."""
    masked = getattr(instance, "audit_masked_fields", frozenset())
    changes = diff(before, snapshot(instance), masked=masked)
    if not changes:
        return None
    return audit_record(
        actor=actor, action=AuditAction.UPDATE, target=instance, changes=changes, reason=reason
    )


def audit_deleted(*, actor, instance: models.Model, reason: str = "") -> AuditEntry:
    """Call before deleting, while the record and its links can still be read."""
    before = _masked(instance, snapshot(instance))
    changes = {name: {"before": value, "after": None} for name, value in before.items()}
    return audit_record(
        actor=actor, action=AuditAction.DELETE, target=instance, changes=changes, reason=reason
    )


def audit_chain_verification_run() -> AuditChainVerification:
    """Verify the whole chain and keep the outcome, for the compliance page and the auditors.

    Beyond the chain itself, the point the last good run verified must still be there with
    the same hash: someone who cut the newest entries and moved the head back would
    otherwise leave a chain that holds together.
    """
    head = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_ID).first()
    result = audit_chain_verify()
    ok, broken_sequence, problem = result.ok, result.broken_sequence, result.problem
    anchor = AuditChainVerification.objects.filter(ok=True, head_sequence__gt=0).first()
    if ok and anchor is not None:
        kept = AuditEntry.objects.filter(sequence=anchor.head_sequence).first()
        if kept is None or kept.entry_hash != anchor.head_hash:
            ok, broken_sequence = False, anchor.head_sequence
            problem = (
                f"entry #{anchor.head_sequence}, verified on {anchor.verified_at:%Y-%m-%d %H:%M} "
                "UTC, is gone or changed: the chain was cut back or rewritten"
            )
    return AuditChainVerification.objects.create(
        ok=ok,
        entries_checked=result.checked,
        broken_sequence=broken_sequence,
        problem=problem,
        head_sequence=head.last_sequence if head else 0,
        head_hash=head.last_hash if head else "",
    )


def _normalised_ip(address: str | None) -> str | None:
    # In the form GenericIPAddressField stores (e.g. ::ffff:10.0.0.1 stays dotted), or the
    # hash would not verify after a reload.
    if not address:
        return None
    return clean_ipv6_address(address) if ":" in address else address


def _masked(instance: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    masked = getattr(instance, "audit_masked_fields", frozenset())
    return {name: MASKED_VALUE if name in masked else value for name, value in values.items()}
