"""/today/ reads a fixed number of queries, however busy the MSL's day is."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from compliance.models import ProductCertification
from events.models import EventKind, EventMeeting
from literature.models import Publication, WatchTopic
from tests.factories import (
    EngagementPlanFactory,
    EventFactory,
    FollowUpFactory,
    InsightFactory,
    InteractionFactory,
    LearningRecordFactory,
    MedicalInquiryFactory,
    MentionFactory,
    ProductFactory,
    SafetyReportFactory,
    SharedInsightFactory,
    TrainingRequirementFactory,
    TripFactory,
    UserFactory,
    ViolationFactory,
)

from .data import agenda, at, figures, in_days, items, plan_meeting, step

pytestmark = pytest.mark.django_db

# Measured on a busy day: the session, the user (read with its roles), every count on the
# page in one query (today.selectors.day_figures), then one query per list the cards show:
# 15 with the session read from Redis (production), 16 where the session is in the
# database. The number does not grow with the data; it only drops when a list is empty
# (no meeting or draft: no KOLs to read with them).
SESSION_QUERIES = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
QUERY_BUDGET = 15 + SESSION_QUERIES


def busy_day(msl, make_kol, n: int) -> None:
    """n of everything each step shows: meetings, follow-ups, inquiries, drafts, insights,
    mentions, internal meetings, events, trips, trainings, publications, safety reports,
    compliance hits and certifications."""
    colleague = UserFactory(roles=[Role.MSL])
    word = f"watchword{msl.pk}x"  # matches this MSL's publications only
    WatchTopic.objects.create(name="Renal", terms=word, owner=msl)
    for i in range(n):
        kol = make_kol(tier=1 + i % 3)
        other = make_kol(tier=1 + (i + 1) % 3)
        product = ProductFactory()
        EngagementPlanFactory(kol=kol, year=timezone.localdate().year, planned_touchpoints=6)
        plan_meeting(msl, [kol, other], 8 + i % 10, i % 60)
        congress = EventFactory(attendees=[msl], organiser=colleague)
        EventMeeting.objects.create(
            event=congress, interaction=plan_meeting(msl, [kol], 9, days=12)
        )
        FollowUpFactory(owner=msl, kol=kol, due_date=in_days(i % 7 - 3))
        FollowUpFactory(owner=msl, kol=None, due_date=in_days(-30))
        MedicalInquiryFactory(raised_by=msl, kol=kol, product=product, deadline=in_days(i % 3))
        draft = InteractionFactory(owner=msl, kols=[kol, other], occurred_at=at(7, days=-2))
        insight = InsightFactory(interaction=draft, kol=kol)
        MentionFactory(user=msl, comment__insight=insight, comment__author=colleague)
        internal = EventFactory(
            kind=EventKind.INTERNAL_MEETING, attendees=[msl], organiser=colleague
        )
        SharedInsightFactory(meeting=internal, insight=insight)
        TripFactory(traveller=msl, event=congress)
        requirement = TrainingRequirementFactory(product=product if i % 2 else None)
        if i % 3:
            LearningRecordFactory(
                user=msl,
                requirement=requirement,
                completed_on=in_days(-360 + i),
                hours=Decimal("2"),
            )
        LearningRecordFactory(user=msl, completed_on=timezone.localdate())
        Publication.objects.create(
            pmid=f"{msl.pk}{i:04d}", title=f"Dosing {word} {i}", search_text=f"dosing {word} {i}"
        )
        SafetyReportFactory(reporter=msl, kol=kol, product=product)
        ViolationFactory(user=msl)
        ProductCertification.objects.create(
            user=msl, product=product, certified_on=in_days(-350), expires_on=in_days(10 + i)
        )


def queries_for_today(client, user, django_assert_max_num_queries):
    client.force_login(user)
    with django_assert_max_num_queries(QUERY_BUDGET) as captured:
        response = client.get("/today/")
    assert response.status_code == 200
    return response, len(captured.captured_queries)


@pytest.mark.parametrize("size", [0, 2, 25])
def test_the_day_stays_within_its_query_budget(
    client, msl, make_kol, wednesday, size, django_assert_max_num_queries
):
    busy_day(msl, make_kol, size)

    response, _ = queries_for_today(client, msl, django_assert_max_num_queries)

    assert len(agenda(response)) == min(8, 5 * size)  # the agenda's top eight, real rows


def test_a_busy_day_costs_the_same_queries_as_a_light_one(
    client, msl, msl2, make_kol, wednesday, django_assert_max_num_queries
):
    # Three of everything fills each card's top rows, as 25 do.
    busy_day(msl, make_kol, 3)
    busy_day(msl2, make_kol, 25)

    light, light_count = queries_for_today(client, msl, django_assert_max_num_queries)
    busy, busy_count = queries_for_today(client, msl2, django_assert_max_num_queries)

    assert busy_count == light_count
    # The pages show each MSL's own numbers, read from the rows above.
    assert figures(step(light, 9))["open that I raised"] == "3"
    assert figures(step(busy, 9))["open that I raised"] == "25"
    assert figures(step(light, 12))["open follow-ups"] == "6"
    assert figures(step(busy, 12))["open follow-ups"] == "50"
    assert figures(step(busy, 5))["drafts to submit"] == "25"
    assert figures(step(busy, 7))["comments waiting for me"] == "25"
    assert figures(step(busy, 1))["new or updated since your last visit"] == "25"
    assert figures(step(busy, 4))["meetings to log"] == "25"
    assert len(items(step(busy, 4))) == 25
