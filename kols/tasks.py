import logging

from celery import shared_task

from .import_service import kol_imports_purge_stale

logger = logging.getLogger(__name__)


@shared_task
def purge_stale_kol_imports() -> int:
    purged = kol_imports_purge_stale()
    if purged:
        logger.info("Cancelled %s KOL import previews left undecided for a day", purged)
    return purged
