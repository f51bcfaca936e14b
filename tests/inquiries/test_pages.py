"""The inquiry list and page: a bounded number of queries however many inquiries there are,
pages of 25, and the Medical Information queue's tabs."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inquiries.models import InquiryStatus
from inquiries.selectors import queue_counts
from tests.factories import MedicalInquiryFactory, StandardResponseFactory
from tests.inquiries.workflow import bring_to

pytestmark = pytest.mark.django_db

S = InquiryStatus
# Session, user, roles, the count, the page (kol, raiser, assignee and product joined) and
# the queue tab counts in one aggregate: six today, whatever the number of inquiries.
LIST_QUERY_BUDGET = 8
# The same for one inquiry, plus its events, responses, pending review, delivery, the MSL's
# follow-ups, the KOL link check and the next-step forms' choices: ten at most today.
DETAIL_QUERY_BUDGET = 12
WEDNESDAY_NOON = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
WEDNESDAY = WEDNESDAY_NOON.date()

INQUIRY_LINK = re.compile(r'<a href="/inquiries/(\d+)/" data-testid="inquiry-link">')


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in INQUIRY_LINK.findall(response.content.decode())]


def many(msl, kol, count):
    # Every third off-label, so the per-row content check has both kinds to decide on.
    return [
        MedicalInquiryFactory(raised_by=msl, kol=kol, off_label=n % 3 == 0) for n in range(count)
    ]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


# --- query counts ----------------------------------------------------------------------


def test_the_queue_stays_within_its_query_budget(
    client, msl, kol, medinfo, django_assert_max_num_queries
):
    many(msl, kol, 30)
    client.force_login(medinfo)

    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        client.get("/inquiries/")


@pytest.mark.parametrize("persona", ["medinfo", "msl", "manager", "compliance_user"])
@pytest.mark.parametrize("url", ["/inquiries/", "/inquiries/?view=done"])
def test_the_list_does_not_query_per_inquiry(client, request, msl, kol, persona, url):
    many(msl, kol, 30)
    client.force_login(request.getfixturevalue(persona))
    with_30 = queries_for(client, url)

    many(msl, kol, 30)

    assert queries_for(client, url) == with_30 <= LIST_QUERY_BUDGET


@pytest.mark.parametrize(
    "status", [S.OPEN, S.ASSIGNED, S.IN_REVIEW, S.APPROVED, S.DELIVERED, S.CLOSED]
)
@pytest.mark.parametrize("persona", ["medinfo", "medinfo2", "msl", "manager", "compliance_user"])
def test_an_inquiry_page_stays_within_its_query_budget(
    client, request, msl, kol, medinfo, medinfo2, status, persona, django_assert_max_num_queries
):
    many(msl, kol, 30)
    inquiry = bring_to(
        MedicalInquiryFactory(raised_by=msl, kol=kol), status, author=medinfo, reviewer=medinfo2
    )
    StandardResponseFactory.create_batch(3)
    client.force_login(request.getfixturevalue(persona))

    with django_assert_max_num_queries(DETAIL_QUERY_BUDGET):
        response = client.get(f"/inquiries/{inquiry.pk}/")

    assert response.status_code == 200


def test_an_inquiry_page_does_not_grow_with_the_number_of_inquiries(
    client, msl, kol, medinfo, medinfo2
):
    inquiry = bring_to(
        MedicalInquiryFactory(raised_by=msl, kol=kol), S.ASSIGNED, author=medinfo, reviewer=medinfo2
    )
    many(msl, kol, 30)
    client.force_login(medinfo)
    with_30 = queries_for(client, f"/inquiries/{inquiry.pk}/")

    many(msl, kol, 30)

    assert queries_for(client, f"/inquiries/{inquiry.pk}/") == with_30 <= DETAIL_QUERY_BUDGET


# --- pagination ------------------------------------------------------------------------


def test_the_list_shows_25_a_page(client, msl, kol, medinfo):
    inquiries = many(msl, kol, 30)
    client.force_login(medinfo)

    first = client.get("/inquiries/")
    second = client.get("/inquiries/?view=open&page=2")

    assert len(listed(first)) == 25
    assert len(listed(second)) == 5
    assert sorted(listed(first) + listed(second)) == sorted(i.pk for i in inquiries)
    assert "30 inquiries" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?view=open&amp;page=2"' in first.content.decode(), "the tab survives paging"


def test_an_msls_list_pages_too(client, msl, kol):
    many(msl, kol, 26)
    client.force_login(msl)

    assert len(listed(client.get("/inquiries/"))) == 25
    assert len(listed(client.get("/inquiries/?page=2"))) == 1


def test_a_page_number_past_the_end_shows_the_last_page(client, msl, kol, medinfo):
    many(msl, kol, 30)
    client.force_login(medinfo)

    assert len(listed(client.get("/inquiries/?page=99"))) == 5


# --- the queue's tabs ------------------------------------------------------------------


@pytest.fixture
def queue(msl, kol, medinfo, medinfo2):
    """One inquiry per situation the tabs tell apart, on a Wednesday."""
    later = WEDNESDAY + dt.timedelta(days=7)

    def make(status, deadline, assignee=None):
        return MedicalInquiryFactory(
            raised_by=msl, kol=kol, status=status, deadline=deadline, assignee=assignee
        )

    return {
        "unassigned": make(S.OPEN, later),
        "mine": make(S.ASSIGNED, later, medinfo),
        "colleagues": make(S.ASSIGNED, later, medinfo2),
        "due_tomorrow": make(S.IN_REVIEW, WEDNESDAY + dt.timedelta(days=1), medinfo2),
        "due_today": make(S.APPROVED, WEDNESDAY, medinfo),
        "overdue": make(S.OPEN, WEDNESDAY - dt.timedelta(days=1)),
        "delivered": make(S.DELIVERED, WEDNESDAY - dt.timedelta(days=3), medinfo),
        "closed": make(S.CLOSED, WEDNESDAY - dt.timedelta(days=10), medinfo),
        "cancelled": make(S.CANCELLED, WEDNESDAY - dt.timedelta(days=1)),
    }


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("unassigned", {"unassigned", "overdue"}),
        ("mine", {"mine", "due_today"}),
        ("due_soon", {"due_tomorrow", "due_today"}),
        ("overdue", {"overdue"}),
        ("done", {"delivered", "closed", "cancelled"}),
        (
            "open",
            {"unassigned", "mine", "colleagues", "due_tomorrow", "due_today", "overdue"},
        ),
    ],
)
def test_each_queue_tab_lists_its_inquiries(client, medinfo, queue, view, expected):
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        client.force_login(medinfo)
        response = client.get(f"/inquiries/?view={view}")

    assert sorted(listed(response)) == sorted(queue[name].pk for name in expected)
    assert f'aria-current="page" href="?view={view}"' in response.content.decode()


def test_the_queue_opens_on_all_open_inquiries_by_deadline(client, medinfo, queue):
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        client.force_login(medinfo)
        default = listed(client.get("/inquiries/"))
        unknown = listed(client.get("/inquiries/?view=everything"))

    by_deadline = ["overdue", "due_today", "due_tomorrow", "unassigned", "mine", "colleagues"]
    assert default == unknown == [queue[name].pk for name in by_deadline]


def test_the_done_tab_lists_the_newest_first(client, medinfo, queue):
    client.force_login(medinfo)

    done = listed(client.get("/inquiries/?view=done"))

    assert done == sorted(done, reverse=True)


def test_the_tab_badges_count_each_queue(medinfo, queue):
    assert queue_counts(medinfo, today=WEDNESDAY) == {
        "unassigned": 2,
        "mine": 2,
        "due_soon": 2,
        "overdue": 1,
        "open": 6,
    }


def test_due_soon_on_a_friday_reaches_to_monday(client, medinfo, msl, kol):
    friday = dt.date(2026, 11, 27)
    monday = MedicalInquiryFactory(raised_by=msl, kol=kol, deadline=dt.date(2026, 11, 30))
    MedicalInquiryFactory(raised_by=msl, kol=kol, deadline=dt.date(2026, 12, 1))

    with time_machine.travel(dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(medinfo)
        response = client.get("/inquiries/?view=due_soon")

    assert listed(response) == [monday.pk]
    assert queue_counts(medinfo, today=friday)["due_soon"] == 1


def test_an_msl_sees_no_queue_tabs(client, msl, queue):
    client.force_login(msl)

    response = client.get("/inquiries/")

    assert 'aria-label="Queues"' not in response.content.decode()
    assert sorted(listed(response)) == sorted(inquiry.pk for inquiry in queue.values())
