"""Stored XSS: every free-text field a user types and the product shows back is saved through
the real page (or, where a page only drives a service, the service) with a script and an
event-handler payload, and every page that shows it carries the escaped text, never the tag.

The `@mention` e-mail is plain text: it may carry the author's name as typed, but never the
comment, and it has no HTML part a mail client could run.
"""

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from events.models import Event, Expense, LearningRecord, Trip
from inquiries.models import MedicalInquiry
from interactions.models import FollowUp, Insight, Interaction, InteractionStatus
from kols.models import KOL, EngagementPlan
from literature.models import WatchTopic
from tests.compliance.pages import inquiry_data, insight_data, log_data
from tests.factories import (
    EventFactory,
    InsightFactory,
    InsightTopicFactory,
    InteractionFactory,
    KOLFactory,
    TripFactory,
    UserFactory,
)
from tests.inquiries.workflow import bring_to, raise_inquiry

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>\"'"
ESCAPED = escape(PAYLOAD)
# What must never reach a page unescaped.
RAW_MARKERS = ("<script>alert(1)", "<img src=x", "onerror=alert(1)>")


def assert_escaped(response, *, where: str, full: bool = True) -> None:
    """The page shows the payload as text: escaped in full (or at least its script tag, where
    a list shortens long text) and never as markup."""
    assert response.status_code == 200, f"{where}: {response.status_code}"
    page = response.content.decode()
    for marker in RAW_MARKERS:
        # `onerror=alert(1)>` is only dangerous inside a raw tag; escaped, the `>` is `&gt;`.
        assert marker not in page, f"{where} shows the raw {marker!r}"
    if full:
        assert ESCAPED in page, f"{where} does not show the escaped text"
    else:
        assert escape("<script>alert(1)</script>") in page, f"{where} does not show the text"


@pytest.fixture
def kol(organisation):
    return KOLFactory(first_name="Maria", last_name="Alvarez", territory=organisation["boston"])


@pytest.fixture
def topic(db):
    return InsightTopicFactory(name="Outcomes", parent=InsightTopicFactory(name="Efficacy"))


@pytest.fixture
def interaction(msl, kol):
    return InteractionFactory(owner=msl, kols=[kol])


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


# KOLs


def test_kol_names_are_escaped_on_the_directory_and_the_briefing(client, msl, organisation):
    client.force_login(msl)

    response = client.post(
        "/kols/new/",
        {
            "first_name": PAYLOAD,
            "last_name": PAYLOAD,
            "credentials": "",
            "specialty": PAYLOAD,
            "npi": "",
            "email": "",
            "phone": "",
            "city": PAYLOAD,
            "country": "US",
            "territory": organisation["boston"].pk,
            "interests_text": PAYLOAD.replace(",", " "),
            "tier": "1",
            "preferred_channel": "video",
            "consent_status": "unknown",
            "consent_source": "",
        },
    )

    kol = KOL.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (kol.first_name, kol.last_name, kol.specialty) == (PAYLOAD, PAYLOAD, PAYLOAD)
    assert_escaped(client.get("/kols/"), where="the KOL directory")
    assert_escaped(client.get("/kols/", {"q": "alert"}), where="the searched directory")
    assert_escaped(client.get(f"/kols/{kol.pk}/"), where="the KOL briefing")
    assert_escaped(client.get(f"/kols/{kol.pk}/edit/"), where="the KOL edit form")


def test_kol_names_are_escaped_where_other_pages_name_the_kol(client, msl, organisation):
    kol = KOLFactory(first_name=PAYLOAD, last_name=PAYLOAD, territory=organisation["boston"])
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)

    assert_escaped(client.get(f"/interactions/{interaction.pk}/"), where="the interaction")
    assert_escaped(client.get("/interactions/"), where="the interaction list", full=False)
    assert_escaped(client.get("/interactions/new/"), where="the KOL picker", full=False)
    assert_escaped(client.get("/today/"), where="today", full=False)


