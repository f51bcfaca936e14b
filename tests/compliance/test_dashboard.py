"""The compliance page: only Compliance opens it; it lists the violations newest first,
filters them by outcome, rule, user and dates, pages them by 25, shows the weekly trend of
blocked and warned ones, and costs the same queries however many there are."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from compliance.models import ViolationOutcome
from interactions.models import Interaction
from tests.factories import (
    InteractionFactory,
    RestrictedTermFactory,
    SafetyReportFactory,
    UserFactory,
    ViolationFactory,
)

pytestmark = pytest.mark.django_db

URL = "/compliance/"
MATCHED = re.compile(r"<td><mark>([^<]*)</mark></td>")
TREND_ROW = re.compile(r"<tr><td>(\d{4}-\d{2}-\d{2})</td><td>(\d+)</td><td>(\d+)</td></tr>")


def listed(response) -> list[str]:
    """The matched words of the violations the page lists, in page order."""
    return MATCHED.findall(response.content.decode())


def trend(response) -> dict[str, tuple[int, int]]:
    """{week's Monday: (blocked, warned)} from the trend's table."""
    return {
        week: (int(blocked), int(warned))
        for week, blocked, warned in TREND_ROW.findall(response.content.decode())
    }


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def test_compliance_opens_the_page(client, compliance_user):
    client.force_login(compliance_user)

    response = client.get(URL)

    assert response.status_code == 200
    assert "No violations." in response.content.decode()


@pytest.mark.parametrize("persona", ["msl", "manager", "medinfo", "viewer"])
def test_other_roles_are_refused(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_violations_are_listed_newest_first(client, compliance_user):
    now = timezone.now()
    ViolationFactory(matched_text="middle", occurred_at=now - dt.timedelta(days=2))
    ViolationFactory(matched_text="newest", occurred_at=now - dt.timedelta(hours=1))
    ViolationFactory(matched_text="oldest", occurred_at=now - dt.timedelta(days=9))
    client.force_login(compliance_user)

    assert listed(client.get(URL)) == ["newest", "middle", "oldest"]


def test_a_violation_shows_who_what_and_where(client, compliance_user, msl):
    interaction = InteractionFactory(owner=msl)
    ViolationFactory(
        user=msl,
        rule="Restricted term “cure”",
        matched_text="cure",
        outcome=ViolationOutcome.ACKNOWLEDGED,
        content_type=ContentType.objects.get_for_model(Interaction),
        object_id=str(interaction.pk),
        record_label=str(interaction),
    )
    ViolationFactory(user=msl, matched_text="miracle")
    client.force_login(compliance_user)

    page = client.get(URL).content.decode()

    assert "Restricted term “cure”" in page
    assert f"Interaction notes · {interaction}" in page
    assert "Interaction notes · not saved" in page
    assert "Warned, acknowledged and saved" in page
    assert str(msl) in page


def test_the_list_filters_by_outcome(client, compliance_user):
    ViolationFactory(matched_text="blocked-one", outcome=ViolationOutcome.BLOCKED)
    ViolationFactory(matched_text="warned-one", outcome=ViolationOutcome.WARNED)
    ViolationFactory(matched_text="saved-one", outcome=ViolationOutcome.ACKNOWLEDGED)
    client.force_login(compliance_user)

    assert listed(client.get(URL, {"outcome": "warned"})) == ["warned-one"]
    assert listed(client.get(URL, {"outcome": "blocked"})) == ["blocked-one"]


def test_the_list_filters_by_term(client, compliance_user):
    cure, miracle = RestrictedTermFactory(pattern="cure"), RestrictedTermFactory(pattern="miracle")
    ViolationFactory(term=cure, matched_text="cure")
    ViolationFactory(term=miracle, matched_text="miracle")
    ViolationFactory(term=None, matched_text="")
    client.force_login(compliance_user)

    assert listed(client.get(URL, {"term": cure.pk})) == ["cure"]


def test_the_list_filters_by_user(client, compliance_user, msl, msl2):
    ViolationFactory(user=msl, matched_text="by-msl")
    ViolationFactory(user=msl2, matched_text="by-msl2")
    client.force_login(compliance_user)

    response = client.get(URL, {"user": msl2.pk})

    assert listed(response) == ["by-msl2"]
    users = response.context["filter"].form.fields["user"].queryset
    assert set(users) == {msl, msl2}, "only users with violations are offered"


def test_the_list_filters_by_date_range_both_ends_included(client, compliance_user):
    ViolationFactory(matched_text="before", occurred_at=at(2025, 5, 31, 23, 0))
    ViolationFactory(matched_text="first-day", occurred_at=at(2025, 6, 1, 0, 5))
    ViolationFactory(matched_text="last-day", occurred_at=at(2025, 6, 10, 23, 55))
    ViolationFactory(matched_text="after", occurred_at=at(2025, 6, 11, 0, 5))
    client.force_login(compliance_user)

    response = client.get(URL, {"occurred_min": "2025-06-01", "occurred_max": "2025-06-10"})

    assert listed(response) == ["last-day", "first-day"]


@pytest.mark.parametrize(
    "query",
    [{"term": "999999"}, {"user": "nobody"}, {"outcome": "maybe"}, {"occurred_min": "June"}],
)
def test_a_filter_value_that_makes_no_sense_is_ignored(client, compliance_user, query):
    ViolationFactory(matched_text="listed")
    client.force_login(compliance_user)

    response = client.get(URL, query)

    assert response.status_code == 200
    assert listed(response) == ["listed"]


def test_filters_combine(client, compliance_user, msl, msl2):
    cure = RestrictedTermFactory(pattern="cure")
    ViolationFactory(user=msl, term=cure, matched_text="match")
    ViolationFactory(user=msl, term=cure, matched_text="warned", outcome=ViolationOutcome.WARNED)
    ViolationFactory(user=msl2, term=cure, matched_text="other-user")
    ViolationFactory(user=msl, matched_text="other-term")
    client.force_login(compliance_user)

    response = client.get(URL, {"outcome": "blocked", "term": cure.pk, "user": msl.pk})

    assert listed(response) == ["match"]


def test_the_list_pages_by_25_and_keeps_the_filters(client, compliance_user):
    now = timezone.now()
    for index in range(30):
        ViolationFactory(
            matched_text=f"hit{index:02d}", occurred_at=now - dt.timedelta(hours=index)
        )
    ViolationFactory(matched_text="warned", outcome=ViolationOutcome.WARNED)
    client.force_login(compliance_user)

    first = client.get(URL, {"outcome": "blocked"})
    second = client.get(URL, {"outcome": "blocked", "page": 2})

    assert listed(first) == [f"hit{index:02d}" for index in range(25)]
    assert listed(second) == [f"hit{index:02d}" for index in range(25, 30)]
    assert "30 violations" in first.content.decode()
    assert "outcome=blocked&amp;page=2" in first.content.decode()


def test_the_trend_counts_blocked_and_warned_violations_per_week(client, compliance_user):
    wednesday = at(2025, 6, 11, 12, 0)
    # This week (from Monday 9 June): two blocked, one warned, one acknowledged.
    ViolationFactory(occurred_at=at(2025, 6, 9, 0, 10))
    ViolationFactory(occurred_at=at(2025, 6, 11, 9, 0))
    ViolationFactory(occurred_at=at(2025, 6, 10, 9, 0), outcome=ViolationOutcome.WARNED)
    ViolationFactory(occurred_at=at(2025, 6, 11, 10, 0), outcome=ViolationOutcome.ACKNOWLEDGED)
    # Last week, up to Sunday night.
    ViolationFactory(occurred_at=at(2025, 6, 8, 23, 50), outcome=ViolationOutcome.WARNED)
    ViolationFactory(occurred_at=at(2025, 6, 2, 0, 0))
    # Eleven weeks back is the first week shown; twelve weeks back is not.
    ViolationFactory(occurred_at=at(2025, 3, 24, 12, 0))
    ViolationFactory(occurred_at=at(2025, 3, 23, 12, 0))
    client.force_login(compliance_user)

    with time_machine.travel(wednesday, tick=False):
        weeks = trend(client.get(URL))

    assert len(weeks) == 12
    assert min(weeks) == "2025-03-24"
    assert max(weeks) == "2025-06-09"
    assert list(weeks) == sorted(weeks), "oldest week first"
    assert weeks["2025-06-09"] == (2, 2)
    assert weeks["2025-06-02"] == (1, 1)
    assert weeks["2025-03-24"] == (1, 0)
    assert sum(blocked + warned for blocked, warned in weeks.values()) == 7
    assert weeks["2025-05-05"] == (0, 0)


@pytest.mark.parametrize("count", [5, 50])
def test_the_page_costs_the_same_queries_however_many_violations(
    client, compliance_user, count, django_assert_max_num_queries
):
    terms = [RestrictedTermFactory() for _ in range(3)]
    users = [UserFactory() for _ in range(4)]
    interaction = InteractionFactory(owner=users[0])
    record_type = ContentType.objects.get_for_model(Interaction)
    for index in range(count):
        saved = index % 2 == 0
        ViolationFactory(
            user=users[index % 4],
            term=terms[index % 3],
            content_type=record_type if saved else None,
            object_id=str(interaction.pk) if saved else "",
            record_label=str(interaction) if saved else "",
        )
    for index in range(count // 5):
        SafetyReportFactory(reporter=users[index % 4])
    client.force_login(compliance_user)
    client.get(URL)  # the content types and the session are cached after the first page
    filtered = {"outcome": "blocked", "term": terms[0].pk, "user": users[0].pk}

    # Measured: 9 queries, and 11 with every filter set.
    with django_assert_max_num_queries(10):
        client.get(URL)
    with django_assert_max_num_queries(12):
        client.get(URL, filtered)
