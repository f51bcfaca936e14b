import logging

from celery import shared_task

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
