"""Findings of the security review of the API, events, today and sign-in code: each test
failed before its fix and guards it now."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.roles import Role
from compliance.models import FirewallRule
from interactions.models import Interaction
from tests.api.conftest import token_client
from tests.factories import (
    EventFactory,
    InteractionFactory,
    KOLFactory,
    MedicalInquiryFactory,
    ProductFactory,
    TrendReportFactory,
    UserFactory,
)
from tests.factories.accounts import DEFAULT_PASSWORD

SECRET_QUOTE = "We would switch every patient if the label allowed it."


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The API throttle and the sign-in throttle both count in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(organisation, msl, msl2):
    own_kol = KOLFactory(last_name="Ownerby", territory=organisation["boston"])
    return {**organisation, "own_kol": own_kol}


# 1. The stored trend report's quotes reached the viewer through the API.


def test_api_trend_report_keeps_quotes_from_a_role_the_firewall_denies(viewer, manager, db):
    report = TrendReportFactory()
    report.data["emerging"] = [
        {"topic": "Early relapse", "topic_id": 1, "count": 5, "quotes": [SECRET_QUOTE]}
    ]
    report.save()

    detail = token_client(viewer).get(f"/api/v1/reports/{report.pk}/")
    listing = token_client(viewer).get("/api/v1/reports/")

    assert detail.status_code == 200
    assert SECRET_QUOTE not in detail.content.decode()
    assert SECRET_QUOTE not in listing.content.decode()
    assert detail.json()["data"]["emerging"][0]["topic"] == "Early relapse"
    # A role that may read quotes still gets them, as on the page.
    allowed = token_client(manager).get(f"/api/v1/reports/{report.pk}/").json()
    assert allowed["data"]["emerging"][0]["quotes"] == [SECRET_QUOTE]


# 2. An interaction's objectives, hidden with its notes on the page, were in the API.


def test_api_interaction_objectives_follow_the_notes_firewall(manager, msl, world):
    interaction = InteractionFactory(
        owner=msl, kols=[world["own_kol"]], objectives="Push the off-label paediatric data."
    )
    FirewallRule.objects.update_or_create(
        role=Role.MANAGER, defaults={"may_see_notes": False, "may_see_quotes": False}
    )

    row = token_client(manager).get(f"/api/v1/interactions/{interaction.pk}/").json()

    assert row["notes"] is None
    assert row["objectives"] is None
    own = token_client(msl).get(f"/api/v1/interactions/{interaction.pk}/").json()
    assert own["objectives"] == "Push the off-label paediatric data."


# 3. A restricted off-label inquiry's KOL, product and topic were in the API, and its
#    kol/product filters told who asked about what.


def test_api_off_label_inquiry_hides_kol_and_product_where_content_is_restricted(
    manager, msl, world
):
    product = ProductFactory()
    off_label = MedicalInquiryFactory(
        raised_by=msl, kol=world["own_kol"], product=product, off_label=True
    )

    row = token_client(manager).get(f"/api/v1/inquiries/{off_label.pk}/").json()

    assert row["question"] is None
    assert row["kol"] is None
    assert row["product"] is None
    assert row["topic"] is None
    assert row["interaction"] is None
    assert token_client(msl).get(f"/api/v1/inquiries/{off_label.pk}/").json()["kol"] == (
        world["own_kol"].pk
    )


def test_api_inquiry_filters_do_not_reveal_restricted_off_label_content(manager, msl, world):
    product = ProductFactory()
    off_label = MedicalInquiryFactory(
        raised_by=msl, kol=world["own_kol"], product=product, off_label=True
    )
    on_label = MedicalInquiryFactory(raised_by=msl, kol=world["own_kol"], product=product)
    api = token_client(manager)

    by_kol = api.get(f"/api/v1/inquiries/?kol={world['own_kol'].pk}").json()["results"]
    by_product = api.get(f"/api/v1/inquiries/?product={product.pk}").json()["results"]

    assert {row["id"] for row in by_kol} == {on_label.pk}
    assert {row["id"] for row in by_product} == {on_label.pk}
    # Unfiltered, the inquiry is still listed (as "restricted" on the page).
    everything = {row["id"] for row in api.get("/api/v1/inquiries/").json()["results"]}
    assert off_label.pk in everything
    # The raiser filters their own as before.
    mine = token_client(msl).get(f"/api/v1/inquiries/?kol={world['own_kol'].pk}").json()
    assert {row["id"] for row in mine["results"]} == {on_label.pk, off_label.pk}


# 4. Any role that opens Events could plan a KOL meeting there, which creates an
#    interaction; compliance is read-only and only MSLs log interactions.


def test_only_msls_plan_kol_meetings_at_an_event(client, compliance_user, world):
    congress = EventFactory()
    planned_at = timezone.localtime(
        timezone.make_aware(dt.datetime.combine(congress.starts_on, dt.time(10)))
    )
    client.force_login(compliance_user)

    response = client.post(
        f"/events/{congress.pk}/meetings/",
        {"kol": world["own_kol"].pk, "planned_at": planned_at.strftime("%Y-%m-%dT%H:%M")},
    )

    assert response.status_code == 403
    assert not Interaction.objects.exists()


# 5. The per-address sign-in pause did not cover the admin's sign-in page.


def test_the_admin_sign_in_is_paused_for_an_address_spraying_usernames(client, settings, db):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 3
    UserFactory(username="root", is_staff=True, is_superuser=True)
    address = {"REMOTE_ADDR": "203.0.113.77"}
    for number in range(3):
        client.post(
            "/accounts/login/", {"username": f"someone{number}", "password": "guess"}, **address
        )

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "root", "password": DEFAULT_PASSWORD},
        **address,
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
