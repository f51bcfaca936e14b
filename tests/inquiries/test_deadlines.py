"""Deadlines in business days (weekends never count) and validity periods in months (the
last day of a shorter month), and the deadline an inquiry gets from the admin's service
levels on the day it is raised."""

import datetime as dt

import pytest
import time_machine

from inquiries.deadlines import add_business_days, add_months
from inquiries.models import InquiryPolicy, ServiceLevel
from inquiries.services import interest_record
from tests.factories import InsightTopicFactory, ProductFactory
from tests.inquiries.workflow import raise_inquiry

THURSDAY = dt.date(2026, 11, 26)
FRIDAY = dt.date(2026, 11, 27)
SATURDAY = dt.date(2026, 11, 28)
SUNDAY = dt.date(2026, 11, 29)
NEXT_MONDAY = dt.date(2026, 11, 30)
NEXT_TUESDAY = dt.date(2026, 12, 1)
NEXT_THURSDAY = dt.date(2026, 12, 3)
FRIDAY_NOON = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def test_the_calendar_is_what_the_names_say():
    assert [day.strftime("%a") for day in (THURSDAY, FRIDAY, SATURDAY, NEXT_MONDAY)] == [
        "Thu",
        "Fri",
        "Sat",
        "Mon",
    ]


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (FRIDAY, 1, NEXT_MONDAY),
        (THURSDAY, 1, FRIDAY),
        (THURSDAY, 2, NEXT_MONDAY),
        (THURSDAY, 5, NEXT_THURSDAY),
        (SATURDAY, 1, NEXT_MONDAY),
        (SUNDAY, 1, NEXT_MONDAY),
        (FRIDAY, 2, NEXT_TUESDAY),
        (FRIDAY, 10, dt.date(2026, 12, 11)),
    ],
    ids=[
        "friday+1",
        "thursday+1",
        "thursday+2",
        "thursday+5",
        "saturday+1",
        "sunday+1",
        "friday+2",
        "friday+10",
    ],
)
def test_business_days_skip_weekends(start, days, expected):
    assert add_business_days(start, days) == expected


def test_zero_business_days_is_the_same_day():
    assert add_business_days(SATURDAY, 0) == SATURDAY


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),
        (dt.date(2025, 3, 31), 1, dt.date(2025, 4, 30)),
        (dt.date(2025, 11, 15), 2, dt.date(2026, 1, 15)),
        (dt.date(2025, 12, 31), 12, dt.date(2026, 12, 31)),
        (dt.date(2025, 5, 10), 0, dt.date(2025, 5, 10)),
    ],
    ids=[
        "31-jan+1",
        "31-jan-leap+1",
        "29-feb+12",
        "29-feb+48",
        "31-mar+1",
        "across-new-year",
        "31-dec+12",
        "zero",
    ],
)
def test_months_end_on_the_last_day_of_a_shorter_month(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.django_db
def test_the_defaults_are_five_and_one_business_days(msl, kol):
    with time_machine.travel(FRIDAY_NOON, tick=False):
        standard = raise_inquiry(msl, kol, urgency="standard")
        urgent = raise_inquiry(msl, kol, urgency="urgent")

    assert standard.deadline == dt.date(2026, 12, 4), "Friday + 5 business days"
    assert urgent.deadline == NEXT_MONDAY


@pytest.mark.django_db
def test_the_deadline_follows_the_service_level_the_admin_set(msl, kol):
    ServiceLevel.objects.filter(urgency="urgent").update(business_days=2)

    with time_machine.travel(FRIDAY_NOON, tick=False):
        inquiry = raise_inquiry(msl, kol, urgency="urgent")

    assert inquiry.deadline == NEXT_TUESDAY


@pytest.mark.django_db
def test_without_a_service_level_row_the_default_applies(msl, kol):
    ServiceLevel.objects.filter(urgency="urgent").delete()

    with time_machine.travel(FRIDAY_NOON, tick=False):
        inquiry = raise_inquiry(msl, kol, urgency="urgent")

    assert inquiry.deadline == NEXT_MONDAY


@pytest.mark.django_db
def test_an_inquiry_raised_on_a_saturday_is_counted_from_monday(msl, kol):
    with time_machine.travel(dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        inquiry = raise_inquiry(msl, kol, urgency="urgent")

    assert inquiry.deadline == NEXT_MONDAY


@pytest.mark.django_db
def test_a_documented_interest_is_valid_for_the_policy_months(msl, kol):
    policy = InquiryPolicy.current()
    policy.interest_validity_months = 1
    policy.save()

    interest = interest_record(
        actor=msl,
        kol=kol,
        product=ProductFactory(),
        topic=InsightTopicFactory(parent=InsightTopicFactory()),
        description="Long-term outcomes",
        unsolicited_attested=True,
        requested_by="Dr Alvarez",
        requested_at=dt.datetime(2024, 1, 31, 10, 0, tzinfo=dt.UTC),
        request_setting="one_to_one",
    )

    assert interest.valid_until == dt.date(2024, 2, 29)
