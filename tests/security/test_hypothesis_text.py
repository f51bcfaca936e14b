"""Arbitrary text into every place a user types free text: any Unicode (but lone surrogates,
which no request can carry as UTF-8), control characters such as NUL and vertical tab, HTML
and script fragments, and text longer than the compliance engine reads.

Whatever is typed, the answer is never a 500: the compliance engine refuses only with its
own errors, a NUL (which PostgreSQL cannot store) is refused with a form error, and what is
saved comes back as typed and is shown escaped.
"""

import datetime as dt
import re
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from compliance.engine import MAX_CHECKED_CHARS, ComplianceBlock, RuleRefusal, screen
from compliance.models import CheckedText, MatchKind, Severity, TermPurpose
from events.models import Event, InsightComment
from inquiries.models import MedicalInquiry
from interactions.models import Insight, Interaction
from kols.models import KOL
from tests.compliance.pages import inquiry_data, insight_data, log_data
from tests.factories import (
    InsightFactory,
    InsightTopicFactory,
    InteractionFactory,
    KOLFactory,
    RestrictedTermFactory,
)

pytestmark = pytest.mark.django_db

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FRAGMENTS = (
    "\x00",
    "\x0b",
    "\x1b[31m",
    "\r\n",
    "\u202e",
    "\ufeff",
    "\U0001d518\U0001d52b\U0001d526",  # astral-plane letters
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "</textarea><b>",
    "{{ request.user }}",
    "{% csrf_token %}",
    "&lt;&amp;",
    "' OR 1=1 --",
    "cure",
    "rash",
)
CHARACTERS = st.characters(exclude_categories=("Cs",))
TEXT = st.lists(
    st.one_of(st.text(alphabet=CHARACTERS, max_size=30), st.sampled_from(FRAGMENTS)),
    max_size=8,
).map("".join)
# Text that a form accepts: no NUL, and something left once the form strips whitespace.
LINES = re.compile(r"\r\n|\r|\n")


