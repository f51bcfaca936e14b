"""Admins write the patterns, so a pattern may be slow: the admin refuses one that
backtracks catastrophically, is not a regular expression or matches empty text, and a slow
pattern that reached the database anyway never hangs a save."""

import logging
import time

import pytest
from django.contrib.contenttypes.models import ContentType

from compliance.models import AuditEntry, RestrictedTerm, Severity, Violation
from interactions.models import Interaction
from tests.compliance.pages import log_data
from tests.factories import KOLFactory, RestrictedTermFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/compliance/restrictedterm/add/"
TOO_SLOW = "The pattern takes too long on some texts"
# Generous: the engine gives each pattern 50 ms; the rest is the request itself.
SAVE_BOUND_SECONDS = 2.0


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"])


def term_form(**changes) -> dict:
    data = {
        "pattern": r"\bcur(e|es|ing)\b",
        "match_kind": "pattern",
        "fields": ["interaction_notes", "insight_text"],
        "severity": "block",
        "purpose": "restricted",
        "explanation": "Claims of a cure are promotional.",
        "suggestion": "improved outcomes",
        "is_active": "on",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("pattern", [r"(x+x+)+y", r"(a|aa)+$", r"(a+)+$"])
def test_a_catastrophic_pattern_is_refused_in_the_admin(client, admin_user, pattern):
    client.force_login(admin_user)

    started = time.monotonic()
    response = client.post(ADD_URL, term_form(pattern=pattern))
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert TOO_SLOW in response.content.decode()
    assert not RestrictedTerm.objects.exists()
    assert elapsed < SAVE_BOUND_SECONDS, "the check itself is bounded too"


def test_an_invalid_regular_expression_is_refused(client, admin_user):
    client.force_login(admin_user)

    response = client.post(ADD_URL, term_form(pattern="(abc"))

    assert response.status_code == 200
    assert "Not a valid regular expression" in response.content.decode()
    assert not RestrictedTerm.objects.exists()


@pytest.mark.parametrize("pattern", ["a*", r"\s*", "(x)?"])
def test_a_pattern_that_matches_empty_text_is_refused(client, admin_user, pattern):
    client.force_login(admin_user)

    response = client.post(ADD_URL, term_form(pattern=pattern))

    assert response.status_code == 200
    assert "The pattern matches empty text" in response.content.decode()
    assert not RestrictedTerm.objects.exists()


def test_a_term_must_read_at_least_one_field(client, admin_user):
    client.force_login(admin_user)

    response = client.post(ADD_URL, term_form(fields=[]))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not RestrictedTerm.objects.exists()


def test_a_word_with_regex_characters_is_taken_literally(client, admin_user):
    client.force_login(admin_user)

    response = client.post(ADD_URL, term_form(pattern="(a+)+", match_kind="word"))

    assert response.status_code == 302
    assert RestrictedTerm.objects.get().pattern == "(a+)+"


def test_a_valid_pattern_is_saved_and_audited(client, admin_user):
    client.force_login(admin_user)

    response = client.post(ADD_URL, term_form())

    assert response.status_code == 302
    term = RestrictedTerm.objects.get()
    assert term.pattern == r"\bcur(e|es|ing)\b"
    assert term.fields == ["interaction_notes", "insight_text"]
    assert term.severity == Severity.BLOCK
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(RestrictedTerm), object_id=str(term.pk)
    )
    assert entry.action == "create"
    assert entry.actor_user_id == admin_user.pk
    assert entry.changes["pattern"]["after"] == r"\bcur(e|es|ing)\b"


def test_changing_a_term_in_the_admin_is_validated_and_audited(client, admin_user):
    term = RestrictedTermFactory(pattern="cure", match_kind="word")
    client.force_login(admin_user)
    url = f"/admin/compliance/restrictedterm/{term.pk}/change/"

    refused = client.post(url, term_form(pattern=r"(x+x+)+y"))
    changed = client.post(url, term_form(pattern=r"\bmiracle\b"))

    assert TOO_SLOW in refused.content.decode()
    assert changed.status_code == 302
    assert RestrictedTerm.objects.get().pattern == r"\bmiracle\b"
    entry = AuditEntry.objects.get(action="update", object_id=str(term.pk))
    assert entry.changes["pattern"] == {"before": "cure", "after": r"\bmiracle\b"}


def test_a_slow_blocking_pattern_forced_into_the_database_refuses_quickly(client, msl, kol, caplog):
    """Waving the text through would let blocked wording through: the save is refused, fast,
    with a message that says what to do."""
    RestrictedTerm.objects.create(
        pattern=r"(x+x+)+y",
        match_kind="pattern",
        fields=["interaction_notes"],
        severity=Severity.BLOCK,
        explanation="Slow on purpose.",
    )
    client.force_login(msl)

    with caplog.at_level(logging.WARNING, logger="compliance.engine"):
        started = time.monotonic()
        response = client.post("/interactions/new/", log_data(kol, notes="x" * 3000))
        elapsed = time.monotonic() - started

    assert elapsed < SAVE_BOUND_SECONDS
    assert response.status_code == 200
    assert "could not be checked against the compliance rules in time" in response.content.decode()
    assert not Interaction.objects.exists()
    assert "timed out; skipped" in caplog.text


def test_a_slow_warning_pattern_is_skipped_and_the_save_goes_through(client, msl, kol):
    RestrictedTerm.objects.create(
        pattern=r"(x+x+)+y",
        match_kind="pattern",
        fields=["interaction_notes"],
        severity=Severity.WARN,
        explanation="Slow on purpose.",
    )
    client.force_login(msl)

    started = time.monotonic()
    response = client.post("/interactions/new/", log_data(kol, notes="x" * 3000))

    assert time.monotonic() - started < SAVE_BOUND_SECONDS
    assert response.status_code == 302
    assert Interaction.objects.get().notes == "x" * 3000
    assert not Violation.objects.exists()


def test_a_slow_pattern_does_not_stop_other_terms_from_firing(client, msl, kol):
    RestrictedTerm.objects.create(
        pattern=r"(x+x+)+y",
        match_kind="pattern",
        fields=["interaction_notes"],
        severity=Severity.BLOCK,
        explanation="Slow on purpose.",
    )
    RestrictedTermFactory(pattern="cure", severity=Severity.BLOCK)
    client.force_login(msl)

    started = time.monotonic()
    response = client.post("/interactions/new/", log_data(kol, notes="x" * 3000 + " a cure"))
    elapsed = time.monotonic() - started

    assert elapsed < SAVE_BOUND_SECONDS
    assert response.status_code == 200
    assert "<mark>cure</mark>" in response.content.decode()
    assert not Interaction.objects.exists()


def test_a_slow_pattern_does_not_hang_the_live_check(client, msl):
    RestrictedTerm.objects.create(
        pattern=r"(a|aa)+$",
        match_kind="pattern",
        fields=["interaction_notes"],
        severity=Severity.BLOCK,
        explanation="Slow on purpose.",
    )
    client.force_login(msl)

    started = time.monotonic()
    response = client.post(
        "/compliance/check/", {"checked_field": "interaction_notes", "notes": "a" * 3000 + "!"}
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed < SAVE_BOUND_SECONDS


def test_notes_too_long_to_check_are_refused_with_the_limit(client, msl, kol):
    client.force_login(msl)

    response = client.post("/interactions/new/", log_data(kol, notes="word " * 5000))

    assert "Keep this under 20,000 characters" in response.content.decode()
    assert not Interaction.objects.exists()
