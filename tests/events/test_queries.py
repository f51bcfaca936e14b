"""Each events page runs a fixed number of queries however many rows it shows: the budgets
below hold with a page full of rows, and the count does not grow from a few rows to many."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import EventKind, EventMeeting
from tests.factories import (
    EventFactory,
    ExpectedKOLFactory,
    ExpenseFactory,
    InsightCommentFactory,
    InsightFactory,
    InsightTopicFactory,
    InteractionFactory,
    ItineraryItemFactory,
    KOLFactory,
    LearningRecordFactory,
    MentionFactory,
    SharedInsightFactory,
    TherapeuticAreaFactory,
    TrainingRequirementFactory,
    TripFactory,
)

pytestmark = pytest.mark.django_db


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def build(n: int, *, msl, manager, kol, territory):
    """n of everything the events pages list, for msl (the reader) and their manager."""
    area = TherapeuticAreaFactory(name="Oncology")
    trainings = [
        TrainingRequirementFactory(product=None, is_adverse_event_reporting=i == 0)
        for i in range(2)
    ]
    # Events this month, so the month calendar shows them all too.
    first = timezone.localdate().replace(day=1)
    for i in range(n):
        day = first + dt.timedelta(days=i % 28)
        event = EventFactory(
            starts_on=max(day, timezone.localdate()),
            ends_on=max(day, timezone.localdate()),
            therapeutic_area=area,
            organiser=manager,
            attendees=[msl],
        )
        ExpectedKOLFactory(event=event, kol=KOLFactory(territory=territory))
        EventFactory(
            kind=EventKind.INTERNAL_MEETING,
            organiser=manager,
            attendees=[manager, msl],
            starts_on=day,
            ends_on=day,
        )
    for i in range(n):
        trip = TripFactory(traveller=msl, event=event)
        ItineraryItemFactory(trip=trip)
        ExpenseFactory(trip=trip, amount=Decimal("10.00") + i)
        LearningRecordFactory(user=msl, requirement=trainings[i % 2], event=event)
        LearningRecordFactory(user=msl)
    for _ in range(n):
        interaction = InteractionFactory(owner=msl, kols=[kol])
        insight = InsightFactory(
            interaction=interaction,
            kol=kol,
            topic=InsightTopicFactory(parent=InsightTopicFactory()),
        )
        remark = InsightCommentFactory(insight=insight, author=manager)
        MentionFactory(comment=remark, user=msl)
    return event


@pytest.fixture
def many(msl, manager, kol, organisation):
    return build(30, msl=msl, manager=manager, kol=kol, territory=organisation["boston"])


def congress_with_rows(n, *, msl, kol, territory):
    congress = EventFactory(organiser=msl, attendees=[msl], starts_on=in_days(3))
    for _ in range(n):
        ExpectedKOLFactory(event=congress, kol=KOLFactory(territory=territory))
        meeting = InteractionFactory(
            owner=msl, kols=[kol, KOLFactory(territory=territory)], status="planned"
        )
        EventMeeting.objects.create(event=congress, interaction=meeting)
        TripFactory(traveller=msl, event=congress)
    return congress


def meeting_with_rows(n, *, msl, manager, kol):
    meeting = EventFactory(
        kind=EventKind.INTERNAL_MEETING, organiser=manager, attendees=[manager, msl]
    )
    for _ in range(n):
        insight = InsightFactory(
            interaction=InteractionFactory(owner=msl, kols=[kol]),
            kol=kol,
            topic=InsightTopicFactory(parent=InsightTopicFactory()),
        )
        SharedInsightFactory(meeting=meeting, insight=insight, shared_by=msl)
        InsightCommentFactory(insight=insight, author=manager)
    return meeting


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# Each counts the session, the user, their roles and the warning banner's check (4).
PAGES = {
    "/events/": 10,
    "/events/?when=past": 10,
    "/events/calendar/": 5,
    "/events/trips/": 6,
    "/events/learning/": 10,
    "/events/mentions/": 7,
}


@pytest.mark.parametrize(("url", "budget"), PAGES.items())
def test_a_full_list_page_stays_within_its_budget(
    client, msl, many, url, budget, django_assert_max_num_queries
):
    client.force_login(msl)
    client.get(url)  # sessions and caches warmed, as for a user already signed in

    with django_assert_max_num_queries(budget):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_the_query_count_does_not_grow_with_the_rows(client, msl, manager, kol, organisation, url):
    client.force_login(msl)
    build(2, msl=msl, manager=manager, kol=kol, territory=organisation["boston"])
    client.get(url)
    with_few = queries(client, url)

    build(28, msl=msl, manager=manager, kol=kol, territory=organisation["boston"])

    assert queries(client, url) == with_few


def test_an_event_page_stays_within_its_budget_and_does_not_grow(
    client, msl, kol, organisation, django_assert_max_num_queries
):
    territory = organisation["boston"]
    small = congress_with_rows(2, msl=msl, kol=kol, territory=territory)
    large = congress_with_rows(20, msl=msl, kol=kol, territory=territory)
    client.force_login(msl)
    client.get(f"/events/{small.pk}/")

    with_few = queries(client, f"/events/{small.pk}/")
    with django_assert_max_num_queries(12):
        client.get(f"/events/{large.pk}/")
    assert queries(client, f"/events/{large.pk}/") == with_few


def test_an_internal_meeting_page_stays_within_its_budget_and_does_not_grow(
    client, msl, manager, kol, organisation, django_assert_max_num_queries
):
    small = meeting_with_rows(2, msl=msl, manager=manager, kol=kol)
    large = meeting_with_rows(20, msl=msl, manager=manager, kol=kol)
    client.force_login(msl)
    client.get(f"/events/{small.pk}/")

    with_few = queries(client, f"/events/{small.pk}/")
    with django_assert_max_num_queries(8):
        client.get(f"/events/{large.pk}/")
    assert queries(client, f"/events/{large.pk}/") == with_few


def test_an_insight_page_with_many_comments_stays_within_its_budget(
    client, msl, manager, kol, django_assert_max_num_queries
):
    insight = InsightFactory(
        interaction=InteractionFactory(owner=msl, kols=[kol]),
        kol=kol,
        topic=InsightTopicFactory(parent=InsightTopicFactory()),
    )
    SharedInsightFactory(insight=insight, shared_by=msl)
    for n in range(30):
        MentionFactory(
            comment=InsightCommentFactory(insight=insight, author=manager if n % 2 else msl),
            user=msl,
        )
    client.force_login(msl)
    client.get(f"/events/insights/{insight.pk}/")

    with django_assert_max_num_queries(8):
        response = client.get(f"/events/insights/{insight.pk}/")

    assert response.status_code == 200
