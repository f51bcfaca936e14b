"""Documented interests recorded from their page, their list, and follow-ups planned from an
inquiry by the MSL who raised it."""

import datetime as dt

import pytest
from django.utils import timezone

from inquiries.deadlines import add_months
from inquiries.models import DocumentedInterest, InquiryPolicy
from interactions.models import FollowUp
from tests.factories import DocumentedInterestFactory, InsightTopicFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def interest_data(kol):
    return {
        "kol": kol.pk,
        "product": ProductFactory().pk,
        "topic": InsightTopicFactory(parent=InsightTopicFactory()).pk,
        "description": "Long-term data as it is published.",
        "requested_by": kol.display_name,
        "requested_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "request_setting": "one_to_one",
        "unsolicited_attested": "on",
    }


def test_an_msl_records_a_documented_interest_valid_for_the_policys_months(
    client, msl, interest_data
):
    InquiryPolicy.objects.update_or_create(pk=1, defaults={"interest_validity_months": 6})
    client.force_login(msl)

    response = client.post("/inquiries/interests/new/", interest_data, follow=True)

    interest = DocumentedInterest.objects.get()
    assert interest.raised_by == msl
    assert interest.valid_until == add_months(timezone.localdate(interest.requested_at), 6)
    assert f"valid until {interest.valid_until:%Y-%m-%d}" in response.content.decode()


def test_an_interest_without_the_attestation_is_refused_and_nothing_saved(
    client, msl, interest_data
):
    client.force_login(msl)
    del interest_data["unsolicited_attested"]

    response = client.post("/inquiries/interests/new/", interest_data)

    assert "a solicited request cannot be raised" in response.content.decode()
    assert not DocumentedInterest.objects.exists()


def test_only_msls_record_interests(client, manager, interest_data):
    client.force_login(manager)

    assert client.post("/inquiries/interests/new/", interest_data).status_code == 403


def test_the_list_shows_expired_interests_as_expired_and_paginates(client, msl, kol):
    DocumentedInterestFactory(
        kol=kol, raised_by=msl, valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    for _ in range(25):
        DocumentedInterestFactory(kol=kol, raised_by=msl)
    client.force_login(msl)

    first = client.get("/inquiries/interests/").content.decode()
    second = client.get("/inquiries/interests/?page=2").content.decode()

    assert "26 interests" in first
    assert "Page 1 of 2" in first
    assert "Expired" in second


def test_the_interest_list_costs_the_same_queries_for_few_or_many(
    client, msl, kol, django_assert_max_num_queries
):
    client.force_login(msl)
    for count in (2, 20):
        for _ in range(count):
            DocumentedInterestFactory(kol=kol, raised_by=msl)
        with django_assert_max_num_queries(7):
            client.get("/inquiries/interests/")


def test_the_raising_msl_plans_a_follow_up_from_the_inquiry(client, msl, inquiry):
    client.force_login(msl)
    due = timezone.localdate() + dt.timedelta(days=2)

    page = client.get(f"/inquiries/{inquiry.pk}/follow-ups/new/")
    response = client.post(
        f"/inquiries/{inquiry.pk}/follow-ups/new/",
        {"kind": "other", "description": "Call about the answer", "due_date": due},
    )

    assert page.status_code == 200
    assert response["Location"] == f"/inquiries/{inquiry.pk}/"
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.inquiry, follow_up.kol) == (msl, inquiry, inquiry.kol)


def test_nobody_else_plans_the_raisers_follow_ups(client, manager, medinfo, inquiry, organisation):
    for user in (manager, medinfo):
        client.force_login(user)
        response = client.post(
            f"/inquiries/{inquiry.pk}/follow-ups/new/",
            {"kind": "other", "description": "Mine", "due_date": timezone.localdate()},
        )
        assert response.status_code == 403
    assert not FollowUp.objects.exists()
