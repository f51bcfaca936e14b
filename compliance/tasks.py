import logging

from celery import shared_task

from .models import SafetyReport
from .retention import retention_run
from .safety import safety_report_forward, safety_reports_resend_pending
from .services import audit_chain_verification_run

logger = logging.getLogger(__name__)


@shared_task
def verify_audit_chain() -> int:
    """Scheduled check of the audit chain, so tampering is noticed without anyone asking."""
    verification = audit_chain_verification_run()
    if verification.ok:
        logger.info("Audit trail intact: %s entries", verification.entries_checked)
    else:
        logger.error(
            "Audit trail broken at entry #%s: %s",
            verification.broken_sequence,
            verification.problem,
        )
    return verification.pk


@shared_task(
    autoretry_for=(Exception,),
    dont_autoretry_for=(SafetyReport.DoesNotExist,),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=8,
)
def forward_safety_report(report_pk: int) -> bool:
    """Send one report; retried with back-off while the mail server is down."""
    return safety_report_forward(report_pk)


@shared_task
def resend_pending_safety_reports() -> int:
    """Re-queue what is still pending: reports saved while the broker was down, or whose
    retries ran out."""
    return safety_reports_resend_pending()


@shared_task
def apply_data_retention() -> dict:
    """Nightly: pseudonymise what has passed the retention period."""
    result = retention_run()
    logger.info("Retention: %s", result)
    return result
