"""The KOL directory lists the KOLs the user may see, searchable, filterable, sortable and
paginated, at a cost in queries that does not grow with the number of KOLs."""

import pytest
from django.utils import timezone

from accounts.roles import Role
from kols.models import Tier
from tests.factories import (
    InstitutionFactory,
    KOLFactory,
    TeamFactory,
    TerritoryFactory,
    TherapeuticAreaFactory,
    UserFactory,
)
from tests.kols.pages import listed_ids, listed_names, text

pytestmark = pytest.mark.django_db

# Session, user, roles, count, page, two prefetches, the filter form's two choice lists, the
# adverse-event-training check of every page and
# one per column other apps add (interactions: last met): a fixed cost per page, whatever
# the number of KOLs, teams or territories.
QUERY_BUDGET = 11


@pytest.fixture
def kols(organisation):
    philadelphia = TerritoryFactory(name="Philadelphia", team=organisation["oncology"])
    return {
        "boston": KOLFactory(
            first_name="Maria", last_name="Alvarez", territory=organisation["boston"]
        ),
        "nyc": KOLFactory(first_name="James", last_name="Brennan", territory=organisation["nyc"]),
        "philadelphia": KOLFactory(first_name="Rosa", last_name="Carter", territory=philadelphia),
        "bay_area": KOLFactory(
            first_name="Paul", last_name="Dubois", territory=organisation["bay_area"]
        ),
        "nowhere": KOLFactory(first_name="Nina", last_name="Evans", territory=None),
    }


def directory(client, user, query=""):
    client.force_login(user)
    response = client.get(f"/kols/{query}")
    assert response.status_code == 200
    return response


def last_names(response):
    return [name.split()[1].rstrip(",") for name in listed_names(response)]


# Who sees whom.


def test_an_msl_lists_only_the_kols_in_their_territories(client, msl, kols):
    response = directory(client, msl)

    assert last_names(response) == ["Alvarez", "Brennan"]
    assert "Dubois" not in text(response)
    assert "Carter" not in text(response)


def test_an_msl_of_another_team_lists_only_their_own_territory(client, msl2, kols):
    assert last_names(directory(client, msl2)) == ["Dubois"]


def test_a_manager_lists_the_kols_of_their_teams_territories(client, manager, kols):
    assert last_names(directory(client, manager)) == ["Alvarez", "Brennan", "Carter"]


def test_compliance_lists_every_kol(client, compliance_user, kols):
    response = directory(client, compliance_user)

    assert last_names(response) == ["Alvarez", "Brennan", "Carter", "Dubois", "Evans"]


def test_an_erased_kol_is_listed_to_nobody(client, compliance_user, msl, kols):
    kols["boston"].erased_at = timezone.now()
    kols["boston"].save()

    assert "Alvarez" not in last_names(directory(client, compliance_user))
    assert last_names(directory(client, msl)) == ["Brennan"]


def test_a_viewer_may_not_open_the_directory(client, viewer, kols):
    client.force_login(viewer)

    response = client.get("/kols/")

    assert response.status_code == 403
    assert "Alvarez" not in text(response)


def test_medical_information_opens_the_directory_but_sees_no_kol(client, medinfo, kols):
    response = directory(client, medinfo)

    assert listed_ids(response) == []
    assert "No KOL matches" in text(response)


