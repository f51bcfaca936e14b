"""The KOL briefing page: who the KOL is, whether they may be contacted, what is planned with
them, and every section other apps contribute; nothing of a KOL outside the user's scope."""

import datetime as dt

import pytest
from django.utils import timezone

from kols.briefing import briefing_sections
from kols.models import ConsentStatus, EngagementStatus, Tier
from tests.factories import (
    AffiliationFactory,
    EngagementPlanFactory,
    InstitutionFactory,
    KOLFactory,
    TherapeuticAreaFactory,
)
from tests.kols.pages import text

pytestmark = pytest.mark.django_db

# Session, user, roles, the KOL with institution and territory, areas, interests,
# affiliations, plans, and the queries of the sections other apps fill (interactions,
# insights, follow-ups, inquiries and documented interests, transfers of value with the
# year's thresholds, publications and trials with suggested author matches), and the
# reader's firewall rules, read once; placeholders load nothing.
QUERY_BUDGET = 22  # 21 + the adverse-event-training check every page makes


@pytest.fixture
def kol(organisation):
    return KOLFactory(
        first_name="Maria",
        last_name="Alvarez",
        credentials="MD, PhD",
        specialty="Hematology",
        institution=InstitutionFactory(name="Dana-Farber Cancer Institute", city="Boston"),
        npi="1234567893",
        email="m.alvarez@dfci.example.org",
        phone="+1 617 555 0100",
        city="Boston",
        tier=Tier.TIER_1,
        consent_status=ConsentStatus.GRANTED,
        consent_date=dt.date(2024, 3, 1),
        territory=organisation["boston"],
        therapeutic_areas=[TherapeuticAreaFactory(name="Hematologic malignancies")],
        interests=["CAR-T", "minimal residual disease"],
    )


def briefing(client, user, kol):
    client.force_login(user)
    response = client.get(f"/kols/{kol.pk}/")
    assert response.status_code == 200
    return response


def test_the_briefing_shows_who_the_kol_is(client, msl, kol):
    page = text(briefing(client, msl, kol))

    for shown in (
        "Maria Alvarez, MD, PhD",
        "Hematology",
        "Dana-Farber Cancer Institute, Boston",
        "Tier 1 (national / international)",
        "1234567893",
        "m.alvarez@dfci.example.org",
        "+1 617 555 0100",
        "Boston (",
        "Granted (",
    ):
        assert shown in page, shown


def test_the_briefing_shows_interests_and_therapeutic_areas(client, msl, kol):
    page = text(briefing(client, msl, kol))

    assert "CAR-T" in page
    assert "minimal residual disease" in page
    assert "Hematologic malignancies" in page
    assert "No interests recorded." not in page


def test_the_briefing_shows_affiliations(client, msl, kol):
    AffiliationFactory(
        kol=kol,
        role="Chief of Hematology",
        institution=InstitutionFactory(name="Brigham and Women's Hospital", city="Boston"),
        start_date=dt.date(2019, 1, 1),
    )

    page = text(briefing(client, msl, kol))

    assert "Chief of Hematology, Brigham and Women's Hospital, Boston" in page


def test_the_briefing_shows_the_engagement_plan(client, msl, kol):
    EngagementPlanFactory(
        kol=kol,
        year=2025,
        objectives="Present the five-year follow-up data.",
        planned_touchpoints=6,
        status=EngagementStatus.ON_HOLD,
    )

    page = text(briefing(client, msl, kol))

    assert "Present the five-year follow-up data." in page
    assert "6 planned touchpoints" in page
    assert "On hold" in page
    assert "No engagement plan yet." not in page


def test_a_kol_without_plan_or_interests_says_so(client, msl, organisation):
    bare = KOLFactory(territory=organisation["boston"])

    page = text(briefing(client, msl, bare))

    assert "No engagement plan yet." in page
    assert "No interests recorded." in page


def test_every_registered_briefing_section_has_its_title_on_the_page(client, msl, kol):
    sections = briefing_sections()
    page = text(briefing(client, msl, kol))

    assert sections
    for section in sections:
        assert f'id="section-{section.key}">{section.title}</h2>' in page, section.key


def test_briefing_sections_appear_in_their_order(client, msl, kol):
    page = text(briefing(client, msl, kol))

    positions = [page.index(f'id="section-{section.key}"') for section in briefing_sections()]
    assert positions == sorted(positions)


# Contact alerts.


def test_a_do_not_contact_kol_is_flagged_loudly(client, msl, organisation):
    kol = KOLFactory(territory=organisation["boston"], do_not_contact=True)

    body = briefing(client, msl, kol).content.decode()

    assert 'data-testid="do-not-contact"' in body
    assert 'class="alert alert-danger' in body
    assert "Do not contact." in body


