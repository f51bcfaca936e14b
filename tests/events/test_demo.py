"""The demo's events part: a congress with KOLs expected and msl's meetings planned there,
msl's trip with its itinerary and a receipt that downloads, msl2 warned that their
adverse-event training lapsed, msl not."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import User
from events.models import Event, EventKind, EventMeeting, Expense, Trip
from interactions.models import InteractionStatus, InteractionType
from tests.events.conftest import ae_warning_shown, section
from tests.events.test_training import badges

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_demo(settings):
    settings.DEMO_KOLS_PER_TERRITORY = 5
    settings.DEMO_HISTORY_WEEKS = 2


def users():
    return {user.username: user for user in User.objects.filter(username__in=["msl", "msl2"])}


def test_the_demo_congress_has_kols_expected_and_msls_meetings_planned(client):
    call_command("seed_demo", stdout=None)
    msl = users()["msl"]

    congress = Event.objects.get(title="Thoracic Oncology Congress 2026")
    assert congress.kind == EventKind.CONGRESS
    assert congress.expected_kols.count() == 4
    meetings = list(EventMeeting.objects.filter(event=congress).select_related("interaction"))
    assert len(meetings) == 2
    for meeting in meetings:
        interaction = meeting.interaction
        assert interaction.owner == msl
        assert interaction.status == InteractionStatus.PLANNED
        assert interaction.type == InteractionType.CONGRESS
        assert interaction.kols.filter(expected_at__event=congress).exists()
    client.force_login(msl)
    page = client.get(f"/events/{congress.pk}/")
    assert section(page, "event-meetings").count('href="/interactions/') == 2


def test_msls_demo_trip_has_its_itinerary_and_a_receipt_that_downloads(client):
    call_command("seed_demo", stdout=None)
    msl = users()["msl"]

    trip = Trip.objects.get(traveller=msl)
    assert trip.event.title == "Thoracic Oncology Congress 2026"
    assert trip.itinerary.count() == 2
    expense = Expense.objects.get(trip=trip)
    assert expense.receipt_content_type == "application/pdf"
    client.force_login(msl)
    response = client.get(f"/events/expenses/{expense.pk}/receipt/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_msl2_is_warned_of_the_lapsed_training_and_msl_is_not(client):
    call_command("seed_demo", stdout=None)
    people = users()

    client.force_login(people["msl2"])
    assert ae_warning_shown(client.get("/events/"))
    client.force_login(people["msl"])
    assert not ae_warning_shown(client.get("/events/"))


@pytest.mark.parametrize(
    "day", [dt.date(2026, 11, 28), dt.date(2026, 12, 1), dt.date(2027, 3, 1)], ids=str
)
def test_msls_demo_training_is_due_soon_whatever_the_day_it_is_seeded(client, day):
    with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)):
        call_command("seed_demo", stdout=None)
        client.force_login(users()["msl"])
        trainings = badges(client.get("/events/learning/"))

    assert trainings["Annual adverse-event reporting"] == "Expires soon"
