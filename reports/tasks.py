import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from .rollups import rollups_refresh_stale, week_start
from .services import trend_report_build, trend_report_mail

logger = logging.getLogger(__name__)


@shared_task
def build_weekly_trend_report(week: str | None = None, *, mail: bool = True) -> int:
    """Build (or rebuild) a week's report, by default the last complete week, and mail it to
    subscribers. Scheduled in django-celery-beat; the dashboard's "run now" queues it too."""
    report = trend_report_build(dt.date.fromisoformat(week) if week else None)
    if mail:
        sent = trend_report_mail(report)
        logger.info("Trend report %s mailed to %s subscribers", report.week, sent)
    return report.pk


@shared_task
def refresh_recent_rollups() -> int:
    """Nightly: recount this week and the last, and every week a change has marked stale,
    so the dashboard takes in meetings logged late without waiting for Monday's report."""
    this_week = week_start(timezone.localdate())
    return rollups_refresh_stale(also=[this_week - dt.timedelta(weeks=1), this_week])
