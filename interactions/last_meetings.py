"""Keeps LastMeeting and OwnLastMeeting true: signals recompute the KOLs an interaction
change touches, both stores from one read of their meetings by owner. Bulk
writes bypass signals; the ones that create meetings (the bench generator) call
`last_meetings_refresh_all`, and so does a nightly task (interactions.tasks), as a net.

A refresh locks the KOLs' rows before it reads their meetings: two people submitting
meetings with the same KOL at once then refresh one after the other, the second seeing the
first's meeting, instead of the older date possibly being written last."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.db.models.signals import m2m_changed, post_delete, pre_delete

from kols.models import KOL

from .models import Interaction, LastMeeting, OwnLastMeeting
from .selectors import LOGGED
from .signals import logged_state_changed

Attendance = Interaction.kols.through
BATCH_SIZE = 2000


def _latest_by_kol_and_owner(links):
    return (
        links.filter(interaction__status__in=LOGGED, interaction__occurred_at__isnull=False)
        .values("kol_id", "interaction__owner_id")
        .annotate(at=Max("interaction__occurred_at"))
        .values_list("kol_id", "interaction__owner_id", "at")
    )


def _store(kol_ids: list[int], rows: list[tuple[int, int, dt.datetime]]) -> None:
    """`rows`: (KOL, owner, latest meeting) for every owner who met one of `kol_ids`."""
    latest = {}
    for kol_id, _owner_id, at in rows:
        latest[kol_id] = max(at, latest.get(kol_id, at))
    LastMeeting.objects.filter(kol_id__in=set(kol_ids) - latest.keys()).delete()
    LastMeeting.objects.bulk_create(
        [LastMeeting(kol_id=kol_id, occurred_at=at) for kol_id, at in latest.items()],
        update_conflicts=True,
        unique_fields=["kol"],
        update_fields=["occurred_at"],
        batch_size=BATCH_SIZE,
    )
    # Each owner's row is written only when it changes: the nightly refresh of every KOL
    # would otherwise rewrite the whole table.
    stored = {
        (kol_id, owner_id): (pk, at)
        for pk, kol_id, owner_id, at in OwnLastMeeting.objects.filter(
            kol_id__in=kol_ids
        ).values_list("pk", "kol_id", "owner_id", "occurred_at")
    }
    met_by = {(kol_id, owner_id) for kol_id, owner_id, _at in rows}
    OwnLastMeeting.objects.filter(
        pk__in=[pk for pair, (pk, _at) in stored.items() if pair not in met_by]
    ).delete()
    OwnLastMeeting.objects.bulk_create(
        [
            OwnLastMeeting(kol_id=kol_id, owner_id=owner_id, occurred_at=at)
            for kol_id, owner_id, at in rows
            if stored.get((kol_id, owner_id), (None, None))[1] != at
        ],
        update_conflicts=True,
        unique_fields=["owner", "kol"],
        update_fields=["occurred_at"],
        batch_size=BATCH_SIZE,
    )


def last_meetings_refresh(kol_ids: Iterable[int]) -> None:
    kol_ids = sorted(set(kol_ids))
    if not kol_ids:
        return
    with transaction.atomic():
        # In key order, so that concurrent refreshes cannot deadlock.
        list(KOL.objects.select_for_update().filter(pk__in=kol_ids).order_by("pk").values("pk"))
        rows = list(_latest_by_kol_and_owner(Attendance.objects.filter(kol_id__in=kol_ids)))
        _store(kol_ids, rows)


def last_meetings_refresh_all() -> int:
    """Every KOL, a batch at a time: each batch locks only its own KOLs, briefly."""
    kol_ids = list(KOL.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(kol_ids), BATCH_SIZE):
        last_meetings_refresh(kol_ids[start : start + BATCH_SIZE])
    return LastMeeting.objects.count()


def _kol_ids(interaction: Interaction) -> list[int]:
    return list(Attendance.objects.filter(interaction=interaction).values_list("kol_id", flat=True))


def _logged_state_changed(sender, instance, was, now, **kwargs):
    # A new interaction has no KOLs yet: adding them sends m2m_changed. A draft moved in
    # time was no meeting before and is none after.
    if was is not None and (was.logged or now.logged):
        last_meetings_refresh(_kol_ids(instance))


def _attendance_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse:
        # From the KOL's side: kol.interactions.add(...) and the like.
        if action in {"post_add", "post_remove", "post_clear"}:
            last_meetings_refresh([instance.pk])
    elif action == "pre_clear":
        instance._kols_leaving = _kol_ids(instance)
    elif action == "post_clear":
        last_meetings_refresh(getattr(instance, "_kols_leaving", []))
    elif action in {"post_add", "post_remove"} and instance.status in LOGGED:
        last_meetings_refresh(pk_set)


def _deleting(sender, instance, **kwargs):
    instance._kols_leaving = _kol_ids(instance)


def _deleted(sender, instance, **kwargs):
    last_meetings_refresh(getattr(instance, "_kols_leaving", []))


def connect_last_meetings():
    logged_state_changed.connect(_logged_state_changed, dispatch_uid="last-meeting-logged")
    pre_delete.connect(_deleting, sender=Interaction, dispatch_uid="last-meeting-deleting")
    post_delete.connect(_deleted, sender=Interaction, dispatch_uid="last-meeting-deleted")
    m2m_changed.connect(
        _attendance_changed, sender=Attendance, dispatch_uid="last-meeting-attendance"
    )