def test_an_anonymous_visitor_is_sent_to_sign_in(client, kols):
    response = client.get("/kols/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/kols/"


def test_only_roles_that_may_edit_see_the_add_button(client, msl, compliance_user, kols):
    assert 'href="/kols/new/"' in directory(client, msl).content.decode()
    assert 'href="/kols/new/"' not in directory(client, compliance_user).content.decode()


# Search.


@pytest.fixture
def searchable(organisation):
    dana = InstitutionFactory(name="Dana-Farber Cancer Institute", city="Boston")
    general = InstitutionFactory(name="Massachusetts General Hospital", city="Boston")
    sinai = InstitutionFactory(name="Mount Sinai", city="New York")
    KOLFactory(
        first_name="Maria",
        last_name="Alvarez",
        specialty="Hematology",
        institution=dana,
        city="Boston",
        territory=organisation["boston"],
        interests=["CAR-T", "lymphoma"],
    )
    KOLFactory(
        first_name="James",
        last_name="Brennan",
        specialty="Medical oncology",
        institution=general,
        city="Cambridge",
        territory=organisation["boston"],
        interests=["biomarkers"],
    )
    KOLFactory(
        first_name="Li",
        last_name="Castillo",
        specialty="Cardiology",
        institution=sinai,
        city="New York",
        territory=organisation["nyc"],
        interests=["heart failure"],
    )
    # Matches most searches, but sits in another team's territory.
    KOLFactory(
        first_name="Maria",
        last_name="Dubois",
        specialty="Hematology",
        institution=dana,
        city="Boston",
        territory=organisation["bay_area"],
        interests=["CAR-T", "biomarkers"],
    )


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("alvarez", ["Alvarez"]),
        ("MARIA", ["Alvarez"]),
        ("hematology", ["Alvarez"]),
        ("oncology", ["Brennan"]),
        ("General Hospital", ["Brennan"]),
        ("sinai", ["Castillo"]),
        ("cambridge", ["Brennan"]),
        ("new york", ["Castillo"]),
        ("car-t", ["Alvarez"]),
        ("biomark", ["Brennan"]),
        ("heart failure", ["Castillo"]),
        ("zebra", []),
    ],
    ids=[
        "last-name",
        "first-name",
        "specialty",
        "specialty-part",
        "institution",
        "institution-part",
        "city",
        "two-word-city",
        "interest",
        "interest-part",
        "two-word-interest",
        "nothing",
    ],
)
def test_search_finds_kols_by_name_specialty_institution_city_or_interest(
    client, msl, searchable, search, expected
):
    response = directory(client, msl, f"?q={search}")

    assert last_names(response) == expected
    assert "Dubois" not in text(response)


def test_every_word_of_a_search_must_match(client, msl, searchable):
    # "maria" matches only Alvarez and "biomarkers" only Brennan: no KOL matches both.
    assert last_names(directory(client, msl, "?q=maria+biomarkers")) == []
    # Each word may match a different field of the same KOL.
    assert last_names(directory(client, msl, "?q=lymphoma+dana")) == ["Alvarez"]
    assert last_names(directory(client, msl, "?q=medical+cambridge")) == ["Brennan"]


def test_a_kol_with_several_matching_interests_is_listed_once(client, compliance_user, searchable):
    response = directory(client, compliance_user, "?q=maria")

    assert last_names(response) == ["Alvarez", "Dubois"]


# Filters.


def test_the_tier_filter_lists_only_that_tier(client, msl, organisation):
    KOLFactory(last_name="Adams", tier=Tier.TIER_1, territory=organisation["boston"])
    KOLFactory(last_name="Baker", tier=Tier.TIER_2, territory=organisation["boston"])
    KOLFactory(last_name="Clark", tier=Tier.TIER_1, territory=organisation["nyc"])
    KOLFactory(last_name="Foreign", tier=Tier.TIER_1, territory=organisation["bay_area"])

    assert last_names(directory(client, msl, "?tier=1")) == ["Adams", "Clark"]
    assert last_names(directory(client, msl, "?tier=2")) == ["Baker"]


def test_the_therapeutic_area_filter_lists_only_kols_in_that_area(client, msl, organisation):
    oncology = TherapeuticAreaFactory(name="Oncology")
    immunology = TherapeuticAreaFactory(name="Immunology")
    boston = organisation["boston"]
    KOLFactory(last_name="Adams", territory=boston, therapeutic_areas=[oncology])
    KOLFactory(last_name="Baker", territory=boston, therapeutic_areas=[immunology])
    KOLFactory(last_name="Clark", territory=boston, therapeutic_areas=[oncology, immunology])
    KOLFactory(
        last_name="Foreign", territory=organisation["bay_area"], therapeutic_areas=[oncology]
    )

    assert last_names(directory(client, msl, f"?therapeutic_area={oncology.pk}")) == [
        "Adams",
        "Clark",
    ]


def test_the_territory_filter_lists_only_that_territory(client, msl, kols, organisation):
    response = directory(client, msl, f"?territory={organisation['nyc'].pk}")

    assert last_names(response) == ["Brennan"]


def test_the_territory_filter_offers_only_the_users_territories(client, msl, kols):
    page = text(directory(client, msl))

    assert ">Boston (" in page
    assert ">New York (" in page
    assert "Bay Area" not in page
    assert "Philadelphia" not in page


