"""How an audit entry is hashed and how a record is turned into before/after values."""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile

MASKED_VALUE = "(changed)"


def entry_payload(entry) -> dict[str, Any]:
    """Everything an entry says, in a form that reads back the same from any database."""
    content_type = entry.content_type
    return {
        "sequence": entry.sequence,
        "occurred_at": entry.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_user_id": entry.actor_user_id,
        "actor_name": entry.actor_name,
        "content_type": f"{content_type.app_label}.{content_type.model}",
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "action": entry.action,
        "changes": entry.changes,
        "reason": entry.reason,
        "request_id": str(entry.request_id) if entry.request_id else None,
        "ip_address": entry.ip_address,
        "previous_hash": entry.previous_hash,
    }


def compute_entry_hash(entry) -> str:
    canonical = json.dumps(
        entry_payload(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def to_json_value(value: Any) -> Any:
    """The value as every database gives it back, so the hash survives a reload.

    Dates, decimals and UUIDs become strings (DjangoJSONEncoder), and so do floats:
    PostgreSQL's jsonb rewrites some of them (1e16, -0.0) and refuses NaN.
    """
    return _floats_as_text(json.loads(json.dumps(value, cls=AuditJSONEncoder)))


class AuditJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        # Binary content (a signature image) is recorded by its digest: the trail proves
        # which image was stored without copying it.
        if isinstance(o, (bytes, memoryview)):
            return f"sha256:{hashlib.sha256(bytes(o)).hexdigest()}"
        # An uploaded file is recorded by its stored name.
        if isinstance(o, FieldFile):
            return o.name or ""
        return super().default(o)


def _floats_as_text(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {key: _floats_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_floats_as_text(item) for item in value]
    return value


def snapshot(
    instance: models.Model,
    *,
    many_to_many: bool = True,
    related: Mapping[str, Iterable[models.Model]] | None = None,
) -> dict[str, Any]:
    """The audited values of a record: its own fields, and many-to-many links once saved.

    A model lists fields never to show in `audit_masked_fields` (their change is recorded,
    not their value) and fields too noisy to audit in `audit_ignored_fields`. `related`
    gives, by field name, links the caller has just written and still holds, each record
    once, so they are not read back; the links it does not name are read.
    """
    related = related or {}
    masked = getattr(instance, "audit_masked_fields", frozenset())
    ignored = getattr(instance, "audit_ignored_fields", frozenset())
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        # An auto_now stamp changes on every save; the entry's own time already says when.
        if field.name in ignored or getattr(field, "auto_now", False):
            continue
        value = field.value_from_object(instance)
        values[field.name] = _fingerprint(value) if field.name in masked else value
    if many_to_many and instance.pk is not None:
        for field in instance._meta.many_to_many:
            if field.name in ignored:
                continue
            linked = related.get(field.name)
            if linked is None:
                linked = getattr(instance, field.name).all()
            values[field.name] = related_values(linked)
    return to_json_value(values)


def stored_snapshot(instance: models.Model) -> dict[str, Any]:
    """The record as the database holds it now, whatever the instance in hand says.

    Services take their "before" from here: a ModelForm has already written the new values
    onto the instance it was given, so a snapshot of that instance would show no change.
    """
    # _meta.model, not type(): request.user arrives wrapped in a SimpleLazyObject.
    model = instance._meta.model
    return snapshot(model._default_manager.get(pk=instance.pk))


def related_values(related) -> list[str]:
    # The id as well as the name: two people of the same name are not the same link.
    return sorted(f"{obj} (#{obj.pk})" for obj in related)


def diff(before: dict[str, Any], after: dict[str, Any], masked=frozenset()) -> dict[str, Any]:
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in masked:
            changes[name] = {"before": MASKED_VALUE, "after": MASKED_VALUE}
        else:
            changes[name] = {"before": old, "after": new}
    return changes


def _fingerprint(value: Any) -> str:
    # Lets a diff see that a secret changed without the trail ever holding the secret.
    return hashlib.sha256(str(value).encode()).hexdigest()
