"""Data retention: once records pass the admin's retention period, the free text that could
identify people (interaction notes, insight quotes, inquiry questions, signatures) is
replaced, in place, by a marker. Structure, counts and the audit trail stay, so reports and
the record's history remain; the pseudonymisation itself is an audit entry that names the
fields it cleared without copying their text again."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from inquiries.models import ACTIVE_STATUSES, MedicalInquiry
from interactions.models import Insight, Interaction, InteractionStatus

from .models import AuditAction, CompliancePolicy
from .services import AuditItem, audit_record_many

REMOVED = "[removed after the retention period]"
BATCH_SIZE = 500


@dataclass(frozen=True)
class RetentionResult:
    interactions: int = 0
    insights: int = 0
    inquiries: int = 0


# Apps above this one that keep copies of such text (stored reports) register a callable
# taking the cutoff moment; it runs with every retention pass.
RETENTION_HOOKS: list[Callable[..., object]] = []


def retention_run(*, now: dt.datetime | None = None) -> RetentionResult:
    policy = CompliancePolicy.current()
    if not policy.retention_days:
        return RetentionResult()
    cutoff = (now or timezone.now()) - dt.timedelta(days=policy.retention_days)
    for hook in RETENTION_HOOKS:
        hook(cutoff=cutoff)
    return RetentionResult(
        interactions=_pseudonymise(
            Interaction.objects.filter(
                status=InteractionStatus.LOCKED, occurred_at__lt=cutoff
            ).exclude(notes=REMOVED),
            {"notes": REMOVED, "objectives": REMOVED, "location": ""},
        ),
        insights=_pseudonymise(
            Insight.objects.filter(
                created_at__lt=cutoff, interaction__status=InteractionStatus.LOCKED
            ).exclude(text=REMOVED),
            {"text": REMOVED},
        ),
        inquiries=_pseudonymise(
            MedicalInquiry.objects.filter(created_at__lt=cutoff)
            .exclude(status__in=ACTIVE_STATUSES)
            .exclude(question=REMOVED),
            {"question": REMOVED, "requested_by": REMOVED, "signature_png": None},
        ),
    )


def _pseudonymise(queryset, replacements: dict) -> int:
    """Clear the fields in batches, each batch one transaction with its audit entries."""
    done = 0
    while True:
        with transaction.atomic():
            batch = list(queryset.select_for_update()[:BATCH_SIZE])
            if not batch:
                return done
            model = queryset.model
            model.objects.filter(pk__in=[row.pk for row in batch]).update(**replacements)
            changes = {
                name: {"before": "[pseudonymised]", "after": None if value is None else value}
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
