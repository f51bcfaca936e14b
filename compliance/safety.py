"""Adverse events: a safety report is saved in the same transaction as the record that
mentions the event, and forwarded to drug safety at least once.

Forwarding runs in a Celery task queued after the commit. If the broker is down the report
simply stays pending, and the beat task that re-queues pending reports sends it when the
broker is back; the task's retries with back-off cover a mail server that is down. The
report's receipt id travels with every delivery, so a report sent twice counts once.
"""

import logging
import uuid

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from msl_crm.business_days import add_business_days

from .audit_chain import stored_snapshot
from .models import CompliancePolicy, SafetyReport, SafetyReportStatus
from .services import audit_changed, audit_created

logger = logging.getLogger(__name__)
DEADLINE_BUSINESS_DAYS = 1


def safety_report_open(
    *,
    reporter,
    learned_at,
    kol=None,
    product=None,
    interaction=None,
    inquiry=None,
    patient: str = "",
    event: str = "",
) -> SafetyReport:
    """Save a report inside the caller's transaction; it is queued once that commits."""
    report = SafetyReport(
        reporter=reporter,
        kol=kol,
        product=product,
        interaction=interaction,
        inquiry=inquiry,
        patient=patient[:200],
        event=event,
        learned_at=learned_at,
        # Weekends are counted where the MSL works (the site's time zone), whatever zone
        # the moment arrived in.
        deadline=add_business_days(timezone.localtime(learned_at), DEADLINE_BUSINESS_DAYS),
        receipt_id=uuid.uuid4(),
    )
    report.save()
    audit_created(actor=reporter, instance=report)
    transaction.on_commit(lambda: safety_report_enqueue(report.pk))
    return report


def safety_report_for_inquiry(inquiry) -> SafetyReport:
    """The inquiries app's adverse-event hook: the question is what was said. One report
    per inquiry, however often the flag is corrected: a second one would reach drug safety
    with a new receipt id and count twice."""
    existing = inquiry.safety_reports.first()
    if existing is not None:
        return existing
    return safety_report_open(
        reporter=inquiry.raised_by,
        learned_at=inquiry.requested_at,
        kol=inquiry.kol,
        product=inquiry.product,
        inquiry=inquiry,
        event=inquiry.question,
    )


def safety_report_enqueue(report_pk: int) -> bool:
    """Queue the forwarding; never fail the request that saved the report."""
    from .tasks import forward_safety_report  # the tasks module imports this one

    try:
        forward_safety_report.delay(report_pk)
    except Exception:
        logger.warning("Safety report %s not queued now; the resend task will", report_pk)
        return False
    return True


def safety_report_forward(report_pk: int) -> bool:
    """Send the report to the drug-safety mailbox unless it has gone already. Returns
    whether this call sent it; raises if sending failed, so the task retries. The row stays
    locked while the mail goes, so two workers never both send it."""
    try:
        with transaction.atomic():
            report = (
                # of=self: PostgreSQL cannot lock the nullable side of the outer joins.
                SafetyReport.objects.select_for_update(of=("self",))
                .select_related("reporter", "kol", "product")
                .get(pk=report_pk)
            )
            if report.status == SafetyReportStatus.FORWARDED:
                return False
            before = stored_snapshot(report)
            _message(report, CompliancePolicy.current().drug_safety_mailbox).send()
            report.status = SafetyReportStatus.FORWARDED
            report.forwarded_at = timezone.now()
            report.attempts += 1
            report.last_error = ""
            report.save()
            audit_changed(
                actor=None, instance=report, before=before, reason="Forwarded to drug safety"
            )
    except SafetyReport.DoesNotExist:
        raise  # nothing to record the failure against
    except Exception as error:
        _record_failed_attempt(report_pk, f"{type(error).__name__}: {error}"[:300])
        raise
    return True


@transaction.atomic
def _record_failed_attempt(report_pk: int, error: str) -> None:
    """In its own transaction, after the failed one rolled back: the compliance page shows
    why a report waits, and the trail shows each attempt."""
    report = SafetyReport.objects.select_for_update().get(pk=report_pk)
    before = stored_snapshot(report)
    report.attempts += 1
    report.last_error = error
    report.save(update_fields=["attempts", "last_error"])
    audit_changed(actor=None, instance=report, before=before, reason="Forwarding failed")


def safety_reports_resend_pending() -> int:
    """Queue every report not yet forwarded (the beat task)."""
    pending = SafetyReport.objects.filter(status=SafetyReportStatus.PENDING).values_list(
        "pk", flat=True
    )
    return sum(safety_report_enqueue(pk) for pk in pending)


def _message(report: SafetyReport, mailbox: str) -> EmailMessage:
    if not mailbox:
        raise RuntimeError("No drug-safety mailbox is configured in the compliance policy.")
    receipt = str(report.receipt_id)
    return EmailMessage(
        subject=f"Adverse event report {receipt} "
        f"(due {timezone.localtime(report.deadline):%Y-%m-%d %H:%M %Z})",
        body=render_to_string("emails/safety_report.txt", {"report": report}),
        to=[mailbox],
        headers={"Message-ID": f"<{receipt}@msl-crm>", "X-Safety-Report-Receipt": receipt},
    )
