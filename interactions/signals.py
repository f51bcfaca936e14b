"""What other figures count of an interaction: whether it is logged (submitted or locked)
and when it took place. Tracked here from load to save, so that whatever keeps a figure
derived from it (stale rollup weeks, last meetings) hears of a change once, with what the
interaction was before, rather than each keeping its own copy of the tracking."""

import datetime as dt
from dataclasses import dataclass

from django.db.models.signals import post_init, post_save, pre_save
from django.dispatch import Signal

from .models import Interaction
from .selectors import LOGGED

# Sent after an interaction is saved logged or not where it was not, or moved in time:
# `instance`, `was` (a LoggedState, None for a new interaction) and `now`.
logged_state_changed = Signal()


@dataclass(frozen=True)
class LoggedState:
    logged: bool
    occurred_at: dt.datetime | None


def _state(status: str, occurred_at: dt.datetime | None) -> LoggedState:
    return LoggedState(status in LOGGED, occurred_at)


def _loaded(sender, instance, **kwargs):
    # A partly loaded interaction (only(), defer()) would load the missing fields here, and
    # each load builds another instance: it is read back before it is saved instead.
    if not {"status", "occurred_at"} & instance.get_deferred_fields():
        instance._logged_state = _state(instance.status, instance.occurred_at)


def _saving(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or hasattr(instance, "_logged_state"):
        return
    stored = Interaction.objects.filter(pk=instance.pk).values_list("status", "occurred_at")
    for status, occurred_at in stored:
        instance._logged_state = _state(status, occurred_at)


def _saved(sender, instance, created, raw=False, **kwargs):
    was = None if created else getattr(instance, "_logged_state", None)
    now = _state(instance.status, instance.occurred_at)
    instance._logged_state = now
    if not raw and was != now:
        logged_state_changed.send(sender=Interaction, instance=instance, was=was, now=now)


def connect_logged_state():
    post_init.connect(_loaded, sender=Interaction, dispatch_uid="logged-state-loaded")
    pre_save.connect(_saving, sender=Interaction, dispatch_uid="logged-state-saving")
    post_save.connect(_saved, sender=Interaction, dispatch_uid="logged-state-saved")