def test_a_kol_who_may_be_contacted_shows_no_do_not_contact_alert(client, msl, kol):
    body = briefing(client, msl, kol).content.decode()

    assert 'data-testid="do-not-contact"' not in body
    assert 'data-testid="consent-withdrawn"' not in body


def test_a_withdrawn_consent_is_flagged_with_its_date_and_source(client, msl, organisation):
    kol = KOLFactory(
        territory=organisation["boston"],
        consent_status=ConsentStatus.WITHDRAWN,
        consent_date=dt.date(2025, 2, 3),
        consent_source="E-mail to the privacy office",
    )

    page = text(briefing(client, msl, kol))

    assert (
        'data-testid="consent-withdrawn"><strong>Consent withdrawn</strong>'
        " on Feb. 3, 2025 (E-mail to the privacy office)." in page
    )
    assert 'data-testid="do-not-contact"' not in page


def test_an_unknown_consent_asks_to_confirm_it(client, msl, organisation):
    kol = KOLFactory(territory=organisation["boston"], consent_status=ConsentStatus.UNKNOWN)

    assert "Consent status unknown" in text(briefing(client, msl, kol))


# Scope.


@pytest.mark.parametrize("action", ["", "edit/", "export/", "erase/"])
def test_a_kol_outside_the_msls_territories_is_not_found(client, msl, organisation, action):
    foreign = KOLFactory(last_name="Dubois", territory=organisation["bay_area"])
    client.force_login(msl)

    response = client.get(f"/kols/{foreign.pk}/{action}")

    assert response.status_code == 404
    assert "Dubois" not in text(response)


@pytest.mark.parametrize("action", ["edit/", "export/", "erase/"])
def test_posting_to_a_kol_outside_the_msls_territories_is_not_found(
    client, msl, organisation, action
):
    foreign = KOLFactory(last_name="Dubois", territory=organisation["bay_area"])
    client.force_login(msl)

    response = client.post(
        f"/kols/{foreign.pk}/{action}",
        {"last_name": "Changed", "reason": "x", "confirm_name": "Dubois"},
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.last_name == "Dubois"


def test_a_kol_that_does_not_exist_is_not_found(client, msl, organisation):
    client.force_login(msl)

    assert client.get("/kols/999999/").status_code == 404


@pytest.mark.parametrize("persona", ["msl", "compliance_user"])
@pytest.mark.parametrize("action", ["", "edit/", "export/", "erase/"])
def test_an_erased_kol_is_not_found(client, request, kol, persona, action):
    kol.erased_at = timezone.now()
    kol.save()
    client.force_login(request.getfixturevalue(persona))

    assert client.get(f"/kols/{kol.pk}/{action}").status_code == 404


def test_a_manager_opens_the_briefing_of_a_kol_in_their_team(client, manager, kol):
    assert "Maria Alvarez" in text(briefing(client, manager, kol))


def test_medical_information_cannot_open_a_kol_briefing(client, medinfo, kol):
    client.force_login(medinfo)

    assert client.get(f"/kols/{kol.pk}/").status_code == 404


def test_a_viewer_may_not_open_a_briefing(client, viewer, kol):
    client.force_login(viewer)

    assert client.get(f"/kols/{kol.pk}/").status_code == 403


# Actions offered.


def test_an_msl_is_offered_edit_but_not_export_or_erase(client, msl, kol):
    body = briefing(client, msl, kol).content.decode()

    assert f'href="/kols/{kol.pk}/edit/"' in body
    assert f'href="/kols/{kol.pk}/export/"' not in body
    assert f'href="/kols/{kol.pk}/erase/"' not in body


def test_compliance_is_offered_export_and_erase_but_not_edit(client, compliance_user, kol):
    body = briefing(client, compliance_user, kol).content.decode()

    assert f'href="/kols/{kol.pk}/edit/"' not in body
    assert f'href="/kols/{kol.pk}/export/"' in body
    assert f'href="/kols/{kol.pk}/erase/"' in body


# Cost.


def test_the_briefing_costs_the_same_queries_with_1_or_10_interests_and_affiliations(
    client, msl, organisation, django_assert_max_num_queries
):
    client.force_login(msl)
    costs = []
    for count in (1, 10):
        kol = KOLFactory(
            territory=organisation["boston"],
            interests=[f"interest {count}-{n}" for n in range(count)],
            therapeutic_areas=[TherapeuticAreaFactory() for _ in range(count)],
        )
        AffiliationFactory.create_batch(count, kol=kol)
        for year in range(2026 - min(count, 3), 2026):
            EngagementPlanFactory(kol=kol, year=year)
        with django_assert_max_num_queries(QUERY_BUDGET) as captured:
            response = client.get(f"/kols/{kol.pk}/")
        assert response.status_code == 200
        assert text(response).count("Attending physician") == count
        assert text(response).count("planned touchpoints") == min(count, 3)
        costs.append(len(captured))

    assert costs[0] == costs[1]