@pytest.mark.parametrize("persona", ["msl", "manager"])
def test_a_territory_outside_the_users_scope_never_shows_its_kols(
    client, request, kols, organisation, persona
):
    user = request.getfixturevalue(persona)

    response = directory(client, user, f"?territory={organisation['bay_area'].pk}")

    assert kols["bay_area"].pk not in listed_ids(response)
    assert "Dubois" not in text(response)
    assert f'href="/kols/{kols["bay_area"].pk}/"' not in response.content.decode()


def test_an_invalid_filter_shows_its_error_and_keeps_the_search(client, msl, kols, organisation):
    query = f"?q=Alvarez&territory={organisation['bay_area'].pk}"

    response = directory(client, msl, query)

    assert listed_ids(response) == [kols["boston"].pk]
    assert "Select a valid choice" in text(response)


def test_compliance_may_filter_on_any_territory(client, compliance_user, kols, organisation):
    response = directory(client, compliance_user, f"?territory={organisation['bay_area'].pk}")

    assert last_names(response) == ["Dubois"]


def test_filters_combine_with_search(client, msl, organisation):
    KOLFactory(last_name="Adams", specialty="Hematology", tier=1, territory=organisation["boston"])
    KOLFactory(last_name="Baker", specialty="Hematology", tier=2, territory=organisation["boston"])
    KOLFactory(last_name="Clark", specialty="Cardiology", tier=1, territory=organisation["nyc"])

    response = directory(client, msl, "?q=hematology&tier=1")

    assert last_names(response) == ["Adams"]


# Sorting.


@pytest.fixture
def tiered(organisation):
    KOLFactory(last_name="Adams", tier=Tier.TIER_3, territory=organisation["boston"])
    KOLFactory(last_name="Baker", tier=Tier.TIER_1, territory=organisation["nyc"])
    KOLFactory(last_name="Clark", tier=Tier.TIER_2, territory=organisation["boston"])


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Adams", "Baker", "Clark"]),
        ("?sort=name", ["Adams", "Baker", "Clark"]),
        ("?sort=-name", ["Clark", "Baker", "Adams"]),
        ("?sort=tier", ["Baker", "Clark", "Adams"]),
        ("?sort=-tier", ["Adams", "Clark", "Baker"]),
    ],
    ids=["default", "name", "name-descending", "tier", "tier-descending"],
)
def test_the_directory_sorts_by_name_or_tier(client, msl, tiered, sort, expected):
    assert last_names(directory(client, msl, sort)) == expected


def test_search_results_are_sorted_by_name_whatever_its_case(client, msl, organisation):
    for first, last in [("Zoe", "Xu"), ("Amy", "xu"), ("Bo", "Xuan"), ("Al", "Xavier")]:
        KOLFactory(first_name=first, last_name=last, territory=organisation["boston"])

    assert last_names(directory(client, msl, "?q=xu")) == ["xu", "Xu", "Xuan"]
    assert last_names(directory(client, msl, "?q=xu&sort=-name")) == ["Xuan", "Xu", "xu"]


# Pagination.


@pytest.fixture
def thirty_kols(organisation):
    return [
        KOLFactory(
            last_name=f"Kol{n:02d}", tier=1 if n % 2 else 2, territory=organisation["boston"]
        )
        for n in range(30)
    ]


def test_the_directory_shows_25_kols_a_page(client, msl, thirty_kols):
    response = directory(client, msl)

    assert len(listed_ids(response)) == 25
    assert last_names(response) == [f"Kol{n:02d}" for n in range(25)]
    assert "30 KOLs" in text(response)
    assert "Page 1 of 2" in text(response)


def test_the_second_page_lists_the_rest(client, msl, thirty_kols):
    first = listed_ids(directory(client, msl))
    second = listed_ids(directory(client, msl, "?page=2"))

    assert len(second) == 5
    assert not set(first) & set(second)
    assert set(first) | set(second) == {kol.pk for kol in thirty_kols}


@pytest.mark.parametrize("page", ["99", "3", "-1"])
def test_a_page_out_of_range_shows_the_last_page(client, msl, thirty_kols, page):
    response = directory(client, msl, f"?page={page}")

    assert last_names(response) == [f"Kol{n:02d}" for n in range(25, 30)]
    assert "Page 2 of 2" in text(response)


