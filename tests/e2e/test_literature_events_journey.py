"""An MSL reads the literature feed, marks a paper read and saves it to a KOL, whose briefing
then lists it; plans a congress with a KOL expected and a meeting there, books the trip with
a flight and a receipted expense (a fake PDF is refused); and records a completed course,
which adds to this quarter's learning hours."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from events.models import Event, EventMeeting, Expense, ItineraryItem, LearningRecord, Trip
from interactions.models import InteractionStatus
from kols.models import KOL
from literature.models import FeedEntry, Publication, WatchTopic
from literature.pubmed import PersonRecord, PublicationRecord
from literature.services import publications_import
from tests.e2e.pages import path_of, save_screenshot, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WATCHED = "Hepatic safety of zolbetuximab in gastric cancer: a pooled analysis"
UNWATCHED = "Dietary sodium and blood pressure in rural cohorts"
CONGRESS = "Boston Gastro-Oncology Congress"
COURSE = "Good Clinical Practice refresher"


def import_papers(today: dt.date) -> None:
    publications_import(
        [
            PublicationRecord(
                pmid="39990001",
                title=WATCHED,
                abstract="Liver enzyme elevations with zolbetuximab were mostly mild.",
                journal="Journal of Clinical Oncology",
                published_on=today - dt.timedelta(days=3),
                mesh_terms=["Stomach Neoplasms", "Humans"],
                authors=[PersonRecord(last_name="Nobody-Known", first_name="Ines")],
            ),
            PublicationRecord(
                pmid="39990002",
                title=UNWATCHED,
                journal="Hypertension",
                published_on=today - dt.timedelta(days=2),
            ),
        ]
    )


def read_and_save_to_a_kol(page, base_url: str, kol: KOL) -> None:
    page.locator('#main-nav [data-section="literature"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Literature watch")
    feed = page.get_by_test_id("feed")
    paper = feed.locator("article").filter(has_text=WATCHED)
    expect(paper).to_be_visible()
    expect(feed).not_to_contain_text(UNWATCHED)

    # Marked read in place (htmx): the button turns into the "mark unread" one.
    paper.get_by_role("button", name="Mark read").click()
    expect(paper.get_by_role("button", name="Read · mark unread")).to_be_visible()
    publication = Publication.objects.get(pmid="39990001")
    assert FeedEntry.objects.get(user__username="msl", publication=publication).read_at

    paper.get_by_role("link", name="Save to a KOL").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save to a KOL")
    expect(page.locator("main")).to_contain_text(WATCHED)
    page.get_by_label("Find the KOL").fill(kol.last_name)
    page.get_by_label("Save to KOL").select_option(str(kol.pk))
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messages")).to_contain_text(f"Saved to {kol.display_name}.")
    assert path_of(page) == "/literature/"
    paper = page.get_by_test_id("feed").locator("article").filter(has_text=WATCHED)
    expect(paper.get_by_role("link", name="Save to a KOL (1)")).to_be_visible()

    page.goto(f"{base_url}/kols/{kol.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(kol.display_name)
    section = page.get_by_role("region", name="Publications and trials")
    expect(section.get_by_role("link", name=WATCHED)).to_be_visible()


def plan_the_congress(page, kol: KOL, starts: dt.date, ends: dt.date) -> Event:
    page.locator('#main-nav [data-section="events"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Events, travel and learning")
    page.get_by_role("link", name="New event", exact=True).click()
    page.get_by_label("Title").fill(CONGRESS)
    page.get_by_label("Kind").select_option(label="Congress")
    page.get_by_label("Starts on").fill(starts.isoformat())
    page.get_by_label("Ends on").fill(ends.isoformat())
    page.get_by_label("Location").fill("Hynes Convention Center, Boston")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text(f"“{CONGRESS}” is on the calendar.")
    expect(page.get_by_role("heading", level=1)).to_have_text(CONGRESS)
    event = Event.objects.get(title=CONGRESS)
    assert path_of(page) == f"/events/{event.pk}/"

    page.get_by_text("Add a KOL to the list").click()
    expected_form = page.locator("form", has=page.get_by_role("button", name="Add", exact=True))
    expected_form.get_by_label("KOL").select_option(str(kol.pk))
    expected_form.get_by_label("Participation").select_option(label="Speaking")
    expected_form.get_by_label("Session").fill("Late-breaking abstracts")
    expected_form.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("is expected at the event")
    expected = page.get_by_test_id("expected-kols")
    expect(expected).to_contain_text(kol.display_name)
    expect(expected).to_contain_text("Speaking")
    expect(expected).to_contain_text("Late-breaking abstracts")
    return event


def plan_a_meeting(page, event: Event, kol: KOL, when: dt.datetime) -> None:
    meeting_form = page.get_by_test_id("meeting-form")
    meeting_form.get_by_label("KOL").select_option(str(kol.pk))
    meeting_form.get_by_label("When").fill(when.strftime("%Y-%m-%dT%H:%M"))
    meeting_form.get_by_label("Location").fill("Booth 12")
    meeting_form.get_by_label("Objectives").fill("Discuss the pooled hepatic safety data.")
    meeting_form.get_by_role("button", name="Plan meeting").click()

    expect(page.locator(".messages")).to_contain_text("Meeting planned")
    meeting = EventMeeting.objects.select_related("interaction").get(event=event)
    assert path_of(page) == f"/interactions/{meeting.interaction_id}/"
    expect(page.get_by_test_id("status")).to_have_text("Planned")
    expect(page.locator("main")).to_contain_text(kol.display_name)
    assert meeting.interaction.status == InteractionStatus.PLANNED
    assert list(meeting.interaction.kols.all()) == [kol]

    page.goto(page.url.split("/interactions/")[0] + f"/events/{event.pk}/")
    expect(page.get_by_test_id("event-meetings")).to_contain_text(kol.display_name)
    expect(page.get_by_test_id("event-meetings")).to_contain_text("planned")


def book_the_trip(page, event: Event, starts: dt.date, ends: dt.date, tmp_path: Path) -> Trip:
    page.get_by_role("link", name="Plan a trip").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan a trip")
    expect(page.get_by_label("Event")).to_have_value(str(event.pk))
    page.get_by_label("Purpose").fill("Gastro-oncology congress, Boston")
    page.get_by_label("Departs on").fill((starts - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Returns on").fill(ends.isoformat())
    page.get_by_role("button", name="Save trip").click()

    expect(page.locator(".messages")).to_contain_text("Trip saved.")
    trip = Trip.objects.get(traveller__username="msl", event=event)
    assert path_of(page) == f"/events/trips/{trip.pk}/"

    page.get_by_text("Add a flight, train or hotel").click()
    flight = dt.datetime.combine(starts - dt.timedelta(days=1), dt.time(8, 5))
    page.get_by_label("Kind").select_option(label="Flight")
    page.get_by_label("Starts at").fill(flight.strftime("%Y-%m-%dT%H:%M"))
    landing = flight + dt.timedelta(hours=1, minutes=30)
    page.get_by_label("Ends at").fill(landing.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Origin").fill("Washington DCA")
    page.get_by_label("Destination").fill("Boston BOS")
    page.get_by_label("Carrier").fill("Delta DL 2214")
    page.get_by_label("Confirmation code").fill("K7QX2M")
    page.get_by_role("button", name="Add to itinerary").click()
    expect(page.locator(".messages")).to_contain_text("Added to the itinerary.")
    itinerary = page.get_by_test_id("itinerary")
    expect(itinerary).to_contain_text("Flight")
    expect(itinerary).to_contain_text("Washington DCA → Boston BOS")
    expect(itinerary).to_contain_text("K7QX2M")

    receipt = tmp_path / "registration-receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4\n%%EOF\n")
    add_expense(page, "Congress registration", "450.00", receipt)
    expect(page.locator(".messages")).to_contain_text("Expense added.")
    expense_row = (
        page.get_by_test_id("expenses").locator("tbody tr").filter(has_text="Congress registration")
    )
    expect(expense_row).to_contain_text("450.00 USD")
    expense = Expense.objects.get(trip=trip)
    download_link = expense_row.get_by_role("link", name="Download")
    expect(download_link).to_have_attribute("href", f"/events/expenses/{expense.pk}/receipt/")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == f"receipt-{expense.pk}.pdf"
    assert Path(download.value.path()).read_bytes() == b"%PDF-1.4\n%%EOF\n"

    # A text file renamed .pdf is refused by its bytes, and nothing is added.
    fake = tmp_path / "taxi.pdf"
    fake.write_bytes(b"Just a note about the taxi, not a receipt.\n")
    add_expense(page, "Taxi to the venue", "38.20", fake)
    expect(
        page.get_by_text("This file is not a PDF, PNG or JPEG document, whatever its name says.")
    ).to_be_visible()
    expect(page.get_by_test_id("expenses")).not_to_contain_text("Taxi to the venue")
    assert Expense.objects.filter(trip=trip).count() == 1

    page.goto(page.url.split("/events/")[0] + f"/events/trips/{trip.pk}/")
    expect(page.get_by_test_id("expenses").locator("tbody tr")).to_have_count(1)
    assert ItineraryItem.objects.filter(trip=trip).count() == 1
    return trip


def add_expense(page, description: str, amount: str, receipt: Path) -> None:
    details = page.locator("details", has_text="Add an expense")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.get_by_label("Category").select_option(label="Registration fees")
    page.get_by_label("Description").fill(description)
    page.get_by_label("Amount").fill(amount)
    page.get_by_label("Currency").fill("usd")
    page.get_by_label("Receipt").set_input_files(receipt)
    page.get_by_role("button", name="Add expense").click()


def record_a_course(page, today: dt.date) -> None:
    page.locator('#main-nav [data-section="events"]').click()
    page.get_by_role("list", name="Events sections").get_by_role("link", name="Learning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning")
    before = Decimal(page.get_by_test_id("quarter-hours").inner_text())

    page.get_by_role("link", name="Record a course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a course")
    page.get_by_label("Title").fill(COURSE)
    page.get_by_label("Kind").select_option(label="Course")
    page.get_by_label("Provider").fill("ACRP")
    page.get_by_label("Completed on").fill(today.isoformat())
    page.get_by_label("Hours").fill("2.5")
    page.get_by_role("button", name="Record").click()

    expect(page.locator(".messages")).to_contain_text(f"Recorded “{COURSE}”, 2.5 hours.")
    assert path_of(page) == "/events/learning/"
    row = page.get_by_test_id("learning-records").locator("tbody tr").filter(has_text=COURSE)
    expect(row).to_contain_text(today.isoformat())
    expect(row).to_contain_text("ACRP")
    expect(row).to_contain_text("2.5")
    after = before + Decimal("2.5")
    expect(page.get_by_test_id("quarter-hours")).to_have_text(
        re.compile(rf"^{re.escape(f'{after.normalize():f}')}$")
    )
    assert LearningRecord.objects.filter(user__username="msl", title=COURSE).count() == 1


def test_an_msl_reads_the_literature_plans_a_congress_and_records_a_course(
    live_server, demo_users, open_context, browser_log, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private-media")
    today = timezone.localdate()
    msl = User.objects.get(username="msl")
    WatchTopic.objects.create(name="Gastric cancer", owner=msl, terms="zolbetuximab")
    import_papers(today)
    kol = (
        KOL.objects.filter(territory__code="US-NE-01", do_not_contact=False, erased_at=None)
        .exclude(consent_status="withdrawn")
        .order_by("last_name", "first_name")
        .first()
    )
    starts, ends = today + dt.timedelta(days=30), today + dt.timedelta(days=32)

    page = open_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server.url, "msl", demo_users)

    read_and_save_to_a_kol(page, live_server.url, kol)

    event = plan_the_congress(page, kol, starts, ends)
    meeting_at = dt.datetime.combine(starts + dt.timedelta(days=1), dt.time(10, 30))
    plan_a_meeting(page, event, kol, meeting_at)
    save_screenshot(page, "literature-events-event")

    trip = book_the_trip(page, event, starts, ends, tmp_path)
    save_screenshot(page, "literature-events-trip")
    page.goto(f"{live_server.url}/events/{event.pk}/")
    expect(page.get_by_role("link", name=trip.purpose)).to_be_visible()

    record_a_course(page, today)
    browser_log.assert_clean()
