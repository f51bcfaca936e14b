"""Step 2: today's meetings, follow-ups and inquiries ranked by the score stated on the
page, each with its score and the reasons for it."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from interactions.models import FollowUpStatus
from tests.factories import EngagementPlanFactory, FollowUpFactory, InteractionFactory
from tests.inquiries.workflow import raise_inquiry
from today.priorities import SCORING_RULE

from .data import WEDNESDAY, agenda, at, in_days, log_meeting, plan_meeting, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_of(client, msl, wednesday):
    """The agenda msl sees on /today/."""

    def read():
        client.force_login(msl)
        return agenda(client.get("/today/"))

    return read


@pytest.mark.parametrize(
    ("tier", "note"),
    [
        (1, "score 50: tier 1 KOL (+30) · meeting today (+20)"),
        (2, "score 40: tier 2 KOL (+20) · meeting today (+20)"),
        (3, "score 30: tier 3 KOL (+10) · meeting today (+20)"),
    ],
)
def test_a_meeting_today_scores_its_kols_tier_and_twenty(msl, make_kol, day_of, tier, note):
    kol = make_kol(tier=tier, first_name="Ana", last_name="Alvarez", credentials="MD")
    meeting = plan_meeting(msl, [kol], 14, 30)

    (row,) = day_of()

    assert row == {
        "text": "14:30 meeting with Ana Alvarez, MD",
        "href": f"/interactions/{meeting.pk}/",
        "note": note,
    }


def test_a_meeting_with_several_kols_counts_the_highest_tier(msl, make_kol, day_of):
    plan_meeting(msl, [make_kol(tier=3), make_kol(tier=1), make_kol(tier=2)], 11)

    (row,) = day_of()

    assert row["note"] == "score 50: tier 1 KOL (+30) · meeting today (+20)"


def test_a_meeting_without_a_kol_still_counts_as_today(msl, day_of):
    plan_meeting(msl, [], 9)

    (row,) = day_of()

    assert row["text"] == "09:00 meeting with no KOL yet"
    assert row["note"] == "score 20: meeting today (+20)"


@pytest.mark.parametrize(
    ("days", "note"),
    [
        (0, "score 25: due today (+25)"),
        (1, "score 15: due tomorrow (+15)"),
        (2, "score 8: due in 2 days (+8)"),
        (3, "score 8: due in 3 days (+8)"),
        (-1, "score 42: 1 day overdue (+42)"),
        (-5, "score 50: 5 days overdue (+50)"),
        (-10, "score 60: 10 days overdue (+60)"),
        (-11, "score 60: 11 days overdue (+60)"),
        (-90, "score 60: 90 days overdue (+60)"),
    ],
)
def test_a_follow_up_scores_by_its_due_date(msl, day_of, days, note):
    FollowUpFactory(owner=msl, kol=None, description="Send the poster", due_date=in_days(days))

    (row,) = day_of()

    assert row == {"text": "Follow-up: Send the poster", "href": "/follow-ups/", "note": note}


def test_a_follow_up_for_a_kol_adds_the_kols_tier(msl, make_kol, day_of):
    kol = make_kol(tier=2, first_name="Ben", last_name="Okafor", credentials="PhD")
    FollowUpFactory(owner=msl, kol=kol, description="Send the poster", due_date=in_days(1))

    (row,) = day_of()

    assert row["text"] == "Follow-up: Send the poster (Ben Okafor, PhD)"
    assert row["note"] == "score 35: tier 2 KOL (+20) · due tomorrow (+15)"


def test_what_is_not_due_soon_or_not_open_stays_off_the_agenda(msl, msl2, make_kol, day_of):
    FollowUpFactory(owner=msl, due_date=in_days(4))  # beyond the three days
    FollowUpFactory(owner=msl, due_date=in_days(-2), status=FollowUpStatus.DONE)
    FollowUpFactory(owner=msl2, due_date=in_days(0))  # someone else's
    plan_meeting(msl, [make_kol()], 10, days=1)  # tomorrow
    plan_meeting(msl, [make_kol()], 10, days=-1)  # yesterday, never logged
    plan_meeting(msl2, [make_kol()], 10)  # another MSL's meeting
    log_meeting(msl, [make_kol()], at(8))  # already logged this morning

    assert day_of() == []


def test_an_inquiry_near_its_deadline_is_on_the_agenda(msl, make_kol, day_of):
    kol = make_kol(tier=1, first_name="Cleo", last_name="Diaz", credentials="MD")
    urgent = raise_inquiry(msl, kol, urgency="urgent")  # one business day: tomorrow
    raise_inquiry(msl, make_kol(), urgency="standard")  # five business days: not yet
    assert urgent.deadline == in_days(1)

    (row,) = day_of()

    assert row == {
        "text": f"Inquiry #{urgent.pk} of Cleo Diaz, MD: open",
        "href": f"/inquiries/{urgent.pk}/",
        "note": "score 45: tier 1 KOL (+30) · due tomorrow (+15)",
    }


def test_an_inquiry_past_its_deadline_scores_as_overdue(msl, make_kol, wednesday, day_of):
    kol = make_kol(tier=3)
    with time_machine.travel(timezone.now() - dt.timedelta(days=7), tick=False):
        late = raise_inquiry(msl, kol, urgency="urgent")  # due the Thursday before
    assert late.deadline == in_days(-6)

    (row,) = day_of()

    assert row["href"] == f"/inquiries/{late.pk}/"
    assert row["note"] == "score 62: tier 3 KOL (+10) · 6 days overdue (+52)"


def test_another_msls_inquiry_is_not_on_my_agenda(msl, msl2, organisation, make_kol, day_of):
    kol = make_kol(territory=organisation["bay_area"])
    raise_inquiry(msl2, kol, urgency="urgent")

    assert day_of() == []


def test_a_kol_behind_their_engagement_plan_adds_fifteen(msl, make_kol, wednesday, day_of):
    # Mid-June is 162/365 of the year: 4 planned touchpoints mean 1.78 due by now.
    behind = make_kol(tier=3, last_name="Behind")
    EngagementPlanFactory(kol=behind, year=wednesday.year, planned_touchpoints=4)
    log_meeting(msl, [behind], at(10, days=-40))  # one logged: fewer than 1.78
    on_track = make_kol(tier=3, last_name="OnTrack")
    EngagementPlanFactory(kol=on_track, year=wednesday.year, planned_touchpoints=4)
    log_meeting(msl, [on_track], at(10, days=-40))
    log_meeting(msl, [on_track], at(10, days=-20))
    FollowUpFactory(owner=msl, kol=behind, description="Behind", due_date=in_days(2))
    FollowUpFactory(owner=msl, kol=on_track, description="On track", due_date=in_days(2))

    rows = day_of()

    assert [(row["text"], row["note"]) for row in rows] == [
        (
            f"Follow-up: Behind ({behind.display_name})",
            "score 33: tier 3 KOL (+10) · due in 2 days (+8) · "
            "engagement plan behind schedule (+15)",
        ),
        (
            f"Follow-up: On track ({on_track.display_name})",
            "score 18: tier 3 KOL (+10) · due in 2 days (+8)",
        ),
    ]


def test_only_this_years_logged_touchpoints_count_for_the_plan(msl, make_kol, wednesday, day_of):
    kol = make_kol(tier=2)
    EngagementPlanFactory(kol=kol, year=wednesday.year, planned_touchpoints=2)
    EngagementPlanFactory(kol=kol, year=wednesday.year - 1, planned_touchpoints=2)
    log_meeting(msl, [kol], at(10, days=-200))  # last year
    InteractionFactory(owner=msl, kols=[kol], occurred_at=at(9, days=-3))  # a draft: not logged
    plan_meeting(msl, [kol], 16)

    (row,) = day_of()

    assert row["note"] == (
        "score 55: tier 2 KOL (+20) · meeting today (+20) · engagement plan behind schedule (+15)"
    )

    log_meeting(msl, [kol], at(10, days=-60))  # one this year: 1 >= 2 * 162/365

    (row,) = day_of()

    assert row["note"] == "score 40: tier 2 KOL (+20) · meeting today (+20)"


def test_the_agenda_is_in_score_order_with_ties_by_time(msl, make_kol, wednesday, day_of):
    tier1, tier2, tier3 = make_kol(tier=1), make_kol(tier=2), make_kol(tier=3)
    EngagementPlanFactory(kol=tier3, year=wednesday.year, planned_touchpoints=10)
    inquiry = raise_inquiry(msl, tier2, urgency="urgent")  # 20 + 15 = 35
    late_meeting = plan_meeting(msl, [tier2], 15)  # 40, the later of a tie
    early_meeting = plan_meeting(msl, [tier2], 9)  # 40, the earlier
    FollowUpFactory(owner=msl, kol=None, description="A", due_date=in_days(-30))  # 60
    FollowUpFactory(owner=msl, kol=tier1, description="B", due_date=in_days(0))  # 55
    FollowUpFactory(owner=msl, kol=None, description="C", due_date=in_days(1))  # 15
    FollowUpFactory(owner=msl, kol=None, description="D", due_date=in_days(0))  # 25, earlier
    FollowUpFactory(owner=msl, kol=tier3, description="G", due_date=in_days(1))  # 10+15+15 = 40
    FollowUpFactory(owner=msl, kol=tier3, description="E", due_date=in_days(3))  # 10+8+15 = 33
    FollowUpFactory(owner=msl, kol=None, description="F", due_date=in_days(3))  # 8

    rows = day_of()

    scores = [int(row["note"].split(":")[0].removeprefix("score ")) for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert [row["href"] for row in rows[:6]] == [
        "/follow-ups/",
        "/follow-ups/",
        f"/interactions/{early_meeting.pk}/",
        f"/interactions/{late_meeting.pk}/",
        "/follow-ups/",
        f"/inquiries/{inquiry.pk}/",
    ]
    shown = [row["text"].split(" (")[0] for row in rows]
    assert list(zip(shown, scores, strict=True)) == [
        ("Follow-up: A", 60),
        ("Follow-up: B", 55),
        ("09:00 meeting with " + tier2.display_name, 40),
        ("15:00 meeting with " + tier2.display_name, 40),
        ("Follow-up: G", 40),  # due tomorrow: after today's meetings of the same score
        (f"Inquiry #{inquiry.pk} of " + tier2.display_name + ": open", 35),
        ("Follow-up: E", 33),
        ("Follow-up: D", 25),
    ]  # eight shown: C (15) and F (8) are left off the card


def test_the_scoring_rule_is_stated_on_the_page(client, msl, wednesday):
    client.force_login(msl)

    card = step(client.get("/today/"), 2)

    assert f"Ranked by: {SCORING_RULE}." in " ".join(card.text_content().split())
    assert "Nothing scheduled or due" in card.text_content()


def test_a_tie_between_tonights_meeting_and_tomorrows_deadline_keeps_tonight_first(
    client, msl, make_kol, settings
):
    """Ties go by local time: a meeting at 22:00 in New York is still today there, even
    though it is already tomorrow in UTC."""
    settings.TIME_ZONE = "America/New_York"
    with time_machine.travel(timezone.make_aware(WEDNESDAY), tick=False):
        behind = make_kol(tier=3)  # 10 + 20 + 15 = 45
        EngagementPlanFactory(kol=behind, year=WEDNESDAY.year, planned_touchpoints=4)
        meeting = plan_meeting(msl, [behind], 22)
        FollowUpFactory(owner=msl, kol=make_kol(tier=1), due_date=in_days(1))  # 30 + 15 = 45
        client.force_login(msl)

        rows = agenda(client.get("/today/"))

    assert [(row["href"], row["note"][:8]) for row in rows] == [
        (f"/interactions/{meeting.pk}/", "score 45"),
        ("/follow-ups/", "score 45"),
    ]
    assert rows[0]["text"].startswith("22:00 meeting with")