@pytest.mark.parametrize("page", ["junk", "", "1.5", "%00"])
def test_a_junk_page_number_shows_the_first_page(client, msl, thirty_kols, page):
    response = directory(client, msl, f"?page={page}")

    assert last_names(response) == [f"Kol{n:02d}" for n in range(25)]


def test_page_links_keep_the_search_and_filters(client, msl, organisation):
    for n in range(30):
        KOLFactory(last_name=f"Kol{n:02d}", tier=1, territory=organisation["boston"])

    response = directory(client, msl, "?tier=1&sort=name")

    assert 'href="?tier=1&amp;sort=name&amp;page=2"' in response.content.decode()


# htmx.


def test_an_htmx_request_gets_only_the_results(client, msl, kols):
    client.force_login(msl)

    response = client.get("/kols/?q=alvarez", headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "<form" not in body
    assert last_names(response) == ["Alvarez"]


def test_a_plain_request_gets_the_whole_page(client, msl, kols):
    body = directory(client, msl, "?q=alvarez").content.decode()

    assert "<html" in body
    assert 'role="search"' in body


# Cost.


def make_kols(count, territories, areas):
    for n in range(count):
        KOLFactory(
            territory=territories[n % len(territories)],
            therapeutic_areas=areas,
            interests=[f"interest {n}", f"interest {n + 1}"],
        )


@pytest.mark.parametrize(
    "query", ["", "?q=oncology&tier=3&sort=tier", "?q=in", "?q=in&sort=-name", "?page=2"]
)
def test_the_directory_costs_the_same_queries_for_5_or_60_kols(
    client, msl, organisation, django_assert_max_num_queries, query
):
    territories = [organisation["boston"], organisation["nyc"], organisation["bay_area"]]
    areas = [TherapeuticAreaFactory(name="Oncology"), TherapeuticAreaFactory(name="Hematology")]
    client.force_login(msl)

    make_kols(5, territories, areas)
    with django_assert_max_num_queries(QUERY_BUDGET) as few:
        assert client.get(f"/kols/{query}").status_code == 200
    make_kols(55, territories, areas)
    with django_assert_max_num_queries(QUERY_BUDGET) as many:
        response = client.get(f"/kols/{query}")

    assert response.status_code == 200
    assert listed_ids(response)
    assert len(many) == len(few)


def test_managers_with_many_teams_and_territories_cost_no_more(
    client, django_assert_max_num_queries, organisation
):
    manager = UserFactory(username="bigmanager", roles=[Role.MANAGER])
    for _ in range(6):
        team = TeamFactory(manager=manager)
        make_kols(3, [TerritoryFactory(team=team), TerritoryFactory(team=team)], [])
    client.force_login(manager)

    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get("/kols/")

    assert len(listed_ids(response)) == 18


def test_the_back_button_gets_the_whole_page_and_caches_keep_the_two_apart(client, msl, kols):
    client.force_login(msl)

    partial = client.get("/kols/?q=Alvarez", HTTP_HX_REQUEST="true")
    restore = client.get(
        "/kols/?q=Alvarez", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert b"<html" not in partial.content
    assert b"<html" in restore.content
    assert "HX-Request" in partial["Vary"]


@pytest.fixture
def last_contact_column():
    """A column as the interactions app will register one: one query per page."""
    from kols.directory import (
        DirectoryColumn,
        register_directory_column,
        unregister_directory_column,
    )
    from kols.models import KOL

    def load_page(kols, user):
        stamps = KOL.objects.filter(pk__in=[kol.pk for kol in kols]).values_list("pk", "city")
        return {pk: f"seen in {city}" for pk, city in stamps}

    register_directory_column(DirectoryColumn("last_contact", "Last contact", 10, load_page))
    yield
    unregister_directory_column("last_contact")


def test_other_apps_add_columns_loaded_once_per_page(
    client, msl, organisation, last_contact_column, django_assert_max_num_queries
):
    for _ in range(30):
        KOLFactory(territory=organisation["boston"])
    client.force_login(msl)

    with django_assert_max_num_queries(QUERY_BUDGET + 1):
        response = client.get("/kols/")

    page = response.content.decode()
    assert '<th scope="col" data-column="last_contact">Last contact</th>' in page
    assert page.count("<td>seen in ") == 25
