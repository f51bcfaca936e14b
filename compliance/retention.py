"""Data retention: once records pass the admin's retention period, the free text that could
identify people (interaction notes, insight quotes, inquiry questions, signatures, report
quotes) is replaced, in place, by a marker. Structure, counts and the audit trail stay, so
reports and the record's history remain; the pseudonymisation itself is an audit entry that
names the fields it cleared without copying their text again.

The policy and the mechanics live here; each app that holds such text says what to clear by
registering a hook (in its AppConfig.ready), so this app never reaches up into them.
"""

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from .models import AuditAction, CompliancePolicy
from .services import AuditItem, audit_record_many

REMOVED = "[removed after the retention period]"
BATCH_SIZE = 500

# Each hook takes the cutoff moment and returns {what: how many records it cleared}.
RETENTION_HOOKS: list[Callable[..., dict[str, int]]] = []


def retention_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    policy = CompliancePolicy.current()
    if not policy.retention_days:
        return {}
    cutoff = (now or timezone.now()) - dt.timedelta(days=policy.retention_days)
    result: dict[str, int] = {}
    for hook in RETENTION_HOOKS:
        result.update(hook(cutoff=cutoff))
    return result


def pseudonymise(queryset, replacements: dict) -> int:
    """Clear the fields in batches, each batch one transaction with its audit entries.
    `queryset` must exclude what is already cleared, or it would never run out."""
    done = 0
    while True:
        with transaction.atomic():
            batch = list(queryset.select_for_update()[:BATCH_SIZE])
            if not batch:
                return done
            queryset.model.objects.filter(pk__in=[row.pk for row in batch]).update(**replacements)
            changes = {
                name: {"before": "[pseudonymised]", "after": value}
                for name, value in replacements.items()
            }
            audit_record_many(
                actor=None,
                items=[
                    AuditItem(AuditAction.UPDATE, row, changes, "Retention period passed")
                    for row in batch
                ],
            )
            done += len(batch)
