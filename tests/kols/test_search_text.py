"""The directory searches one column kept up to date with every change of what it may match:
the KOL's own fields, their institution's name and their interests."""

import pytest
from django.db import connection

from kols.models import KOL, Interest
from kols.selectors import kol_search
from kols.services import kol_erase, kol_update
from tests.factories import InstitutionFactory, KOLFactory

pytestmark = pytest.mark.django_db


def found(text):
    return sorted(kol_search(KOL.objects.all(), text).values_list("last_name", flat=True))


@pytest.fixture
def alvarez():
    institution = InstitutionFactory(name="Dana-Farber Cancer Institute")
    return KOLFactory(
        first_name="Maria",
        last_name="Alvarez",
        specialty="Hematology",
        city="Boston",
        institution=institution,
        interests=["CAR-T"],
    )


def test_a_renamed_institution_is_found_by_its_new_name(alvarez):
    alvarez.institution.name = "Brigham Research Institute"
    alvarez.institution.save()

    assert found("brigham") == ["Alvarez"]
    assert found("farber") == []


def test_interests_added_removed_or_renamed_are_found_or_forgotten(alvarez, admin_user):
    kol_update(actor=admin_user, kol=alvarez, interests=["lymphoma"])
    assert found("lymphoma") == ["Alvarez"]
    assert found("car-t") == []

    interest = Interest.objects.get(name="lymphoma")
    interest.name = "Follicular lymphoma"
    interest.save()
    assert found("follicular") == ["Alvarez"]

    interest.kols.remove(alvarez)
    assert found("lymphoma") == []
    interest.kols.add(alvarez)
    assert found("lymphoma") == ["Alvarez"]
    interest.kols.clear()
    assert found("lymphoma") == []


def test_an_edited_name_is_found_and_an_erased_kol_is_not(alvarez, admin_user):
    kol_update(actor=admin_user, kol=alvarez, last_name="Alvarez-Ruiz")
    assert found("ruiz") == ["Alvarez-Ruiz"]

    kol_erase(actor=admin_user, kol=alvarez, reason="The HCP asked to be forgotten.")
    assert found("maria") == []
    assert found("ruiz") == []


def test_words_are_matched_in_any_case_but_not_across_two_fields(alvarez):
    assert found("HEMATOLOGY boston") == ["Alvarez"]
    # "Boston" ends one part and "Dana" starts the next: no word spans the two.
    assert found("bostondana") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_postgresql_answers_a_search_from_the_trigram_index(alvarez):
    sql, params = kol_search(KOL.objects.order_by(), "farber").query.sql_with_params()
    with connection.cursor() as cursor:
        # On a handful of rows any plan will do; with scans and plain index scans ruled
        # out, what remains is a bitmap scan of an index that can answer LIKE '%…%'.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "kol_search_trgm" in plan
