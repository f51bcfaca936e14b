"""Which weeks' rollups a change makes stale. Signals mark them; `rollups_refresh_stale`
recounts them. Bulk writes bypass the signals: the ones that change counts (the bench
generator, the demo) build their rollups themselves, and the nightly task recounts the
last two weeks whatever the marks say."""

import datetime as dt
from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save
from django.utils import timezone

from interactions.models import Insight, Interaction

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


def _interaction_loaded(sender, instance, **kwargs):
    # A partly loaded interaction (only(), defer()) would load the missing fields here, and
    # each load builds another instance: it is read back before it is saved instead.
    if not {"status", "occurred_at"} & instance.get_deferred_fields():
        instance._counted_as = (instance.status in LOGGED, instance.occurred_at)


def _interaction_saving(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or hasattr(instance, "_counted_as"):
        return
    stored = Interaction.objects.filter(pk=instance.pk).values_list("status", "occurred_at")
    for status, occurred_at in stored:
        instance._counted_as = (status in LOGGED, occurred_at)


def _interaction_saved(sender, instance, created, raw=False, **kwargs):
    was_logged, was_at = getattr(instance, "_counted_as", (False, None))
    logged = instance.status in LOGGED
    instance._counted_as = (logged, instance.occurred_at)
    if raw or (logged, instance.occurred_at) == (was_logged, was_at):
        return
    weeks = []
    if was_logged:
        weeks += _week_of(was_at)
    if logged:
        weeks += _week_of(instance.occurred_at)
    if not created and logged != was_logged:
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
    post_init.connect(_interaction_loaded, sender=Interaction, dispatch_uid="rollup-loaded")
    pre_save.connect(_interaction_saving, sender=Interaction, dispatch_uid="rollup-saving")
    post_save.connect(_interaction_saved, sender=Interaction, dispatch_uid="rollup-saved")
    post_delete.connect(_interaction_deleted, sender=Interaction, dispatch_uid="rollup-gone")
    m2m_changed.connect(
        _products_changed, sender=Interaction.products.through, dispatch_uid="rollup-products"
    )
