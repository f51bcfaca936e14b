"""Which weeks' rollups a change makes stale. Signals mark them; `rollups_refresh_stale`
recounts them. Bulk writes bypass the signals: the ones that change counts (the bench
generator, the demo) build their rollups themselves, and the nightly task recounts the
last two weeks whatever the marks say."""

import datetime as dt
from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from interactions.models import Insight, Interaction
from interactions.signals import logged_state_changed

from .models import StaleRollupWeek
from .rollups import LOGGED, week_start


def weeks_mark_stale(weeks: Iterable[dt.date]) -> None:
    StaleRollupWeek.objects.bulk_create(
        [StaleRollupWeek(week=week) for week in set(weeks)], ignore_conflicts=True
    )


def _week_of(moment: dt.datetime | None) -> list[dt.date]:
    return [week_start(timezone.localtime(moment).date())] if moment else []


def _insight_weeks(interaction: Interaction) -> list[dt.date]:
    return [
        week
        for moment in interaction.insights.values_list("created_at", flat=True)
        for week in _week_of(moment)
    ]


def _insight_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        weeks_mark_stale(_week_of(instance.created_at))


def _interaction_logged_state_changed(sender, instance, was, now, **kwargs):
    weeks = []
    if was is not None and was.logged:
        weeks += _week_of(was.occurred_at)
    if now.logged:
        weeks += _week_of(now.occurred_at)
    if was is not None and was.logged != now.logged:
        # Its insights count only while it is logged.
        weeks += _insight_weeks(instance)
    weeks_mark_stale(weeks)


def _interaction_deleted(sender, instance, **kwargs):
    if instance.status in LOGGED:
        weeks_mark_stale(_week_of(instance.occurred_at))


def _products_changed(sender, instance, action, reverse, **kwargs):
    changed = action in {"post_add", "post_remove", "post_clear"} and not reverse
    if changed and instance.status in LOGGED:
        weeks_mark_stale(_insight_weeks(instance))


def connect_staleness():
    post_save.connect(_insight_changed, sender=Insight, dispatch_uid="rollup-insight-saved")
    post_delete.connect(_insight_changed, sender=Insight, dispatch_uid="rollup-insight-gone")
    logged_state_changed.connect(
        _interaction_logged_state_changed, dispatch_uid="rollup-interaction-logged"
    )
    post_delete.connect(_interaction_deleted, sender=Interaction, dispatch_uid="rollup-gone")
    m2m_changed.connect(
        _products_changed, sender=Interaction.products.through, dispatch_uid="rollup-products"
    )
