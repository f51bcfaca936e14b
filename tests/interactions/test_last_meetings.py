"""Each KOL's last logged meeting, stored for coverage counts (and each MSL's own, for the
directory), stays what the interactions say through every way they change: submitted,
moved, unlocked, KOLs added or removed from either side, deleted; and a bulk write past
the signals is repaired by the nightly task."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from interactions.last_meetings import last_meetings_refresh_all
from interactions.models import Interaction, InteractionStatus, LastMeeting, OwnLastMeeting
from interactions.services import (
    interaction_create,
    interaction_delete,
    interaction_submit,
    interaction_unlock,
    interaction_update,
)
from interactions.tasks import refresh_last_meetings
from tests.factories import InteractionFactory, KOLFactory

pytestmark = pytest.mark.django_db

LOGGED = (InteractionStatus.SUBMITTED, InteractionStatus.LOCKED)


def stored() -> dict[int, dt.datetime]:
    return dict(LastMeeting.objects.values_list("kol_id", "occurred_at"))


def stored_by_owner() -> dict[tuple[int, int], dt.datetime]:
    rows = OwnLastMeeting.objects.values_list("kol_id", "owner_id", "occurred_at")
    return {(kol_id, owner_id): at for kol_id, owner_id, at in rows}


def computed_by_owner() -> dict[tuple[int, int], dt.datetime]:
    """Each MSL's last logged meeting with each KOL, worked out in Python from the
    interactions themselves rather than by the aggregate the stores are written from."""
    latest = {}
    logged = Interaction.objects.filter(status__in=LOGGED, occurred_at__isnull=False)
    for interaction in logged.prefetch_related("kols"):
        for kol in interaction.kols.all():
            key = (kol.pk, interaction.owner_id)
            latest[key] = max(interaction.occurred_at, latest.get(key, interaction.occurred_at))
    return latest


def computed() -> dict[int, dt.datetime]:
    """The same per KOL, whoever met them, as coverage used to read it."""
    latest = {}
    for (kol_id, _owner_id), at in computed_by_owner().items():
        latest[kol_id] = max(at, latest.get(kol_id, at))
    return latest


@pytest.fixture(autouse=True)
def _each_owners_last_meetings_agree_in_the_end():
    """Every way of changing meetings below leaves each MSL's stored last meetings as the
    interactions say (the tests check the per-KOL store themselves)."""
    yield
    assert stored_by_owner() == computed_by_owner()


# One clock for a test module: read afresh, two calls a second apart would differ.
NOW = timezone.now().replace(microsecond=0)


def ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def kols(organisation):
    return [KOLFactory(territory=organisation["boston"]) for _ in range(3)]


def logged(msl, kols, days_ago):
    draft = interaction_create(
        actor=msl, kols=kols, type="one_to_one", channel="phone", occurred_at=ago(days_ago)
    )
    return interaction_submit(actor=msl, interaction=draft, version=draft.version)


def test_a_draft_is_no_meeting_until_it_is_submitted(msl, kols):
    draft = interaction_create(
        actor=msl, kols=kols[:1], type="one_to_one", channel="phone", occurred_at=ago(3)
    )
    assert stored() == {}

    interaction_submit(actor=msl, interaction=draft, version=draft.version)

    assert stored() == {kols[0].pk: ago(3)}


def test_the_latest_of_several_meetings_counts_and_an_older_one_does_not_replace_it(msl, kols):
    logged(msl, kols[:1], days_ago=2)
    logged(msl, kols[:2], days_ago=25)

    assert stored() == {kols[0].pk: ago(2), kols[1].pk: ago(25)}
    assert stored() == computed()


def test_moving_a_meeting_or_changing_its_kols_moves_their_last_meeting(msl, kols):
    earlier = logged(msl, kols[:1], days_ago=28)
    meeting = logged(msl, kols[:2], days_ago=5)

    meeting = interaction_update(
        actor=msl,
        interaction=meeting,
        version=meeting.version,
        kols=[kols[1], kols[2]],
        reason="Wrong KOL recorded",
        occurred_at=ago(6),
    )

    assert stored() == {kols[0].pk: ago(28), kols[1].pk: ago(6), kols[2].pk: ago(6)}
    assert earlier.pk != meeting.pk
    assert stored() == computed()


def test_an_unlocked_meeting_stops_counting_and_a_deleted_draft_leaves_nothing(
    msl, kols, admin_user
):
    meeting = logged(msl, kols[:1], days_ago=5)

    draft = interaction_unlock(actor=admin_user, interaction=meeting, reason="Wrong date")
    assert stored() == {}

    interaction_delete(actor=msl, interaction=draft)
    assert stored() == {}
    assert computed() == {}


def test_kols_added_or_removed_from_the_kols_side_count_too(msl, kols):
    meeting = InteractionFactory(
        owner=msl,
        status=InteractionStatus.SUBMITTED,
        occurred_at=ago(9),
        first_submitted_at=ago(9),
        submitted_at=ago(9),
    )

    kols[0].interactions.add(meeting)
    assert stored() == {kols[0].pk: ago(9)}

    kols[0].interactions.remove(meeting)
    assert stored() == {}

    meeting.kols.add(kols[1], kols[2])
    meeting.kols.clear()
    assert stored() == {}


def test_a_partly_loaded_interaction_loads_and_saves(msl, kols, admin_user):
    meeting = logged(msl, kols[:1], days_ago=5)

    partial = Interaction.objects.only("pk", "notes").get(pk=meeting.pk)
    assert partial.status == InteractionStatus.SUBMITTED  # loads without recursing

    moved = Interaction.objects.defer("occurred_at").get(pk=meeting.pk)
    moved.occurred_at = ago(7)
    moved.save()
    assert stored() == {kols[0].pk: ago(7)}

    unlocked = Interaction.objects.defer("status").get(pk=meeting.pk)
    unlocked.status = InteractionStatus.DRAFT
    unlocked.save()
    assert stored() == {}


def test_a_draft_moved_in_time_reads_no_meetings(msl, kols, django_assert_max_num_queries):
    draft = interaction_create(
        actor=msl, kols=kols, type="one_to_one", channel="phone", occurred_at=ago(3)
    )
    draft = Interaction.objects.get(pk=draft.pk)
    draft.occurred_at = ago(4)
    with django_assert_max_num_queries(1):
        draft.save(update_fields=["occurred_at"])
    assert stored() == {}


def test_the_nightly_task_repairs_what_a_bulk_write_went_past(msl, kols):
    meeting = logged(msl, kols[:1], days_ago=5)
    Interaction.objects.filter(pk=meeting.pk).update(occurred_at=ago(20))
    Interaction.kols.through.objects.create(interaction=meeting, kol=kols[1])
    assert stored() != computed()

    assert refresh_last_meetings.delay().get() == 2

    assert stored() == computed() == {kols[0].pk: ago(20), kols[1].pk: ago(20)}


def test_the_recompute_is_scheduled_nightly():
    task = PeriodicTask.objects.get(task="interactions.tasks.refresh_last_meetings")

    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("45", "1", "*")


def test_a_full_refresh_matches_the_interactions(msl, kols):
    logged(msl, kols[:2], days_ago=3)
    LastMeeting.objects.all().delete()

    assert last_meetings_refresh_all() == 2
    assert stored() == computed()


def test_the_migration_fills_the_last_meetings_from_the_history(msl, kols):
    logged(msl, kols, days_ago=12)
    LastMeeting.objects.all().delete()
    migration = importlib.import_module("interactions.migrations.0009_last_meeting")

    migration.fill_last_meetings(apps, connection.schema_editor())

    assert stored() == computed()
    assert len(stored()) == 3


def test_each_msl_has_their_own_last_meeting_with_a_kol(msl, msl2, kols):
    logged(msl, kols[:2], days_ago=9)
    logged(msl2, kols[:1], days_ago=4)
    logged(msl, kols[:1], days_ago=20)

    assert stored_by_owner() == {
        (kols[0].pk, msl.pk): ago(9),
        (kols[1].pk, msl.pk): ago(9),
        (kols[0].pk, msl2.pk): ago(4),
    }
    assert stored() == {kols[0].pk: ago(4), kols[1].pk: ago(9)}


def test_the_migration_fills_each_msls_last_meetings_from_the_history(msl, msl2, kols):
    logged(msl, kols, days_ago=12)
    logged(msl2, kols[:1], days_ago=3)
    OwnLastMeeting.objects.all().delete()
    migration = importlib.import_module("interactions.migrations.0011_own_last_meeting")

    migration.fill_own_last_meetings(apps, connection.schema_editor())

    assert stored_by_owner() == computed_by_owner()
    assert len(stored_by_owner()) == 4


def test_one_msls_meetings_changing_leaves_anothers_last_meeting_with_the_kol(
    msl, msl2, kols, admin_user
):
    mine = logged(msl, kols[:2], days_ago=3)
    logged(msl2, kols[:2], days_ago=5)
    theirs = OwnLastMeeting.objects.get(kol=kols[0], owner=msl2)

    interaction_unlock(actor=admin_user, interaction=mine, reason="Wrong date")

    assert stored_by_owner() == {
        (kols[0].pk, msl2.pk): ago(5),
        (kols[1].pk, msl2.pk): ago(5),
    }
    assert stored() == {kols[0].pk: ago(5), kols[1].pk: ago(5)}
    # Kept, not written again: a refresh rewrites only what changed.
    assert OwnLastMeeting.objects.get(kol=kols[0], owner=msl2).pk == theirs.pk
    kols[0].interactions.clear()
    assert stored_by_owner() == {(kols[1].pk, msl2.pk): ago(5)}
    assert last_meetings_refresh_all() == 1