@contextmanager
def rolled_back():
    """Each example starts from the same database: what it saved is undone afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def as_saved(text: str) -> str:
    """What a Django form field keeps of the typed text: surrounding whitespace stripped."""
    return text.strip()


def assert_never_a_server_error(response) -> None:
    # The test client re-raises a view's exception; a status says how the app answered.
    assert response.status_code < 500


def assert_refused_or_saved(response, text: str) -> bool:
    """Refused with a message on the page (never a 500), or saved and redirected. A NUL is
    always refused: PostgreSQL cannot store it."""
    assert_never_a_server_error(response)
    if "\x00" in text:
        assert response.status_code in {200, 400}, "a NUL must be refused, not stored"
        assert "Null characters are not allowed." in response.content.decode()
        return False
    return response.status_code == 302


def assert_shown_escaped(response, text: str) -> None:
    """Every line of the stored text is on the page escaped (line breaks may become <br>),
    and none of its markup is there raw."""
    assert response.status_code == 200
    page = response.content.decode()
    for line in LINES.split(text):
        assert escape(line) in page, f"{line!r} is not shown escaped"
    for raw in ("<script>alert(1)", "<img src=x", "<svg onload"):
        if raw in text:
            assert raw not in page


@pytest.fixture
def kol(organisation):
    return KOLFactory(first_name="Maria", last_name="Alvarez", territory=organisation["boston"])


@pytest.fixture
def topic(db):
    return InsightTopicFactory(name="Outcomes", parent=InsightTopicFactory(name="Efficacy"))


@pytest.fixture
def rules(db):
    """A blocking word, a warning phrase, a pattern and an adverse-event word, on every text
    the engine reads."""
    everywhere = list(CheckedText.values)
    return [
        RestrictedTermFactory(pattern="cure", severity=Severity.BLOCK, fields=everywhere),
        RestrictedTermFactory(
            pattern="best in class",
            match_kind=MatchKind.PHRASE,
            severity=Severity.WARN,
            fields=everywhere,
        ),
        RestrictedTermFactory(
            pattern=r"\d+\s*%\s+(better|superior)",
            match_kind=MatchKind.PATTERN,
            severity=Severity.WARN,
            fields=everywhere,
        ),
        RestrictedTermFactory(pattern="rash", purpose=TermPurpose.ADVERSE_EVENT, fields=everywhere),
    ]


# The restricted-term engine


@FAST
@given(
    field=st.sampled_from(CheckedText.values),
    text=TEXT,
    acknowledged=st.booleans(),
    flagged=st.booleans(),
)
def test_screen_refuses_only_with_its_own_errors(rules, field, text, acknowledged, flagged):
    refusal = None
    try:
        hits = screen({field: text}, acknowledged=acknowledged, adverse_event_flagged=flagged)
    except (ComplianceBlock, RuleRefusal, ValidationError) as error:
        # Anything else (a regex error, a TypeError, a timeout) propagates and fails.
        refusal = error
    if refusal is not None:
        assert refusal.messages, "a refusal says why"
    else:
        assert all(hit.text == text and hit.matched for hit in hits)


@FAST
@given(
    field=st.sampled_from(CheckedText.values),
    char=st.sampled_from(["a", " ", "\x00", "é", "<", "\U0001d518"]),
    extra=st.integers(min_value=1, max_value=20_000),
)
def test_screen_refuses_text_beyond_its_limit_with_a_message(rules, field, char, extra):
    text = char * (MAX_CHECKED_CHARS + extra)

    with pytest.raises(ComplianceBlock) as refused:
        screen({field: text}, acknowledged=True)

    (messages,) = refused.value.message_dict.values()
    assert messages == [
        f"Keep this under {MAX_CHECKED_CHARS:,} characters: longer text cannot be checked "
        "against the compliance rules."
    ]


@FAST
@given(field=st.sampled_from(CheckedText.values), text=TEXT, long=st.booleans())
def test_the_live_check_answers_any_text(client, msl, rules, field, text, long):
    from compliance.engine import FORM_FIELD

    client.force_login(msl)
    typed = text + "x" * (MAX_CHECKED_CHARS + 10) if long else text

    response = client.post(
        "/compliance/check/",
        {"checked_field": field, FORM_FIELD[field]: typed},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    page = response.content.decode()
    for raw in ("<script>alert(1)", "<img src=x", "<svg onload", "</textarea><b>"):
        assert raw not in page


@FAST
@given(field=TEXT)
def test_the_live_check_refuses_an_unknown_field(client, msl, field):
    client.force_login(msl)

    response = client.post("/compliance/check/", {"checked_field": field, "notes": "x"})

    assert response.status_code in {200, 400}
    if field not in CheckedText.values:
        assert response.status_code == 400


# The main forms


@FAST
@given(first=TEXT, last=TEXT, specialty=TEXT)
@example(first="Ann\x00", last="Lee", specialty="Oncology")
@example(first="<b>Ann</b>", last="O'Brien\x0b<script>alert(1)</script>", specialty="Onc")
def test_kol_create_takes_any_text(client, msl, organisation, first, last, specialty):
    client.force_login(msl)
    data = {
        "first_name": first,
        "last_name": last,
        "specialty": specialty,
        "city": "Boston",
        "country": "US",
        "territory": organisation["boston"].pk,
        "tier": "2",
        "preferred_channel": "video",
        "consent_status": "unknown",
    }

    with rolled_back():
        response = client.post("/kols/new/", data)
        assert_never_a_server_error(response)
        if "\x00" in first + last + specialty:
            assert response.status_code == 200
            assert "Null characters are not allowed." in response.content.decode()
        if response.status_code == 302:
            kol = KOL.objects.get()
            assert (kol.first_name, kol.last_name, kol.specialty) == tuple(
                as_saved(value) for value in (first, last, specialty)
            )
            assert_shown_escaped(client.get(f"/kols/{kol.pk}/"), kol.last_name)
            assert_never_a_server_error(client.get("/kols/"))


@FAST
@given(query=TEXT)
@example(query="\x00")
def test_the_directory_search_takes_any_text(client, msl, kol, query):
    client.force_login(msl)

    response = client.get("/kols/", {"q": query})

    assert response.status_code in {200, 400}
    for raw in ("<script>alert(1)", "<img src=x", "<svg onload"):
        assert raw not in response.content.decode()


@FAST
@given(notes=TEXT, objectives=TEXT)
@example(notes="Dose\x00d", objectives="")
@example(notes="<img src=x onerror=alert(1)>\r\nline\x0b two", objectives="\u202e")
def test_interaction_create_takes_any_text(client, msl, kol, notes, objectives):
    client.force_login(msl)

    with rolled_back():
        response = client.post(
            "/interactions/new/", log_data(kol, notes=notes, objectives=objectives)
        )
        if assert_refused_or_saved(response, notes + objectives):
            interaction = Interaction.objects.get()
            assert interaction.notes == as_saved(notes)
            assert interaction.objectives == as_saved(objectives)
            page = client.get(f"/interactions/{interaction.pk}/")
            assert_shown_escaped(page, interaction.notes)
            assert_shown_escaped(page, interaction.objectives)


@FAST
@given(text=TEXT)
@example(text="x\x00")
@example(text="<script>alert(1)</script> \U0001d518")
def test_insight_add_takes_any_text(client, msl, kol, topic, text):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)

    with rolled_back():
        response = client.post(
            f"/interactions/{interaction.pk}/insights/", insight_data(kol, topic, text=text)
        )
        assert_never_a_server_error(response)
        saved = Insight.objects.filter(interaction=interaction).first()
        if "\x00" in text:
            assert saved is None, "a NUL must be refused, not stored"
        if saved is not None:
            assert saved.text == as_saved(text)
            assert_shown_escaped(client.get(f"/events/insights/{saved.pk}/"), saved.text)


@FAST
@given(question=TEXT, requested_by=TEXT)
@example(question="Dosing?\x00", requested_by="Dr A")
@example(question="<svg onload=alert(1)>?", requested_by='Dr "B"')
def test_inquiry_raise_takes_any_text(client, msl, kol, question, requested_by):
    client.force_login(msl)

    with rolled_back():
        response = client.post(
            "/inquiries/new/", inquiry_data(kol, question=question, requested_by=requested_by)
        )
        if assert_refused_or_saved(response, question + requested_by):
            inquiry = MedicalInquiry.objects.get()
            assert inquiry.question == as_saved(question)
            assert inquiry.requested_by == as_saved(requested_by)
            assert_shown_escaped(client.get(f"/inquiries/{inquiry.pk}/"), inquiry.question)


@FAST
@given(title=TEXT, description=TEXT, notes=TEXT)
@example(title="Board\x00", description="", notes="")
@example(title="<b>Board</b>", description="a\nb", notes="{{ request.user }}")
def test_event_create_takes_any_text(client, msl, title, description, notes):
    client.force_login(msl)
    starts = timezone.localdate() + dt.timedelta(days=3)
    data = {
        "title": title,
        "kind": "internal_meeting",
        "starts_on": starts.isoformat(),
        "ends_on": starts.isoformat(),
        "location": "",
        "description": description,
        "notes": notes,
    }

    with rolled_back():
        response = client.post("/events/new/", data)
        if assert_refused_or_saved(response, title + description + notes):
            event = Event.objects.get()
            assert (event.title, event.description, event.notes) == tuple(
                as_saved(value) for value in (title, description, notes)
            )
            page = client.get(f"/events/{event.pk}/")
            for value in (event.title, event.description, event.notes):
                assert_shown_escaped(page, value)


@FAST
@given(text=TEXT)
@example(text="\x00")
@example(text="</textarea><script>alert(1)</script>")
def test_comment_add_takes_any_text(client, msl, manager, kol, text):
    insight = InsightFactory(interaction=InteractionFactory(owner=msl, kols=[kol]), kol=kol)
    client.force_login(manager)

    with rolled_back():
        response = client.post(f"/events/insights/{insight.pk}/", {"text": text})
        assert_never_a_server_error(response)
        saved = InsightComment.objects.filter(insight=insight).first()
        if "\x00" in text:
            assert saved is None, "a NUL must be refused, not stored"
            assert "Null characters are not allowed." in response.content.decode()
        if saved is not None:
            assert saved.text == as_saved(text)
            assert_shown_escaped(client.get(f"/events/insights/{insight.pk}/"), saved.text)
