"""Lists count their rows only up to LIST_ROWS_COUNTED, so that a table that only grows (the
audit trail, every MSL's interactions) does not make its list page slower each year."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import FollowUpFactory, InteractionFactory

pytestmark = pytest.mark.django_db

COUNTED = 30  # more than one page of 25


@pytest.fixture
def counted(settings):
    settings.LIST_ROWS_COUNTED = COUNTED


def test_a_list_longer_than_what_is_counted_says_it_has_more(client, msl, counted):
    InteractionFactory.create_batch(COUNTED + 5, owner=msl)
    client.force_login(msl)

    first = client.get("/interactions/").content.decode()

    assert "More than 30 interactions" in first
    assert "Page 1 of more than 2" in first
    assert 'data-testid="list-capped"' not in first
    assert first.count('data-testid="interaction-link"') == 25


def test_the_last_counted_page_says_how_to_reach_the_rest(client, msl, counted):
    InteractionFactory.create_batch(COUNTED + 5, owner=msl)
    client.force_login(msl)

    last = client.get("/interactions/?page=2").content.decode()
    beyond = client.get("/interactions/?page=9").content.decode()

    assert last.count('data-testid="interaction-link"') == COUNTED - 25
    assert (
        "This list stops at the first 30 interactions: narrow it with the filters above to see "
        "the rest." in last
    )
    assert 'rel="next"' not in last
    # A page past the counted rows (an old link) shows the last counted page.
    assert "Page 2 of more than 2" in beyond
    assert beyond.count('data-testid="interaction-link"') == COUNTED - 25


def test_a_list_of_exactly_what_is_counted_gives_its_count(client, msl, counted):
    InteractionFactory.create_batch(COUNTED, owner=msl)
    client.force_login(msl)

    last = client.get("/interactions/?page=2").content.decode()

    assert "30 interactions" in last
    assert "More than" not in last
    assert "Page 2 of 2" in last
    assert 'data-testid="list-capped"' not in last


def test_the_count_stops_reading_after_what_is_counted(client, msl, counted):
    InteractionFactory.create_batch(COUNTED + 5, owner=msl)
    client.force_login(msl)

    with CaptureQueriesContext(connection) as queries:
        client.get("/interactions/")

    counts = [query["sql"] for query in queries if query["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1
    assert f"LIMIT {COUNTED + 1}" in counts[0]


def test_a_list_without_filters_counts_every_row(client, msl, counted):
    # Nothing would narrow it to the rows past the limit.
    FollowUpFactory.create_batch(COUNTED + 1, owner=msl)
    client.force_login(msl)

    last = client.get("/follow-ups/?page=2").content.decode()

    assert "Page 2 of 2" in last
    assert last.count('id="follow-up-') == COUNTED + 1 - 25
    assert 'data-testid="list-capped"' not in last


def test_a_thousand_rows_and_more_are_counted_with_a_separator(client, msl, settings):
    settings.LIST_ROWS_COUNTED = 1000
    InteractionFactory.create_batch(1001, owner=msl)
    client.force_login(msl)

    assert "More than 1,000 interactions" in client.get("/interactions/").content.decode()


def test_a_list_past_what_is_counted_costs_no_more_queries(
    client, msl, counted, django_assert_max_num_queries
):
    InteractionFactory.create_batch(3, owner=msl)
    client.force_login(msl)
    with CaptureQueriesContext(connection) as short:
        client.get("/interactions/")
    InteractionFactory.create_batch(COUNTED + 5, owner=msl)

    with django_assert_max_num_queries(len(short)):
        capped = client.get("/interactions/?page=9").content.decode()

    assert "Page 2 of more than 2" in capped
