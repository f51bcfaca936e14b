"""Lists: paginated by 50 with count/next/previous/results, filtered like the pages, and
their query count does not grow with the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    FollowUpFactory,
    InsightFactory,
    InteractionFactory,
    KOLFactory,
    MedicalInquiryFactory,
    TherapeuticAreaFactory,
    TrendReportFactory,
)

from .conftest import token_client

LISTS = [
    "/api/v1/kols/",
    "/api/v1/institutions/",
    "/api/v1/interactions/",
    "/api/v1/follow-ups/",
    "/api/v1/inquiries/",
    "/api/v1/safety-reports/",
    "/api/v1/reports/",
    "/api/v1/catalog/therapeutic-areas/",
    "/api/v1/catalog/products/",
    "/api/v1/catalog/topics/",
    "/api/v1/catalog/materials/",
]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_is_paginated_the_same_way(admin_user, world, url):
    TrendReportFactory()

    body = token_client(admin_user).get(url).json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(body["results"])
    assert body["next"] is None
    assert body["previous"] is None


def test_pages_hold_fifty_rows(msl, world):
    KOLFactory.create_batch(59, territory=world["boston"])  # 60 with world's own KOL
    api = token_client(msl)

    first = api.get("/api/v1/kols/").json()
    second = api.get(first["next"]).json()

    assert first["count"] == second["count"] == 60
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"].endswith("?page=2")
    assert len(second["results"]) == 10
    assert second["next"] is None
    assert second["previous"]
    seen = {row["id"] for row in first["results"]} | {row["id"] for row in second["results"]}
    assert len(seen) == 60
    assert api.get("/api/v1/kols/?page=3").status_code == 404


@pytest.fixture
def counted(settings):
    settings.LIST_ROWS_COUNTED = 55


def test_past_what_is_counted_the_count_is_null_and_next_still_reaches_every_row(
    msl, world, counted
):
    KOLFactory.create_batch(119, territory=world["boston"])  # 120 with world's own KOL
    api = token_client(msl)

    pages = [api.get("/api/v1/kols/").json()]
    while pages[-1]["next"]:
        pages.append(api.get(pages[-1]["next"]).json())

    assert [len(page["results"]) for page in pages] == [50, 50, 20]
    assert len({kol["id"] for page in pages for kol in page["results"]}) == 120
    assert {page["count"] for page in pages} == {None}
    assert pages[2]["previous"].endswith("?page=2")


def test_a_list_of_whole_pages_ends_without_a_next_link(msl, world, counted):
    KOLFactory.create_batch(99, territory=world["boston"])  # 100 with world's own KOL
    api = token_client(msl)

    second = api.get("/api/v1/kols/?page=2").json()

    assert len(second["results"]) == 50
    assert second["next"] is None
    assert api.get("/api/v1/kols/?page=3").status_code == 404


def test_the_last_page_by_name_is_the_last_row_past_what_is_counted(msl, world, counted):
    KOLFactory.create_batch(119, territory=world["boston"])

    last = token_client(msl).get("/api/v1/kols/?page=last").json()

    assert len(last["results"]) == 20
    assert last["next"] is None
    assert last["previous"].endswith("?page=2")


def test_the_last_page_of_an_empty_list_is_an_empty_page(msl, world, counted):
    body = token_client(msl).get("/api/v1/kols/?search=nobody-matches&page=last").json()

    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_last_page_by_name_is_counted_once(msl, world, counted):
    KOLFactory.create_batch(59, territory=world["boston"])

    with CaptureQueriesContext(connection) as queries:
        last = token_client(msl).get("/api/v1/kols/?page=last").json()

    assert last["count"] is None
    assert len([query for query in queries if query["sql"].startswith("SELECT COUNT(*)")]) == 1


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999"])
def test_a_page_number_that_is_no_page_is_not_found(msl, world, counted, page):
    assert token_client(msl).get(f"/api/v1/kols/?page={page}").status_code == 404


def test_the_api_count_stops_reading_after_what_is_counted(msl, world, counted):
    KOLFactory.create_batch(59, territory=world["boston"])

    with CaptureQueriesContext(connection) as queries:
        token_client(msl).get("/api/v1/kols/")

    counts = [query["sql"] for query in queries if query["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1
    assert "LIMIT 56" in counts[0]


def test_kols_are_searched_like_the_directory(msl, world):
    match = KOLFactory(last_name="Okonkwo", territory=world["boston"])
    KOLFactory(last_name="Okonkwo", territory=world["bay_area"])  # not msl's

    body = token_client(msl).get("/api/v1/kols/?search=okonk").json()

    assert [row["id"] for row in body["results"]] == [match.pk]


def test_a_two_letter_search_matches_where_a_word_starts_sorted_by_name(msl, world):
    smith_xu = KOLFactory(last_name="Smith-Xu", territory=world["boston"])
    xu = KOLFactory(first_name="Wei", last_name="xu", territory=world["boston"])
    KOLFactory(last_name="Maxum", territory=world["boston"])

    body = token_client(msl).get("/api/v1/kols/?search=xu").json()

    assert [row["id"] for row in body["results"]] == [smith_xu.pk, xu.pk]


def test_kols_are_filtered_by_tier(msl, world):
    tier_one = KOLFactory(territory=world["boston"], tier=1)
    KOLFactory(territory=world["boston"], tier=3)

    body = token_client(msl).get("/api/v1/kols/?tier=1").json()

    assert {row["id"] for row in body["results"]} == {tier_one.pk} | (
        {world["own_kol"].pk} if world["own_kol"].tier == 1 else set()
    )
    assert all(row["tier"] == 1 for row in body["results"])


def test_interactions_are_filtered_by_status(msl, world):
    submitted = InteractionFactory(
        owner=msl,
        kols=[world["own_kol"]],
        status="submitted",
        submitted_at=timezone.now(),
        first_submitted_at=timezone.now(),
    )
    api = token_client(msl)

    drafts = api.get("/api/v1/interactions/?status=draft").json()
    done = api.get("/api/v1/interactions/?status=submitted").json()

    assert [row["id"] for row in drafts["results"]] == [world["own_interaction"].pk]
    assert [row["id"] for row in done["results"]] == [submitted.pk]


def test_an_unknown_filter_value_is_a_400(msl, world):
    response = token_client(msl).get("/api/v1/interactions/?status=nonsense")

    assert response.status_code == 400
    assert response.json()["status"]


def _interactions(owner, kol, count):
    for _ in range(count):
        interaction = InteractionFactory(owner=owner, kols=[kol])
        InsightFactory(interaction=interaction, kol=kol)
        InsightFactory(interaction=interaction, kol=kol)
        FollowUpFactory(owner=owner, interaction=interaction, kol=kol)
        MedicalInquiryFactory(raised_by=owner, kol=kol, interaction=interaction)


def _kols(territory, area, count):
    for _ in range(count):
        KOLFactory(territory=territory, therapeutic_areas=[area])


def _count(api, url) -> int:
    api.get(url)  # the first call also records when the token was last used
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    return len(queries)


def _records(world, count):
    _interactions(world["msl"], world["own_kol"], count)


LIST_BUILDERS = {
    "/api/v1/interactions/": _records,
    "/api/v1/kols/": lambda world, count: _kols(world["boston"], world["area"], count),
    "/api/v1/inquiries/": _records,
    "/api/v1/follow-ups/": _records,
}


@pytest.mark.parametrize("url", LIST_BUILDERS)
@pytest.mark.parametrize("persona", ["msl", "manager"])
def test_a_list_costs_the_same_for_5_and_40_rows(
    request, django_assert_max_num_queries, msl, world, url, persona
):
    world = {**world, "msl": msl, "area": TherapeuticAreaFactory()}
    api = token_client(request.getfixturevalue(persona))
    LIST_BUILDERS[url](world, 5)
    few = _count(api, url)

    LIST_BUILDERS[url](world, 35)
    with django_assert_max_num_queries(few):
        response = api.get(url)

    assert response.json()["count"] >= 40


@pytest.mark.parametrize("url", LIST_BUILDERS)
def test_a_list_past_what_is_counted_costs_no_more_queries(
    django_assert_max_num_queries, msl, world, url, settings
):
    settings.LIST_ROWS_COUNTED = 20
    world = {**world, "msl": msl, "area": TherapeuticAreaFactory()}
    api = token_client(msl)
    LIST_BUILDERS[url](world, 5)
    few = _count(api, url)

    LIST_BUILDERS[url](world, 35)
    with django_assert_max_num_queries(few):
        response = api.get(url)

    assert response.json()["count"] is None
