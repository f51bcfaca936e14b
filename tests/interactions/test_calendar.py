"""The iCalendar feed: secret, rotatable, and readable by a standard parser."""

import datetime as dt
import re

import icalendar
import pytest
from django.utils import timezone

from interactions.models import InteractionStatus
from tests.factories import FollowUpFactory, InteractionFactory, KOLFactory

pytestmark = pytest.mark.django_db


def make_feed(client, user) -> str:
    client.force_login(user)
    page = client.post("/interactions/calendar/").content.decode()
    url = re.search(r'value="(http[^"]+\.ics)"', page).group(1)
    client.logout()
    return url.split("testserver", 1)[1]


def test_the_feed_lists_planned_meetings_and_follow_up_due_dates(client, msl, organisation):
    kol = KOLFactory(territory=organisation["boston"], first_name="Maria", last_name="Alvarez")
    when = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    InteractionFactory(
        owner=msl,
        kols=[kol],
        status=InteractionStatus.PLANNED,
        planned_at=when,
        occurred_at=None,
        duration_minutes=30,
        location="Room 4, Beacon Hill",
    )
    FollowUpFactory(owner=msl, description="Send the poster; then call", due_date=when.date())
    FollowUpFactory(description="Someone else's")
    path = make_feed(client, msl)

    response = client.get(path)

    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    meeting = events["One-to-one: Maria Alvarez, MD"]
    assert meeting.decoded("dtstart") == when
    assert meeting.decoded("dtend") == when + dt.timedelta(minutes=30)
    assert str(meeting["location"]) == "Room 4, Beacon Hill"
    assert events["Follow-up: Send the poster; then call"].decoded("dtstart") == when.date()
    assert len(events) == 2


def test_rotating_the_address_cuts_off_the_old_one(client, msl):
    old = make_feed(client, msl)
    new = make_feed(client, msl)

    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_made_up_address_is_not_found(client, msl):
    make_feed(client, msl)

    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_a_deactivated_users_feed_stops(client, msl):
    path = make_feed(client, msl)
    msl.is_active = False
    msl.save()

    assert client.get(path).status_code == 404


def test_only_a_hash_of_the_address_is_stored(client, msl):
    path = make_feed(client, msl)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")

    assert msl.calendar_feed.token_hash != token
    assert token not in msl.calendar_feed.token_hash