def test_engagement_plan_objectives_are_escaped(client, msl, kol):
    client.force_login(msl)

    response = client.post(
        f"/kols/{kol.pk}/plans/new/",
        {
            "year": timezone.localdate().year,
            "status": "active",
            "planned_touchpoints": "4",
            "objectives": PAYLOAD,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert EngagementPlan.objects.get().objectives == PAYLOAD
    assert_escaped(client.get(f"/kols/{kol.pk}/"), where="the KOL briefing's plan")


# Interactions, insights, follow-ups


def test_interaction_notes_and_objectives_are_escaped(client, msl, kol):
    client.force_login(msl)

    response = client.post("/interactions/new/", log_data(kol, notes=PAYLOAD, objectives=PAYLOAD))

    interaction = Interaction.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (interaction.notes, interaction.objectives) == (PAYLOAD, PAYLOAD)
    assert_escaped(client.get(f"/interactions/{interaction.pk}/"), where="the interaction")
    assert_escaped(client.get(f"/interactions/{interaction.pk}/edit/"), where="the edit form")


def test_amended_notes_are_escaped(client, msl, kol):
    interaction = InteractionFactory(
        owner=msl,
        kols=[kol],
        status=InteractionStatus.LOCKED,
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    client.force_login(msl)

    response = client.post(
        f"/interactions/{interaction.pk}/amend/",
        {"duration_minutes": "45", "location": PAYLOAD, "notes": PAYLOAD, "reason": PAYLOAD},
    )

    interaction.refresh_from_db()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert interaction.notes == PAYLOAD
    assert_escaped(client.get(f"/interactions/{interaction.pk}/"), where="the amended record")


def test_insight_text_is_escaped(client, msl, manager, kol, interaction, topic):
    client.force_login(msl)

    response = client.post(
        f"/interactions/{interaction.pk}/insights/", insight_data(kol, topic, text=PAYLOAD)
    )

    insight = Insight.objects.get()
    assert response.status_code in {200, 302}
    assert insight.text == PAYLOAD
    assert_escaped(client.get(f"/interactions/{interaction.pk}/"), where="the interaction")
    assert_escaped(client.get(f"/events/insights/{insight.pk}/"), where="the insight page")
    client.force_login(manager)
    assert_escaped(client.get(f"/events/insights/{insight.pk}/"), where="the manager's insight")


def test_follow_up_description_is_escaped(client, msl, interaction):
    client.force_login(msl)

    response = client.post(
        f"/interactions/{interaction.pk}/follow-ups/",
        {"kind": "send_material", "description": PAYLOAD, "due_date": in_days(3)},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert FollowUp.objects.get().description == PAYLOAD
    assert_escaped(client.get("/follow-ups/"), where="the follow-up list")
    assert_escaped(client.get(f"/interactions/{interaction.pk}/"), where="the interaction")


# Inquiries


def test_inquiry_question_is_escaped(client, msl, medinfo, kol):
    client.force_login(msl)

    response = client.post("/inquiries/new/", inquiry_data(kol, question=PAYLOAD))

    inquiry = MedicalInquiry.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert inquiry.question == PAYLOAD
    assert_escaped(client.get(f"/inquiries/{inquiry.pk}/"), where="the inquiry")
    client.force_login(medinfo)
    assert_escaped(client.get(f"/inquiries/{inquiry.pk}/"), where="Medical Information's view")
    assert_escaped(client.get("/inquiries/"), where="the inquiry queue", full=False)


def test_custom_response_text_is_escaped(client, msl, medinfo, kol):
    inquiry = bring_to(raise_inquiry(msl, kol), "assigned", author=medinfo, reviewer=medinfo)
    client.force_login(medinfo)

    response = client.post(f"/inquiries/{inquiry.pk}/custom/", {"custom_text": PAYLOAD})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert inquiry.responses.get().text == PAYLOAD
    assert_escaped(client.get(f"/inquiries/{inquiry.pk}/"), where="the inquiry's response")


# Events, comments, trips, learning


def test_event_title_description_and_minutes_are_escaped(client, msl, manager):
    client.force_login(msl)

    response = client.post(
        "/events/new/",
        {
            "title": PAYLOAD,
            "kind": "internal_meeting",
            "starts_on": in_days(3),
            "ends_on": in_days(3),
            "location": PAYLOAD,
            "link": "",
            "therapeutic_area": "",
            "learning_hours": "",
            "description": PAYLOAD,
            "notes": PAYLOAD,
            "attendees": [manager.pk],
        },
    )

    event = Event.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (event.title, event.description, event.notes) == (PAYLOAD, PAYLOAD, PAYLOAD)
    assert_escaped(client.get(f"/events/{event.pk}/"), where="the event page")
    assert_escaped(client.get("/events/"), where="the events list", full=False)
    assert_escaped(client.get("/events/calendar/"), where="the month calendar", full=False)
    assert_escaped(client.get(f"/events/{event.pk}/edit/"), where="the event edit form")


def test_comments_are_escaped(client, msl, manager, kol, interaction):
    insight = InsightFactory(interaction=interaction, kol=kol, author=msl)
    client.force_login(manager)

    response = client.post(f"/events/insights/{insight.pk}/", {"text": PAYLOAD})

    assert response.status_code in {200, 302}, response.content.decode()[:2000]
    assert insight.comments.get().text == PAYLOAD
    assert_escaped(client.get(f"/events/insights/{insight.pk}/"), where="the comment thread")
    client.force_login(msl)
    assert_escaped(client.get(f"/events/insights/{insight.pk}/"), where="the author's thread")


def test_trip_purpose_and_expense_description_are_escaped(client, msl):
    client.force_login(msl)

    response = client.post(
        "/events/trips/new/",
        {"purpose": PAYLOAD, "departs_on": in_days(3), "returns_on": in_days(4)},
    )
    trip = Trip.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    expense = client.post(
        f"/events/trips/{trip.pk}/expenses/",
        {
            "spent_on": in_days(3),
            "category": "ground",
            "description": PAYLOAD,
            "amount": "42.50",
            "currency": "USD",
        },
    )

    assert expense.status_code == 302, expense.content.decode()[:2000]
    assert (trip.purpose, Expense.objects.get().description) == (PAYLOAD, PAYLOAD)
    assert_escaped(client.get(f"/events/trips/{trip.pk}/"), where="the trip page")
    assert_escaped(client.get("/events/trips/"), where="the trip list", full=False)


def test_the_managers_view_of_a_trip_is_escaped(client, msl, manager, organisation):
    trip = TripFactory(traveller=msl, purpose=PAYLOAD)
    client.force_login(manager)

    assert_escaped(client.get(f"/events/trips/{trip.pk}/"), where="the manager's trip page")


def test_learning_record_title_is_escaped(client, msl):
    client.force_login(msl)

    response = client.post(
        "/events/learning/new/",
        {
            "title": PAYLOAD,
            "kind": "course",
            "provider": PAYLOAD,
            "completed_on": in_days(-5),
            "hours": "1.5",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert LearningRecord.objects.get().title == PAYLOAD
    assert_escaped(client.get("/events/learning/"), where="the learning page")


# Literature


def test_watch_topic_name_is_escaped(client, msl):
    client.force_login(msl)

    response = client.post("/literature/topics/", {"name": PAYLOAD, "terms": "lung cancer"})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert WatchTopic.objects.get().name == PAYLOAD
    assert_escaped(client.get("/literature/topics/"), where="the watch topics page")


# The @mention e-mail


def test_the_mention_email_is_plain_text_without_the_comment(
    client, msl, manager, kol, interaction, mailoutbox, django_capture_on_commit_callbacks
):
    insight = InsightFactory(interaction=interaction, kol=kol, author=msl)
    author = UserFactory(
        username="commenter", first_name=PAYLOAD, last_name="Smith", roles=[Role.MANAGER]
    )
    organisation_team = msl.teams.first()
    organisation_team.manager = author
    organisation_team.save()
    client.force_login(author)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/events/insights/{insight.pk}/", {"text": f"@msl have a look {PAYLOAD}"}
        )

    assert response.status_code in {200, 302}, response.content.decode()[:2000]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.content_subtype == "plain"
    assert not getattr(mail, "alternatives", []), "no HTML part a mail client would render"
    assert "have a look" not in mail.body, "the comment stays in the CRM"
    # The author's name is in the plain-text subject and body as typed: harmless in
    # text/plain, and a header cannot be split (no line breaks).
    assert PAYLOAD in mail.body
    assert "\n" not in mail.subject
    # And the page the e-mail links to shows the comment escaped.
    client.force_login(msl)
    assert_escaped(client.get(f"/events/insights/{insight.pk}/"), where="the mentioned thread")


def test_the_mentions_page_is_escaped(client, msl, manager, kol, interaction):
    insight = InsightFactory(interaction=interaction, kol=kol, author=msl, text=PAYLOAD)
    client.force_login(manager)
    client.post(f"/events/insights/{insight.pk}/", {"text": f"@msl {PAYLOAD}"})
    client.force_login(msl)

    response = client.get("/events/mentions/")

    assert response.status_code == 200
    for marker in RAW_MARKERS:
        assert marker not in response.content.decode()


def test_a_shared_insight_on_the_meeting_page_is_escaped(client, msl, manager, kol, interaction):
    insight = InsightFactory(interaction=interaction, kol=kol, author=msl, text=PAYLOAD)
    meeting = EventFactory(
        kind="internal_meeting", organiser=msl, attendees=[msl, manager], title=PAYLOAD
    )
    client.force_login(msl)

    client.post(f"/events/{meeting.pk}/insights/", {"insight": insight.pk})

    assert_escaped(client.get(f"/events/{meeting.pk}/"), where="the meeting page", full=False)
