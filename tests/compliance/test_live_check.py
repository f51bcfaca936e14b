"""The live check: while the user types, the engine says what it would say on save, without
recording anything."""

import pytest

from compliance.models import CheckedText, Severity, TermPurpose, Violation
from tests.factories import InteractionFactory, KOLFactory, RestrictedTermFactory

pytestmark = pytest.mark.django_db

CHECK_URL = "/compliance/check/"


@pytest.fixture
def cure(db):
    return RestrictedTermFactory(
        pattern="cure",
        severity=Severity.BLOCK,
        explanation="Claims of a cure are promotional.",
        suggestion="improved outcomes",
    )


def test_the_check_shows_the_hit_and_records_nothing(client, msl, cure):
    client.force_login(msl)

    response = client.post(
        CHECK_URL,
        {"checked_field": "interaction_notes", "notes": "Will it cure my patients?"},
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page, "a fragment for htmx, not a page"
    assert 'data-testid="live-check"' in page
    assert "<mark>cure</mark>" in page
    assert "Claims of a cure are promotional." in page
    assert "Suggested wording: <em>improved outcomes</em>" in page
    assert "Not allowed" in page
    assert not Violation.objects.exists()


def test_clean_text_gives_an_empty_answer(client, msl, cure):
    client.force_login(msl)

    response = client.post(
        CHECK_URL, {"checked_field": "interaction_notes", "notes": "A secure portal."}
    )

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_a_warning_and_an_adverse_event_are_labelled_apart(client, msl):
    RestrictedTermFactory(pattern="best in class", match_kind="phrase", severity=Severity.WARN)
    RestrictedTermFactory(pattern="rash", purpose=TermPurpose.ADVERSE_EVENT)
    client.force_login(msl)

    response = client.post(
        CHECK_URL,
        {"checked_field": "interaction_notes", "notes": "Best in class, though one rash."},
    )

    page = response.content.decode()
    assert "Check wording" in page
    assert "Possible adverse event" in page
    assert "<mark>Best in class</mark>" in page
    assert "<mark>rash</mark>" in page


def test_the_check_reads_the_field_it_is_asked_about(client, msl):
    RestrictedTermFactory(pattern="miracle", fields=[CheckedText.INSIGHT_TEXT])
    client.force_login(msl)

    on_insight = client.post(
        CHECK_URL, {"checked_field": "insight_text", "text": "A miracle drug, he said."}
    )
    on_notes = client.post(
        CHECK_URL, {"checked_field": "interaction_notes", "notes": "A miracle drug, he said."}
    )

    assert "<mark>miracle</mark>" in on_insight.content.decode()
    assert 'data-testid="live-check"' not in on_notes.content.decode()


@pytest.mark.parametrize("checked_field", ["", "objectives", "notes"])
def test_an_unknown_field_is_a_bad_request(client, msl, cure, checked_field):
    client.force_login(msl)

    response = client.post(CHECK_URL, {"checked_field": checked_field, "notes": "cure"})

    assert response.status_code == 400
    assert not Violation.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, cure):
    response = client.post(CHECK_URL, {"checked_field": "interaction_notes", "notes": "cure"})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_check_only_answers_posts(client, msl):
    client.force_login(msl)

    assert client.get(CHECK_URL).status_code == 405


def test_the_notes_on_the_interaction_form_ask_the_check(client, msl):
    client.force_login(msl)

    page = client.get("/interactions/new/").content.decode()

    textarea = page[page.index('<textarea name="notes"') :]
    textarea = textarea[: textarea.index(">")]
    assert 'hx-post="/compliance/check/"' in textarea
    assert "interaction_notes" in textarea
    assert 'class="compliance-check"' in page


def test_the_insight_text_on_the_interaction_page_asks_the_check(client, msl, organisation):
    interaction = InteractionFactory(owner=msl, kols=[KOLFactory(territory=organisation["boston"])])
    client.force_login(msl)

    page = client.get(f"/interactions/{interaction.pk}/").content.decode()

    textarea = page[page.index('<textarea name="text"') :]
    textarea = textarea[: textarea.index(">")]
    assert 'hx-post="/compliance/check/"' in textarea
    assert "insight_text" in textarea
