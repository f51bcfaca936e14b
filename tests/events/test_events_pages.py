"""Events: created from the page, listed upcoming and past, in the month calendar; internal
meetings seen only by the people invited (and compliance); KOLs expected at an event and
KOL meetings planned there, which become the MSL's planned interactions."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from events.models import Event, EventKind, EventMeeting, ExpectedKOL
from interactions.models import Interaction, InteractionStatus, InteractionType
from tests.events.conftest import TIME_FORMAT, section, text
from tests.factories import (
    EventFactory,
    ExpectedKOLFactory,
    InteractionFactory,
    KOLFactory,
)

pytestmark = pytest.mark.django_db


def listed(response, testid="event-list") -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/events/(\d+)/"', section(response, testid))]


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def event_data(**changes) -> dict:
    data = {
        "title": "Thoracic Oncology Congress",
        "kind": "congress",
        "starts_on": in_days(16).isoformat(),
        "ends_on": in_days(19).isoformat(),
        "location": "Chicago, McCormick Place",
        "link": "",
        "therapeutic_area": "",
        "learning_hours": "12",
        "description": "Late-breaking immunotherapy data.",
        "notes": "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


# Creating


def test_an_msl_puts_an_event_on_the_calendar(client, msl, manager):
    client.force_login(msl)

    response = client.post("/events/new/", event_data(attendees=[manager.pk]), follow=True)

    event = Event.objects.get()
    assert response.redirect_chain[-1][0] == f"/events/{event.pk}/"
    assert "“Thoracic Oncology Congress” is on the calendar." in text(response)
    assert event.organiser == msl
    assert set(event.attendees.all()) == {msl, manager}, "the organiser attends"
    assert (event.starts_on, event.ends_on) == (in_days(16), in_days(19))


def test_an_event_cannot_end_before_it_starts(client, msl):
    client.force_login(msl)

    response = client.post(
        "/events/new/", event_data(starts_on=in_days(5).isoformat(), ends_on=in_days(4).isoformat())
    )

    assert response.status_code == 200
    assert "The event cannot end before it starts." in text(response)
    assert not Event.objects.exists()


def test_minutes_belong_to_internal_meetings_only(client, msl):
    client.force_login(msl)

    refused = client.post("/events/new/", event_data(notes="We agreed on the plan."))
    assert "Minutes belong to internal meetings." in text(refused)
    assert not Event.objects.exists()

    client.post("/events/new/", event_data(kind="internal_meeting", notes="We agreed on the plan."))
    assert Event.objects.get().notes == "We agreed on the plan."


def test_only_the_organiser_edits_an_event(client, msl, msl2):
    event = EventFactory(organiser=msl)
    client.force_login(msl2)

    assert client.get(f"/events/{event.pk}/").status_code == 200
    assert client.get(f"/events/{event.pk}/edit/").status_code == 403
    assert client.post(f"/events/{event.pk}/edit/", event_data(title="Mine")).status_code == 403
    event.refresh_from_db()
    assert event.title != "Mine"


# Internal meetings


@pytest.fixture
def team_meeting(manager, msl):
    return EventFactory(
        title="Oncology team meeting",
        kind=EventKind.INTERNAL_MEETING,
        organiser=manager,
        attendees=[manager, msl],
        starts_on=in_days(3),
        ends_on=in_days(3),
    )


def test_an_internal_meeting_is_seen_by_its_attendees_and_compliance(
    client, msl, manager, compliance_user, team_meeting
):
    month = f"?month={team_meeting.starts_on:%Y-%m}"
    for user in (msl, manager, compliance_user):
        client.force_login(user)
        assert client.get(f"/events/{team_meeting.pk}/").status_code == 200, user.username
        assert listed(client.get("/events/")) == [team_meeting.pk], user.username
        assert team_meeting.pk in listed(client.get(f"/events/calendar/{month}"), "month-calendar")


def test_another_msl_does_not_see_an_internal_meeting_they_were_not_invited_to(
    client, msl2, team_meeting
):
    congress = EventFactory(starts_on=team_meeting.starts_on, ends_on=team_meeting.starts_on)
    client.force_login(msl2)

    assert client.get(f"/events/{team_meeting.pk}/").status_code == 404
    assert listed(client.get("/events/")) == [congress.pk]
    calendar = client.get(f"/events/calendar/?month={team_meeting.starts_on:%Y-%m}")
    assert listed(calendar, "month-calendar") == [congress.pk]
    assert "Oncology team meeting" not in text(calendar)


def test_inviting_another_msl_lets_them_see_the_meeting(client, msl2, team_meeting):
    team_meeting.attendees.add(msl2)
    client.force_login(msl2)

    assert client.get(f"/events/{team_meeting.pk}/").status_code == 200


def test_the_calendar_shows_an_event_on_each_of_its_days(client, msl):
    first = dt.date(2027, 3, 30)
    event = EventFactory(starts_on=first, ends_on=first + dt.timedelta(days=3))
    client.force_login(msl)

    march = section(client.get("/events/calendar/?month=2027-03"), "month-calendar")
    april = section(client.get("/events/calendar/?month=2027-04"), "month-calendar")

    # March's grid runs to Sunday 4 April: all four days show; April's starts on 29 March.
    assert march.count(f'href="/events/{event.pk}/"') == 4
    assert april.count(f'href="/events/{event.pk}/"') == 4


@pytest.mark.parametrize("month", ["nonsense", "2027-13", "0001-01", "9999-12"])
def test_a_month_the_calendar_cannot_show_falls_back_to_this_month(client, msl, month):
    client.force_login(msl)

    response = client.get(f"/events/calendar/?month={month}")

    assert response.status_code == 200
    assert f"{timezone.localdate():%B %Y}" in text(response)


# Upcoming and past


def test_upcoming_and_past_events_are_listed_twenty_to_a_page(client, msl):
    upcoming = [EventFactory(starts_on=in_days(n), ends_on=in_days(n)) for n in range(1, 26)]
    past = [EventFactory(starts_on=in_days(-n), ends_on=in_days(-n)) for n in range(1, 24)]
    running = EventFactory(starts_on=in_days(-2), ends_on=in_days(0))
    client.force_login(msl)

    first = listed(client.get("/events/"))
    second = listed(client.get("/events/?when=upcoming&page=2"))
    past_first = listed(client.get("/events/?when=past"))
    past_second = listed(client.get("/events/?when=past&page=2"))

    soonest_first = [running.pk] + [event.pk for event in upcoming]
    assert first == soonest_first[:20]
    assert second == soonest_first[20:]
    latest_first = [event.pk for event in past]
    assert past_first == latest_first[:20]
    assert past_second == latest_first[20:]


def test_the_list_filters_by_kind(client, msl):
    congress = EventFactory(kind=EventKind.CONGRESS)
    EventFactory(kind=EventKind.WEBINAR)
    client.force_login(msl)

    assert listed(client.get("/events/?kind=congress")) == [congress.pk]


# KOLs expected


@pytest.fixture
def congress(msl):
    return EventFactory(
        title="Thoracic Oncology Congress",
        organiser=msl,
        attendees=[msl],
        starts_on=in_days(16),
        ends_on=in_days(19),
        location="Chicago, McCormick Place",
    )


def test_a_kol_in_scope_is_added_to_the_expected_list(client, msl, congress, kol):
    client.force_login(msl)

    response = client.post(
        f"/events/{congress.pk}/kols/",
        {"kol": kol.pk, "participation": "speaking", "session": "Late-breaking abstracts"},
        follow=True,
    )

    expected = ExpectedKOL.objects.get()
    assert (expected.event, expected.kol, expected.added_by) == (congress, kol, msl)
    assert expected.participation == "speaking"
    table = section(response, "expected-kols")
    assert "Maria Alvarez" in table
    assert "Late-breaking abstracts" in table


def test_a_kol_out_of_scope_is_an_invalid_choice(client, msl, congress, foreign_kol):
    client.force_login(msl)

    response = client.post(
        f"/events/{congress.pk}/kols/", {"kol": foreign_kol.pk, "participation": "attending"}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    assert not ExpectedKOL.objects.exists()


def test_a_kol_is_expected_once_per_event(client, msl, congress, kol):
    ExpectedKOLFactory(event=congress, kol=kol)
    client.force_login(msl)

    response = client.post(
        f"/events/{congress.pk}/kols/", {"kol": kol.pk, "participation": "attending"}
    )

    assert response.status_code == 400
    assert "Maria Alvarez, MD is already on this event's list." in text(response)
    assert ExpectedKOL.objects.count() == 1


def test_kols_are_not_expected_at_internal_meetings(client, msl, team_meeting, kol):
    client.force_login(msl)

    response = client.post(
        f"/events/{team_meeting.pk}/kols/",
        {"kol": kol.pk, "participation": "attending"},
        follow=True,
    )

    assert response.redirect_chain == [(f"/events/{team_meeting.pk}/", 302)]
    assert "KOLs are not expected at internal meetings." in text(response)
    assert not ExpectedKOL.objects.exists()


# Meetings planned at the event


def at(day: dt.date, hour: int) -> str:
    return dt.datetime.combine(day, dt.time(hour)).strftime(TIME_FORMAT)


def test_planning_a_meeting_creates_the_msls_planned_congress_interaction(
    client, msl, congress, kol
):
    ExpectedKOLFactory(event=congress, kol=kol)
    client.force_login(msl)

    response = client.post(
        f"/events/{congress.pk}/meetings/",
        {"kol": kol.pk, "planned_at": at(in_days(17), 10), "objectives": "Her late-breaker."},
    )

    interaction = Interaction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/interactions/{interaction.pk}/"
    assert interaction.status == InteractionStatus.PLANNED
    assert interaction.type == InteractionType.CONGRESS
    assert interaction.owner == msl
    assert list(interaction.kols.all()) == [kol]
    assert timezone.localtime(interaction.planned_at).date() == in_days(17)
    assert interaction.occurred_at is None
    assert interaction.location == "Chicago, McCormick Place", "the venue when none is given"
    assert interaction.objectives == "Her late-breaker."
    assert EventMeeting.objects.get().event == congress
    assert EventMeeting.objects.get().interaction == interaction

    page = section(client.get(f"/events/{congress.pk}/"), "event-meetings")
    assert f'href="/interactions/{interaction.pk}/"' in page
    assert "Maria Alvarez" in page
    assert "planned" in page


@pytest.mark.parametrize("day", [15, 20], ids=["the-day-before", "the-day-after"])
def test_a_time_outside_the_event_is_refused_and_nothing_saved(client, msl, congress, kol, day):
    client.force_login(msl)

    response = client.post(
        f"/events/{congress.pk}/meetings/", {"kol": kol.pk, "planned_at": at(in_days(day), 10)}
    )

    assert response.status_code == 400
    assert (
        f"Pick a time during the event ({in_days(16):%Y-%m-%d} to {in_days(19):%Y-%m-%d})."
        in text(response)
    )
    assert not Interaction.objects.exists()
    assert not EventMeeting.objects.exists()


def test_the_first_and_last_days_of_the_event_are_accepted(client, msl, congress, kol):
    client.force_login(msl)

    for day in (in_days(16), in_days(19)):
        client.post(f"/events/{congress.pk}/meetings/", {"kol": kol.pk, "planned_at": at(day, 8)})

    assert EventMeeting.objects.count() == 2


def test_a_kol_in_scope_but_not_on_the_expected_list_may_still_be_met_there(
    client, msl, congress, kol, organisation
):
    ExpectedKOLFactory(event=congress, kol=kol)
    walk_in = KOLFactory(first_name="Li", last_name="Wei", territory=organisation["nyc"])
    client.force_login(msl)

    form = section(client.get(f"/events/{congress.pk}/"), "meeting-form")
    response = client.post(
        f"/events/{congress.pk}/meetings/", {"kol": walk_in.pk, "planned_at": at(in_days(17), 9)}
    )

    assert form.index("Maria Alvarez") < form.index("Li Wei"), "the expected KOLs come first"
    assert response.status_code == 302
    assert list(Interaction.objects.get().kols.all()) == [walk_in]


def test_a_kol_out_of_scope_cannot_be_met_through_the_event(client, msl, congress, foreign_kol):
    client.force_login(msl)

    response = client.post(
        f"/events/{congress.pk}/meetings/",
        {"kol": foreign_kol.pk, "planned_at": at(in_days(17), 10)},
    )

    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    assert not Interaction.objects.exists()


def test_a_kol_who_asked_not_to_be_contacted_is_refused(client, msl, congress, organisation):
    private = KOLFactory(territory=organisation["boston"], do_not_contact=True)
    client.force_login(msl)

    response = client.post(
        f"/events/{congress.pk}/meetings/", {"kol": private.pk, "planned_at": at(in_days(17), 10)}
    )

    assert response.status_code == 400
    assert "has asked not to be contacted." in text(response)
    assert not Interaction.objects.exists()


def test_another_msl_does_not_see_my_meetings_at_a_shared_congress(
    client, msl, msl2, congress, kol
):
    meeting = InteractionFactory(owner=msl, kols=[kol], status="planned", occurred_at=None)
    EventMeeting.objects.create(event=congress, interaction=meeting)
    client.force_login(msl2)

    page = section(client.get(f"/events/{congress.pk}/"), "event-meetings")

    assert f"/interactions/{meeting.pk}/" not in page
    assert "No meetings planned yet." in page


def test_meetings_are_not_planned_at_internal_meetings(client, msl, team_meeting, kol):
    client.force_login(msl)

    response = client.post(
        f"/events/{team_meeting.pk}/meetings/",
        {"kol": kol.pk, "planned_at": at(team_meeting.starts_on, 10)},
        follow=True,
    )

    assert response.redirect_chain == [(f"/events/{team_meeting.pk}/", 302)]
    assert "KOL meetings are planned at external events." in text(response)
    assert not Interaction.objects.exists()
