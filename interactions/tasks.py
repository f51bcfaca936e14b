import logging

from celery import shared_task

from .last_meetings import last_meetings_refresh_all
from .services import follow_up_digests_send, interactions_lock_due

logger = logging.getLogger(__name__)


@shared_task
def lock_submitted_interactions() -> int:
    locked = interactions_lock_due()
    if locked:
        logger.info("Locked %s interactions whose edit window closed", locked)
    return locked


@shared_task
def send_follow_up_digests() -> int:
    sent = follow_up_digests_send()
    logger.info("Sent %s follow-up digests", sent)
    return sent


@shared_task
def refresh_last_meetings() -> int:
    """Nightly: recompute every KOL's last meeting, for writes that went past the signals
    (raw SQL, queryset.update, a bulk load)."""
    return last_meetings_refresh_all()
