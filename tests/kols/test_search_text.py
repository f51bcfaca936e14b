"""The directory searches one column kept up to date with every change of what it may match:
the KOL's own fields, their institution's name and their interests."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from kols.models import KOL, Interest
from kols.search import kol_search_text
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


def test_a_word_of_one_or_two_letters_matches_where_a_word_starts():
    KOLFactory(first_name="Wei", last_name="Xu", city="Boston")
    KOLFactory(first_name="Dana", last_name="Maxum", city="Boston")
    KOLFactory(first_name="Oskar", last_name="Lindqvist", city="Oxford")

    assert found("xu") == ["Xu"]
    assert found("xum") == ["Maxum"]
    assert found("ox") == ["Lindqvist"]
    assert found("ox boston") == []


def test_the_migration_rewrites_every_stored_text_as_the_app_writes_it(alvarez):
    KOL.objects.filter(pk=alvarez.pk).update(
        search_text="MARIA\nALVAREZ\nHEMATOLOGY\nBOSTON\nDANA-FARBER CANCER INSTITUTE\nCAR-T"
    )
    migration = importlib.import_module("kols.migrations.0006_search_text_word_starts")
    migration.separate_every_word(apps, connection.schema_editor())

    alvarez.refresh_from_db()
    assert alvarez.search_text == kol_search_text(alvarez)
    assert alvarez.search_text == (
        "\nMARIA\nALVAREZ\nHEMATOLOGY\nBOSTON\nDANA-FARBER\nFARBER\nCANCER\nINSTITUTE\nCAR-T\nT"
    )


def test_the_part_after_a_hyphen_or_an_apostrophe_starts_a_word(alvarez):
    KOLFactory(first_name="Liam", last_name="O'Brien", city="Denver")
    KOLFactory(first_name="Wei", last_name="Smith-Xu", city="Denver")

    assert found("fa") == ["Alvarez"]
    assert found("br") == ["O'Brien"]
    assert found("xu") == ["Smith-Xu"]
    assert found("o'b") == ["O'Brien"]


def postgresql_plan(text: str) -> str:
    sql, params = kol_search(KOL.objects.order_by(), text).query.sql_with_params()
    with connection.cursor() as cursor:
        # On a handful of rows any plan will do; with scans and plain index scans ruled
        # out, what remains is a bitmap scan of an index that can answer LIKE '%…%'.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_postgresql_answers_a_search_from_the_trigram_index(alvarez):
    assert "kol_search_trgm" in postgresql_plan("farber")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_the_trigram_index_finds_only_candidates_for_a_two_letter_word(alvarez):
    KOLFactory(first_name="Wei", last_name="Xu")
    KOLFactory(first_name="Dana", last_name="Maxum")

    plan = postgresql_plan("xu")

    assert "kol_search_trgm" in plan
    # Looked up anywhere in a word, two letters have no trigram: the index would hand
    # over every KOL for the table to test.
    assert "Rows Removed by Index Recheck" not in plan
