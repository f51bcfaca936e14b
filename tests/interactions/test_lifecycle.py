"""planned → draft → submitted → locked, and the rules at each step (services; the pages
come with the rest of issue 4)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from compliance.models import AuditEntry
from compliance.selectors import audit_chain_verify
from interactions import services
from interactions.models import Amendment, Interaction, InteractionStatus
from interactions.services import (
    InteractionConflict,
    insight_add,
    interaction_amend,
    interaction_create,
    interaction_delete,
    interaction_submit,
    interaction_unlock,
    interaction_update,
    interactions_lock_due,
)
from interactions.tasks import lock_submitted_interactions
from tests.factories import InsightTopicFactory, InteractionFactory, KOLFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"])


@pytest.fixture
def draft(msl, kol):
    return InteractionFactory(owner=msl, kols=[kol])


def submitted(msl, interaction):
    return interaction_submit(actor=msl, interaction=interaction, version=interaction.version)


def test_a_meeting_planned_for_later_is_planned_and_becomes_a_draft_when_logged(msl, kol):
    tomorrow = timezone.now() + dt.timedelta(days=1)
    planned = interaction_create(actor=msl, kols=[kol], planned_at=tomorrow, channel="video")

    assert planned.status == InteractionStatus.PLANNED
    logged = interaction_update(
        actor=msl,
        interaction=planned,
        version=planned.version,
        occurred_at=timezone.now() - dt.timedelta(minutes=5),
    )
    assert logged.status == InteractionStatus.DRAFT
    assert AuditEntry.objects.filter(object_id=str(planned.pk)).count() == 2


def test_submitting_keeps_the_first_submitted_time(msl, draft):
    result = submitted(msl, draft)

    assert result.status == InteractionStatus.SUBMITTED
    assert result.first_submitted_at == result.submitted_at
    assert audit_chain_verify().ok


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_at": None}, "occurred_at"),
        ({"channel": ""}, "channel"),
    ],
)
def test_submission_needs_a_time_and_a_channel(msl, draft, change, field):
    Interaction.objects.filter(pk=draft.pk).update(**change)

    with pytest.raises(ValidationError) as error:
        submitted(msl, Interaction.objects.get(pk=draft.pk))

    assert field in error.value.message_dict


def test_submission_needs_a_kol(msl):
    lonely = InteractionFactory(owner=msl)

    with pytest.raises(ValidationError) as error:
        submitted(msl, lonely)

    assert error.value.message_dict["kols"] == ["Add at least one KOL."]


def test_an_interaction_in_the_future_cannot_be_submitted(msl, draft):
    Interaction.objects.filter(pk=draft.pk).update(
        occurred_at=timezone.now() + dt.timedelta(hours=2)
    )

    with pytest.raises(ValidationError, match="cannot be in the future"):
        submitted(msl, Interaction.objects.get(pk=draft.pk))


def test_backdating_beyond_the_configured_days_is_refused(msl, kol, settings):

    with pytest.raises(ValidationError, match="more than 30 days"):
        interaction_create(
            actor=msl,
            kols=[kol],
            channel="phone",
            occurred_at=timezone.now() - dt.timedelta(days=31),
        )
    interaction_create(
        actor=msl, kols=[kol], channel="phone", occurred_at=timezone.now() - dt.timedelta(days=29)
    )


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        ({"do_not_contact": True}, "asked not to be contacted"),
        ({"consent_status": "withdrawn"}, "withdrawn consent"),
    ],
)
def test_a_kol_who_may_not_be_contacted_cannot_be_added(msl, organisation, flags, reason):
    kol = KOLFactory(territory=organisation["boston"], **flags)

    with pytest.raises(ValidationError, match=reason):
        interaction_create(actor=msl, kols=[kol], channel="phone")
    assert not Interaction.objects.exists()


def test_the_second_of_two_concurrent_saves_is_refused_and_nothing_is_lost(msl, draft):
    opened_version = draft.version
    interaction_update(actor=msl, interaction=draft, version=opened_version, notes="First tab")

    with pytest.raises(InteractionConflict, match="not saved"):
        interaction_update(actor=msl, interaction=draft, version=opened_version, notes="Second tab")

    assert Interaction.objects.get(pk=draft.pk).notes == "First tab"


def test_nobody_edits_another_msls_interaction(msl2, draft):
    with pytest.raises(PermissionDenied):
        interaction_update(actor=msl2, interaction=draft, version=draft.version, notes="Mine now")


def test_the_owner_edits_a_submitted_interaction_until_the_window_closes(msl, draft, settings):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        done = submitted(msl, draft)
        clock.shift(dt.timedelta(hours=71))
        with pytest.raises(ValidationError, match="Say why a submitted interaction"):
            interaction_update(actor=msl, interaction=done, version=done.version, notes="Fixed")
        done = interaction_update(
            actor=msl, interaction=done, version=done.version, notes="Fixed", reason="Typo"
        )
        clock.shift(dt.timedelta(hours=2))

        with pytest.raises(ValidationError, match="edit window has closed"):
            interaction_update(
                actor=msl, interaction=done, version=done.version, notes="Late", reason="Typo"
            )

    entry = AuditEntry.objects.filter(object_id=str(done.pk)).order_by("sequence").last()
    assert entry.reason == "Typo"
    assert entry.changes["notes"]["after"] == "Fixed"


def test_the_lock_task_locks_only_interactions_past_the_window(msl, kol, settings):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=80), tick=False):
        old = submitted(msl, InteractionFactory(owner=msl, kols=[kol]))
    recent = submitted(msl, InteractionFactory(owner=msl, kols=[kol]))

    assert lock_submitted_interactions.delay().get() == 1

    assert Interaction.objects.get(pk=old.pk).status == InteractionStatus.LOCKED
    assert Interaction.objects.get(pk=recent.pk).status == InteractionStatus.SUBMITTED
    assert AuditEntry.objects.filter(reason="Lock window closed").count() == 1
    assert interactions_lock_due() == 0
    assert audit_chain_verify().ok


def test_a_locked_interaction_changes_only_by_amendment_keeping_the_original(msl, draft):
    done = submitted(msl, draft)
    interactions_lock_due(now=timezone.now() + dt.timedelta(days=10))
    locked = Interaction.objects.get(pk=done.pk)

    with pytest.raises(ValidationError, match="locked"):
        interaction_update(actor=msl, interaction=locked, version=locked.version, notes="x")
    with pytest.raises(ValidationError, match="Say why"):
        interaction_amend(actor=msl, interaction=locked, reason=" ", notes="x")
    amendment = interaction_amend(
        actor=msl, interaction=locked, reason="Wrong dose quoted", notes="Corrected dose"
    )

    assert amendment.changes["notes"] == {
        "before": "Discussed long-term outcomes data.",
        "after": "Corrected dose",
    }
    assert Amendment.objects.get().reason == "Wrong dose quoted"
    assert Interaction.objects.get(pk=done.pk).status == InteractionStatus.LOCKED


def test_unlocking_keeps_the_first_submitted_time(msl, draft):
    done = submitted(msl, draft)
    first = done.first_submitted_at
    interactions_lock_due(now=timezone.now() + dt.timedelta(days=10))

    with pytest.raises(ValidationError, match="Say why"):
        interaction_unlock(actor=None, interaction=done, reason="")
    unlocked = interaction_unlock(actor=None, interaction=done, reason="Wrong KOL recorded")
    with pytest.raises(ValidationError, match="nothing to unlock"):
        interaction_unlock(actor=None, interaction=done, reason="Again")
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1), tick=False):
        again = submitted(msl, Interaction.objects.get(pk=done.pk))

    assert (unlocked.status, unlocked.locked_at, unlocked.submitted_at) == ("draft", None, None)
    assert again.first_submitted_at == first
    assert again.submitted_at > first
    assert AuditEntry.objects.filter(reason="Unlocked: Wrong KOL recorded").count() == 1


def test_compliance_unlocks_from_the_admin_with_a_reason(client, msl, draft, compliance_user):
    done = submitted(msl, draft)
    compliance_user.is_staff = True
    compliance_user.save()
    compliance_user.user_permissions.add(Permission.objects.get(codename="view_interaction"))
    client.force_login(compliance_user)
    action = {"action": "unlock_for_correction", "_selected_action": [done.pk]}

    asked = client.post("/admin/interactions/interaction/", action)
    client.post("/admin/interactions/interaction/", {**action, "reason": "Duplicate entry"})

    assert "Unlock interactions for correction" in asked.content.decode()
    stored = Interaction.objects.get(pk=done.pk)
    assert stored.status == InteractionStatus.DRAFT
    assert stored.first_submitted_at == done.first_submitted_at
    entry = AuditEntry.objects.filter(object_id=str(done.pk)).order_by("sequence").last()
    assert (entry.actor_name, entry.reason) == (
        compliance_user.username,
        "Unlocked: Duplicate entry",
    )


def test_the_unlock_action_is_offered_only_to_compliance(client, admin_user, manager, draft):
    manager.is_staff = True
    manager.is_superuser = False
    manager.save()
    manager.user_permissions.add(Permission.objects.get(codename="view_interaction"))
    client.force_login(manager)
    as_manager = client.get("/admin/interactions/interaction/").content.decode()
    client.force_login(admin_user)
    as_admin = client.get("/admin/interactions/interaction/").content.decode()

    assert "unlock_for_correction" not in as_manager
    assert "unlock_for_correction" in as_admin


def test_submitted_interactions_are_never_deleted_drafts_may_be(msl, kol, draft):
    spare = InteractionFactory(owner=msl, kols=[kol])
    interaction_delete(actor=msl, interaction=spare)
    done = submitted(msl, draft)

    with pytest.raises(ValidationError, match="never deleted"):
        interaction_delete(actor=msl, interaction=done)
    assert Interaction.objects.filter(pk=done.pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(spare.pk)).exists()


def test_the_compliance_engine_has_one_place_to_hook_into_submit(msl, draft):
    def no_notes_about_dosing(interaction):
        return {"notes": ["Dosing talk needs review."]} if "dose" in interaction.notes else {}

    Interaction.objects.filter(pk=draft.pk).update(notes="We talked about the dose.")
    services.SUBMISSION_CHECKS.append(no_notes_about_dosing)
    try:
        with pytest.raises(ValidationError, match="Dosing talk needs review"):
            submitted(msl, Interaction.objects.get(pk=draft.pk))
    finally:
        services.SUBMISSION_CHECKS.remove(no_notes_about_dosing)


def test_insights_come_from_an_attending_kol_and_stop_at_the_lock(msl, kol, draft, organisation):
    topic = InsightTopicFactory(parent=InsightTopicFactory(name="Efficacy"))
    fields = {"topic": topic, "category": "unmet_need", "sentiment": "negative", "text": "Relapse."}

    insight = insight_add(actor=msl, interaction=draft, kol=kol, **fields)
    stranger = KOLFactory(territory=organisation["boston"])
    with pytest.raises(ValidationError, match="attended"):
        insight_add(actor=msl, interaction=draft, kol=stranger, **fields)
    submitted(msl, draft)
    interactions_lock_due(now=timezone.now() + dt.timedelta(days=10))
    with pytest.raises(ValidationError, match="locked"):
        insight_add(actor=msl, interaction=draft, kol=kol, **fields)

    assert insight.author == msl
    assert AuditEntry.objects.filter(content_type__model="insight").count() == 1


def test_a_follow_up_is_completed_once_and_only_by_its_owner(msl, msl2, kol):
    from interactions.models import FollowUpStatus
    from interactions.services import follow_up_complete, follow_up_create

    follow_up = follow_up_create(
        actor=msl,
        kind="schedule_meeting",
        description="Book the next visit",
        due_date=timezone.localdate(),
        kol=kol,
    )
    with pytest.raises(PermissionDenied):
        follow_up_complete(actor=msl2, follow_up=follow_up)

    done = follow_up_complete(actor=msl, follow_up=follow_up)
    again = follow_up_complete(actor=msl, follow_up=follow_up)

    assert done.status == again.status == FollowUpStatus.DONE
    assert AuditEntry.objects.filter(content_type__model="followup", action="update").count() == 1


def test_a_follow_up_needs_a_description_and_a_known_kind(msl):
    from interactions.services import follow_up_create

    with pytest.raises(ValidationError) as error:
        follow_up_create(actor=msl, kind="dance", description="", due_date=timezone.localdate())

    assert {"kind", "description"} <= set(error.value.message_dict)


def test_the_admin_shows_interactions_read_only(client, admin_user, draft):
    client.force_login(admin_user)

    assert client.get(f"/admin/interactions/interaction/{draft.pk}/change/").status_code == 200
    assert client.get("/admin/interactions/interaction/add/").status_code == 403


def test_a_new_follow_up_cannot_be_due_in_the_past(msl):
    from interactions.models import FollowUp
    from interactions.services import follow_up_create

    with pytest.raises(ValidationError, match="cannot be due in the past"):
        follow_up_create(
            actor=msl,
            kind="other",
            description="Late",
            due_date=timezone.localdate() - dt.timedelta(days=1),
        )
    assert not FollowUp.objects.exists()


def test_changing_attendees_checks_only_the_added_kols(msl, kol, draft, organisation):
    kol.do_not_contact = True  # became do-not-contact after the meeting was logged
    kol.save()
    newcomer = KOLFactory(territory=organisation["boston"])

    updated = interaction_update(
        actor=msl, interaction=draft, version=draft.version, kols=[kol, newcomer]
    )

    assert set(updated.kols.all()) == {kol, newcomer}
