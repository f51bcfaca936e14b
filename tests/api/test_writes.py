"""Writes go through the apps' services: the same rules, refusals and audit trail as the
pages, with the reasons as field-level JSON."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from compliance.models import (
    AuditAction,
    AuditEntry,
    SafetyReport,
    Severity,
    Violation,
    ViolationOutcome,
)
from interactions.models import FollowUp, FollowUpStatus, Interaction, InteractionStatus
from tests.factories import FollowUpFactory, RestrictedTermFactory

from .conftest import token_client

INTERACTIONS = "/api/v1/interactions/"
FOLLOW_UPS = "/api/v1/follow-ups/"


def post(api, url, payload):
    return api.post(url, payload, content_type="application/json")


def interaction_payload(kol, **overrides):
    return {
        "kols": [kol.pk],
        "type": "one_to_one",
        "channel": "in_person",
        "occurred_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "duration_minutes": 30,
        "notes": "Discussed the phase 3 design.",
        **overrides,
    }


def audited(instance, action=AuditAction.CREATE):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        action=action,
    ).exists()


def test_an_msl_logs_an_interaction(msl, world):
    response = post(token_client(msl), INTERACTIONS, interaction_payload(world["own_kol"]))

    assert response.status_code == 201, response.content
    body = response.json()
    interaction = Interaction.objects.get(pk=body["id"])
    assert interaction.owner == msl
    assert list(interaction.kols.all()) == [world["own_kol"]]
    assert body["status"] == interaction.status == InteractionStatus.DRAFT
    assert body["notes"] == "Discussed the phase 3 design."
    assert audited(interaction)


def test_a_planned_meeting_is_planned(msl, world):
    planned_at = (timezone.now() + dt.timedelta(days=2)).isoformat()
    payload = interaction_payload(world["own_kol"], occurred_at=None, planned_at=planned_at)

    response = post(token_client(msl), INTERACTIONS, payload)

    assert response.status_code == 201, response.content
    assert response.json()["status"] == InteractionStatus.PLANNED


def test_neither_date_is_refused_with_a_reason(msl, world):
    payload = interaction_payload(world["own_kol"])
    del payload["occurred_at"]

    response = post(token_client(msl), INTERACTIONS, payload)

    assert response.status_code == 400
    assert response.json()["occurred_at"]


def test_a_kol_outside_scope_is_refused_on_the_kols_field(msl, world):
    response = post(token_client(msl), INTERACTIONS, interaction_payload(world["other_kol"]))

    assert response.status_code == 400
    assert response.json()["kols"]
    assert not Interaction.objects.filter(kols=world["other_kol"], owner=msl).exists()


def test_a_blocking_term_is_refused_under_notes_and_recorded(msl, world):
    term = RestrictedTermFactory(pattern="miracle", severity=Severity.BLOCK)
    before = Interaction.objects.count()

    response = post(
        token_client(msl),
        INTERACTIONS,
        interaction_payload(world["own_kol"], notes="A miracle drug, the KOL said."),
    )

    assert response.status_code == 400
    body = response.json()
    assert body["notes"]
    assert any(
        "miracle" in reason.lower() or term.explanation in reason for reason in body["notes"]
    )
    assert Interaction.objects.count() == before
    violation = Violation.objects.get(term=term)
    assert violation.user == msl
    assert violation.outcome == ViolationOutcome.BLOCKED


def test_a_refused_save_with_an_adverse_event_still_reaches_drug_safety(msl, world):
    RestrictedTermFactory(pattern="miracle", severity=Severity.BLOCK)
    payload = interaction_payload(
        world["own_kol"],
        notes="A miracle drug, though the patient had a rash.",
        adverse_event_mentioned=True,
    )

    response = post(token_client(msl), INTERACTIONS, payload)

    assert response.status_code == 400
    body = response.json()
    assert body["notes"]
    report = SafetyReport.objects.get(pk=body["safety_report"])
    assert report.reporter == msl
    assert report.kol == world["own_kol"]
    assert report.interaction is None


def test_a_manager_cannot_log_an_interaction(manager, world):
    response = post(token_client(manager), INTERACTIONS, interaction_payload(world["own_kol"]))

    assert response.status_code == 403
    assert response.json()["detail"]


def test_an_msl_plans_a_follow_up(msl, world):
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    payload = {
        "kind": "send_material",
        "description": "Send the reprint",
        "due_date": due,
        "kol": world["own_kol"].pk,
    }

    response = post(token_client(msl), FOLLOW_UPS, payload)

    assert response.status_code == 201, response.content
    follow_up = FollowUp.objects.get(pk=response.json()["id"])
    assert follow_up.owner == msl
    assert follow_up.kol == world["own_kol"]
    assert response.json()["status"] == FollowUpStatus.OPEN
    assert audited(follow_up)


def test_a_follow_up_due_in_the_past_is_refused(msl, world):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    payload = {"kind": "other", "description": "Too late", "due_date": yesterday}

    response = post(token_client(msl), FOLLOW_UPS, payload)

    assert response.status_code == 400
    assert "past" in response.json()["due_date"][0]
    assert not FollowUp.objects.filter(owner=msl).exists()


def test_a_follow_up_about_a_kol_outside_scope_is_refused(msl, world):
    payload = {
        "kind": "other",
        "description": "Call",
        "due_date": "2999-01-01",
        "kol": world["other_kol"].pk,
    }

    response = post(token_client(msl), FOLLOW_UPS, payload)

    assert response.status_code == 400
    assert response.json()["kol"]


def test_the_owner_completes_a_follow_up(msl, world):
    follow_up = FollowUpFactory(owner=msl)

    response = token_client(msl).post(f"{FOLLOW_UPS}{follow_up.pk}/done/")

    assert response.status_code == 200
    assert response.json()["status"] == FollowUpStatus.DONE
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE
    assert follow_up.done_at is not None
    assert audited(follow_up, AuditAction.UPDATE)


def test_someone_elses_follow_up_is_404(msl, msl2, world):
    follow_up = FollowUpFactory(owner=msl2)

    response = token_client(msl).post(f"{FOLLOW_UPS}{follow_up.pk}/done/")

    assert response.status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN


def test_a_manager_sees_but_does_not_complete_their_msls_follow_up(msl, manager, world):
    follow_up = FollowUpFactory(owner=msl)
    api = token_client(manager)

    assert api.get(f"{FOLLOW_UPS}{follow_up.pk}/").status_code == 200
    assert api.post(f"{FOLLOW_UPS}{follow_up.pk}/done/").status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN


@pytest.mark.parametrize("url", [INTERACTIONS, FOLLOW_UPS])
def test_a_malformed_json_body_is_a_400_in_json(msl, world, url):
    response = token_client(msl).post(url, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "JSON" in response.json()["detail"]


def test_wrong_types_are_refused_field_by_field(msl, world):
    payload = interaction_payload(
        world["own_kol"],
        kols="everyone",
        duration_minutes="long",
        occurred_at="yesterday",
        adverse_event_mentioned="perhaps",
    )

    response = post(token_client(msl), INTERACTIONS, payload)

    assert response.status_code == 400
    assert {"kols", "duration_minutes", "occurred_at", "adverse_event_mentioned"} <= set(
        response.json()
    )


def test_an_unknown_choice_is_refused(msl, world):
    response = post(
        token_client(msl), INTERACTIONS, interaction_payload(world["own_kol"], type="x")
    )

    assert response.status_code == 400
    assert response.json()["type"]


def test_read_only_resources_refuse_writes(msl, world):
    api = token_client(msl)

    assert post(api, "/api/v1/kols/", {"last_name": "New"}).status_code == 405
    own = world["own_interaction"]
    assert api.delete(f"{INTERACTIONS}{own.pk}/").status_code == 405
    assert Interaction.objects.filter(pk=own.pk).exists()
