"""The API opens and narrows exactly as the pages do, and keeps the same firewall."""

import pytest
from django.test import Client

from accounts.roles import Role
from compliance.models import FirewallRule
from tests.factories import InsightFactory, KOLFactory, MedicalInquiryFactory

from .conftest import token_client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_browser_session_works(client, msl, world):
    client.force_login(msl)

    assert ids(client.get("/api/v1/kols/")) == {world["own_kol"].pk}


def test_a_session_post_needs_the_csrf_token(msl, world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(msl)
    payload = {"kind": "other", "description": "Call back", "due_date": "2999-01-01"}

    response = browser.post("/api/v1/follow-ups/", payload, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    # With the token, as the page's JavaScript would send it, the same call goes through.
    browser.get("/api/tokens/")
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(
        "/api/v1/follow-ups/", payload, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201


def test_a_token_post_needs_no_csrf_token(msl, world):
    api = token_client(msl)
    api.handler.enforce_csrf_checks = True
    payload = {"kind": "other", "description": "Call back", "due_date": "2999-01-01"}

    response = api.post("/api/v1/follow-ups/", payload, content_type="application/json")

    assert response.status_code == 201


def test_an_msl_sees_only_the_kols_of_their_territories(msl, world):
    nyc_kol = KOLFactory(territory=world["nyc"])

    assert ids(token_client(msl).get("/api/v1/kols/")) == {world["own_kol"].pk, nyc_kol.pk}


def test_a_manager_sees_their_teams_kols_and_interactions(manager, world):
    api = token_client(manager)

    assert ids(api.get("/api/v1/kols/")) == {world["own_kol"].pk}
    assert ids(api.get("/api/v1/interactions/")) == {world["own_interaction"].pk}


def test_an_msl_sees_only_their_own_interactions(msl, world):
    assert ids(token_client(msl).get("/api/v1/interactions/")) == {world["own_interaction"].pk}


def test_compliance_sees_everything(compliance_user, world):
    api = token_client(compliance_user)

    assert ids(api.get("/api/v1/kols/")) == {world["own_kol"].pk, world["other_kol"].pk}
    assert ids(api.get("/api/v1/interactions/")) == {
        world["own_interaction"].pk,
        world["other_interaction"].pk,
    }


@pytest.mark.parametrize("url", ["/api/v1/kols/", "/api/v1/interactions/"])
def test_a_viewer_is_refused_the_sections_they_cannot_open(viewer, world, url):
    response = token_client(viewer).get(url)

    assert response.status_code == 403
    assert response.json()["detail"]


def test_medical_information_sees_all_inquiries_but_no_interactions(medinfo, world, msl, msl2):
    mine = MedicalInquiryFactory(raised_by=msl, kol=world["own_kol"])
    theirs = MedicalInquiryFactory(raised_by=msl2, kol=world["other_kol"])
    api = token_client(medinfo)

    assert ids(api.get("/api/v1/inquiries/")) == {mine.pk, theirs.pk}
    assert api.get("/api/v1/interactions/").status_code == 403
    assert api.get(f"/api/v1/interactions/{world['own_interaction'].pk}/").status_code == 403


def test_an_msl_sees_only_their_own_inquiries(msl, msl2, world):
    mine = MedicalInquiryFactory(raised_by=msl, kol=world["own_kol"])
    theirs = MedicalInquiryFactory(raised_by=msl2, kol=world["other_kol"])
    api = token_client(msl)

    assert ids(api.get("/api/v1/inquiries/")) == {mine.pk}
    assert api.get(f"/api/v1/inquiries/{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["msl", "manager"])
def test_records_outside_scope_are_404_on_their_detail_urls(request, world, persona):
    api = token_client(request.getfixturevalue(persona))

    assert api.get(f"/api/v1/kols/{world['own_kol'].pk}/").status_code == 200
    assert api.get(f"/api/v1/kols/{world['other_kol'].pk}/").status_code == 404
    assert api.get(f"/api/v1/interactions/{world['own_interaction'].pk}/").status_code == 200
    assert api.get(f"/api/v1/interactions/{world['other_interaction'].pk}/").status_code == 404


def test_notes_and_insight_text_are_null_where_the_firewall_denies_them(manager, msl, world):
    interaction = world["own_interaction"]
    InsightFactory(interaction=interaction, kol=world["own_kol"], text="A quote from the KOL.")
    FirewallRule.objects.update_or_create(
        role=Role.MANAGER, defaults={"may_see_notes": False, "may_see_quotes": False}
    )
    url = f"/api/v1/interactions/{interaction.pk}/"

    for row in (
        token_client(manager).get(url).json(),
        token_client(manager).get("/api/v1/interactions/").json()["results"][0],
    ):
        assert row["id"] == interaction.pk
        assert row["notes"] is None
        assert row["insights"][0]["text"] is None
        assert row["insights"][0]["topic"]  # the rest of the record is still there
    # The author always reads their own.
    own = token_client(msl).get(url).json()
    assert own["notes"] == interaction.notes
    assert own["insights"][0]["text"] == "A quote from the KOL."


def test_notes_are_shown_where_the_firewall_allows_them(manager, world):
    FirewallRule.objects.update_or_create(
        role=Role.MANAGER, defaults={"may_see_notes": True, "may_see_quotes": True}
    )
    interaction = world["own_interaction"]

    row = token_client(manager).get(f"/api/v1/interactions/{interaction.pk}/").json()

    assert row["notes"] == interaction.notes


def test_an_off_label_question_is_null_for_a_manager(manager, medinfo, msl, world):
    off_label = MedicalInquiryFactory(
        raised_by=msl, kol=world["own_kol"], off_label=True, question="Use in children?"
    )
    on_label = MedicalInquiryFactory(raised_by=msl, kol=world["own_kol"], question="Dosing?")

    def question(user, inquiry):
        return token_client(user).get(f"/api/v1/inquiries/{inquiry.pk}/").json()["question"]

    assert question(manager, off_label) is None
    assert question(manager, on_label) == "Dosing?"
    assert question(medinfo, off_label) == "Use in children?"
    assert question(msl, off_label) == "Use in children?"
