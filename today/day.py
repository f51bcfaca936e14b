"""What each step of the MSL's day shows, composed from the other apps' selectors. Every
read is a fixed number of queries whatever the amount of data: counts and the top few rows,
never one query per row."""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.urls import reverse
from django.utils import timezone

from compliance.selectors import certifications_expiring, safety_reports_awaiting
from events.models import Event
from events.selectors import (
    my_coming_events,
    training_status,
    unread_mentions,
    upcoming_trips,
)
from inquiries.models import MedicalInquiry
from inquiries.selectors import my_open_inquiries
from interactions.models import FollowUp, Interaction
from interactions.selectors import follow_ups_due_by, my_day_interactions
from literature.selectors import feed_for, new_since_previous_visit
from msl_crm.business_days import add_business_days
from msl_crm.counting import first_rows_with_total

from .models import StepTick
from .priorities import SCORING_RULE, SOON_DAYS, AgendaItem, ranked
from .selectors import TREND_WEEKS, day_figures
from .steps import STEPS, Step

TOP = 3
LIST_LIMIT = 50  # the agenda ranks at most this many follow-ups and inquiries each
AGENDA_SIZE = 8
EVENTS_HORIZON_DAYS = 60


@dataclass
class Figure:
    label: str
    value: object
    tone: str = "secondary"  # a Bootstrap colour: danger for what needs action now


@dataclass
class Item:
    text: str
    url: str = ""
    note: str = ""
    action_url: str = ""
    action_label: str = ""


@dataclass
class StepCard:
    step: Step
    done: bool
    figures: list[Figure] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    empty: str = "Nothing here today."
    note: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return reverse(self.step.url_name)

    @property
    def needs_action(self) -> bool:
        return any(figure.tone == "danger" for figure in self.figures)


def ticks_today(user, today: dt.date) -> int:
    return StepTick.objects.filter(user=user, day=today).count()


class MyDay:
    def __init__(self, user, *, now: dt.datetime | None = None):
        self.user = user
        self.now = timezone.localtime(now)
        self.today = self.now.date()

    # Shared reads

    @cached_property
    def figures(self) -> dict:
        return day_figures(self.user, now=self.now)

    @cached_property
    def ticked(self) -> set[int]:
        return self.figures["ticked"]

    @cached_property
    def _interactions(self) -> tuple[list[Interaction], list[Interaction]]:
        return my_day_interactions(self.user, today=self.today, draft_limit=TOP)

    @property
    def meetings_today(self) -> list[Interaction]:
        return self._interactions[0]

    @property
    def oldest_drafts(self) -> list[Interaction]:
        return self._interactions[1]

    @cached_property
    def coming_events(self) -> tuple[list[Event], list[Event]]:
        """The field events (congresses...) in the next two months, and internal meetings."""
        horizon = self.today + dt.timedelta(days=EVENTS_HORIZON_DAYS)
        return my_coming_events(self.user, today=self.today, horizon=horizon, limit=TOP)

    @cached_property
    def follow_ups_due(self) -> list[FollowUp]:
        """Open follow-ups overdue or due within the next days (the agenda's horizon)."""
        due_by = self.today + dt.timedelta(days=SOON_DAYS)
        return follow_ups_due_by(self.user, day=due_by, today=self.today, limit=LIST_LIMIT)

    @cached_property
    def my_inquiries(self) -> list[MedicalInquiry]:
        return my_open_inquiries(self.user, today=self.today, limit=LIST_LIMIT)

    @cached_property
    def behind_plan(self) -> set[int]:
        """KOLs on today's agenda whose engagement plan this year is behind schedule (each
        list was read with that flag)."""
        kols = (kol for meeting in self.meetings_today for kol in meeting.kols.all())
        kol_ids = {kol.pk for kol in kols if kol.behind_plan}
        kol_ids |= {item.kol_id for item in self.follow_ups_due if item.kol_behind_plan}
        kol_ids |= {inquiry.kol_id for inquiry in self.my_inquiries if inquiry.kol_behind_plan}
        return kol_ids

    @cached_property
    def agenda(self) -> list[AgendaItem]:
        items = []
        for meeting in self.meetings_today:
            kols = list(meeting.kols.all())
            names = ", ".join(kol.display_name for kol in kols) or "no KOL yet"
            items.append(
                AgendaItem(
                    "meeting",
                    f"{timezone.localtime(meeting.planned_at):%H:%M} meeting with {names}",
                    reverse("interactions:detail", args=[meeting.pk]),
                    meeting.planned_at,
                    kol=_top_tier(kols),
                )
            )
        for follow_up in self.follow_ups_due:
            items.append(
                AgendaItem(
                    "follow_up",
                    f"Follow-up: {follow_up.description}"
                    + (f" ({follow_up.kol.display_name})" if follow_up.kol else ""),
                    reverse("follow_ups:list"),
                    follow_up.due_date,
                    kol=follow_up.kol,
                )
            )
        horizon = add_business_days(self.today, 2)
        for inquiry in self.my_inquiries:
            if inquiry.deadline <= horizon:
                items.append(
                    AgendaItem(
                        "inquiry",
                        f"Inquiry #{inquiry.pk} of {inquiry.kol.display_name}: "
                        f"{inquiry.get_status_display().lower()}",
                        reverse("inquiries:detail", args=[inquiry.pk]),
                        inquiry.deadline,
                        kol=inquiry.kol,
                    )
                )
        return ranked(items, today=self.today, behind_plan=self.behind_plan)

    # The steps

    def cards(self) -> list[StepCard]:
        builders = {
            1: self._literature,
            2: self._plan,
            3: self._prepare,
            4: self._conduct,
            5: self._document,
            6: self._analyse,
            7: self._collaborate,
            8: self._educate,
            9: self._inquiries,
            10: self._travel,
            11: self._compliance,
            12: self._follow_up,
        }
        return [builders[step.number](StepCard(step, step.number in self.ticked)) for step in STEPS]

    def _literature(self, card: StepCard) -> StepCard:
        items, _ = feed_for(self.user)
        top, count = first_rows_with_total(new_since_previous_visit(self.user, items), TOP)
        card.figures = [
            Figure("new or updated since your last visit", count, _tone(count, "primary"))
        ]
        card.items = [Item(item.title, reverse("literature:feed")) for item in top]
        card.empty = "Nothing new for your watch topics."
        return card

    def _plan(self, card: StepCard) -> StepCard:
        agenda = self.agenda
        card.figures = [
            Figure("meetings today", len(self.meetings_today), "primary"),
            Figure(
                "follow-ups due by " + _short(self.today + dt.timedelta(days=SOON_DAYS)),
                len(self.follow_ups_due),
            ),
            Figure(
                "overdue",
                self.figures["follow_ups_overdue"],
                _tone(self.figures["follow_ups_overdue"], "danger"),
            ),
        ]
        card.items = [
            Item(item.label, item.url, note=f"score {item.score}: {item.reason}")
            for item in agenda[:AGENDA_SIZE]
        ]
        card.note = f"Ranked by: {SCORING_RULE}."
        card.empty = "Nothing scheduled or due: a good day to plan the next meetings."
        return card

    def _prepare(self, card: StepCard) -> StepCard:
        kols = _unique(kol for meeting in self.meetings_today for kol in meeting.kols.all())
        card.figures = [Figure("KOLs to brief on", len(kols), "primary")]
        card.items = [
            Item(
                kol.display_name,
                reverse("kols:detail", args=[kol.pk]),
                note=kol.institution.name if kol.institution else "",
            )
            for kol in kols
        ]
        card.empty = "No meetings today, so no briefing to prepare."
        return card

    def _conduct(self, card: StepCard) -> StepCard:
        card.figures = [Figure("meetings to log", len(self.meetings_today), "primary")]
        card.items = [
            Item(
                f"{timezone.localtime(meeting.planned_at):%H:%M} "
                + ", ".join(kol.display_name for kol in meeting.kols.all()),
                reverse("interactions:detail", args=[meeting.pk]),
                action_url=reverse("interactions:edit", args=[meeting.pk]),
                action_label="Log it",
            )
            for meeting in self.meetings_today
        ]
        card.links = [
            (label, f"{reverse('interactions:new')}?channel={channel}")
            for channel, label in (
                ("in_person", "In person"),
                ("phone", "Phone"),
                ("video", "Video"),
            )
        ]
        card.empty = "No planned meetings today; log an unplanned one below."
        return card

    def _document(self, card: StepCard) -> StepCard:
        top = self.oldest_drafts
        draft_count = self.figures["drafts"]
        insights_today = self.figures["insights_today"]
        card.figures = [
            Figure("drafts to submit", draft_count, _tone(draft_count, "warning")),
            Figure(
                "insights captured today",
                insights_today,
                "success" if insights_today else "secondary",
            ),
        ]
        card.items = [
            Item(
                f"Draft: {draft}"
                + (
                    " with " + ", ".join(k.display_name for k in draft.kols.all())
                    if draft.kols.all()
                    else ""
                ),
                reverse("interactions:detail", args=[draft.pk]),
            )
            for draft in top
        ]
        card.empty = "No drafts waiting: everything is submitted."
        return card

    def _analyse(self, card: StepCard) -> StepCard:
        card.figures = [
            Figure("my insights this week", self.figures["my_insights_this_week"], "primary"),
            Figure("team average per MSL", self.figures["team_average_this_week"]),
            Figure(f"my last {TREND_WEEKS} weeks", self.figures["my_insights_in_weeks"]),
        ]
        card.note = "Counted from submitted interactions; the weekly rollup refreshes nightly."
        card.empty = ""
        return card

    def _collaborate(self, card: StepCard) -> StepCard:
        meetings = self.coming_events[1]
        top = list(
            unread_mentions(self.user).select_related("comment__author").order_by("-pk")[:TOP]
        )
        count = self.figures["comments_waiting"]
        card.figures = [
            Figure("comments waiting for me", count, _tone(count, "warning")),
            Figure("internal meetings coming", len(meetings)),
        ]
        card.items = [
            Item(
                f"{mention.comment.author} {mention.get_kind_display().lower()}",
                reverse("events:insight", args=[mention.comment.insight_id]),
            )
            for mention in top
        ] + [
            Item(
                f"{meeting.title}",
                reverse("events:detail", args=[meeting.pk]),
                note=f"{meeting.starts_on:%a %d %b} · {meeting.shared_count} insights shared",
            )
            for meeting in meetings
        ]
        card.empty = "No comments or internal meetings waiting."
        return card

    def _educate(self, card: StepCard) -> StepCard:
        due = [
            row for row in training_status(self.user, today=self.today) if row.state != "current"
        ]
        hours = self.figures["learning_hours"]
        urgent = sum(1 for row in due if row.state in {"lapsed", "missing"})
        card.figures = [
            Figure("trainings lapsed or missing", urgent, _tone(urgent, "danger")),
            Figure(
                "expiring within 30 days", len(due) - urgent, _tone(len(due) - urgent, "warning")
            ),
            Figure("learning hours this quarter", f"{hours:g}"),
        ]
        card.items = [
            Item(
                f"{row.requirement}: {row.label.lower()}",
                reverse("events:learning"),
                note=f"valid until {row.valid_until:%Y-%m-%d}" if row.valid_until else "",
                action_url=f"{reverse('events:learning_new')}?requirement={row.requirement.pk}",
                action_label="Record it",
            )
            for row in due[:TOP]
        ]
        card.empty = "All required training is current."
        return card

    def _inquiries(self, card: StepCard) -> StepCard:
        inquiries = self.my_inquiries
        horizon = add_business_days(self.today, 2)
        overdue = [inquiry for inquiry in inquiries if inquiry.deadline < self.today]
        near = [inquiry for inquiry in inquiries if self.today <= inquiry.deadline <= horizon]
        card.figures = [
            Figure("open that I raised", len(inquiries), "primary"),
            Figure("due within 2 business days", len(near), _tone(len(near), "warning")),
            Figure("overdue", len(overdue), _tone(len(overdue), "danger")),
        ]
        card.items = [
            Item(
                f"#{inquiry.pk} {inquiry.kol.display_name}"
                + (f" · {inquiry.product.name}" if inquiry.product else ""),
                reverse("inquiries:detail", args=[inquiry.pk]),
                note=f"{inquiry.get_status_display()} · due {inquiry.deadline:%Y-%m-%d}"
                + (" · overdue" if inquiry.deadline < self.today else ""),
            )
            for inquiry in inquiries[:TOP]
        ]
        card.empty = "No open inquiries of yours."
        return card

    def _travel(self, card: StepCard) -> StepCard:
        events = self.coming_events[0]
        trips = upcoming_trips(self.user, today=self.today, limit=TOP)
        meetings = self.figures["event_meetings"]
        card.figures = [
            Figure(f"my events in the next {EVENTS_HORIZON_DAYS} days", len(events), "primary"),
            Figure("trips coming", len(trips)),
            Figure("KOL meetings planned at events", meetings),
        ]
        card.items = [
            Item(
                event.title,
                reverse("events:detail", args=[event.pk]),
                note=f"{event.starts_on:%a %d %b} · {event.location or event.get_kind_display()}",
            )
            for event in events
        ] + [
            Item(
                f"Trip: {trip.purpose}",
                reverse("events:trip", args=[trip.pk]),
                note=f"{trip.departs_on:%d %b} to {trip.returns_on:%d %b}",
            )
            for trip in trips
        ]
        card.empty = "No events or trips coming up."
        return card

    def _compliance(self, card: StepCard) -> StepCard:
        hits, blocks = self.figures["compliance_hits"], self.figures["compliance_blocks"]
        reports = safety_reports_awaiting(reporter=self.user)
        expiring = certifications_expiring(self.user, today=self.today)
        card.figures = [
            Figure(
                "adverse events awaiting forwarding", len(reports), _tone(len(reports), "danger")
            ),
            Figure("compliance hits this week", hits, _tone(blocks, "warning")),
            Figure(
                "certifications expiring in 30 days", len(expiring), _tone(len(expiring), "warning")
            ),
        ]
        card.items = [
            Item(
                f"Safety report for {report.kol or 'an HCP'}: due "
                f"{timezone.localtime(report.deadline):%Y-%m-%d %H:%M}",
                note="forwarded automatically, with retries, within one business day",
            )
            for report in reports[:TOP]
        ] + [
            Item(
                f"{product} certification expires {until:%Y-%m-%d}",
                reverse("events:learning"),
                action_url=reverse("events:learning_new"),
                action_label="Record training",
            )
            for product, until in expiring[:TOP]
        ]
        card.empty = "Nothing to fix: no hits, no pending safety reports, certifications current."
        return card

    def _follow_up(self, card: StepCard) -> StepCard:
        overdue = [item for item in self.follow_ups_due if item.due_date < self.today]
        card.figures = [
            Figure(
                "overdue follow-ups",
                self.figures["follow_ups_overdue"],
                _tone(self.figures["follow_ups_overdue"], "danger"),
            ),
            Figure("open follow-ups", self.figures["follow_ups_open"]),
        ]
        card.items = [
            Item(
                item.description,
                reverse("follow_ups:list"),
                note=f"due {item.due_date:%Y-%m-%d}"
                + (f" · {item.kol.display_name}" if item.kol else ""),
                action_url=f"{reverse('interactions:new')}?kol={item.kol_id}"
                if item.kol_id
                else "",
                action_label="Schedule a meeting" if item.kol_id else "",
            )
            for item in overdue[:TOP]
        ]
        card.links = [("Plan a meeting", reverse("interactions:new"))]
        card.empty = "No overdue follow-ups."
        return card


def _tone(count, tone: str) -> str:
    return tone if count else "secondary"


def _short(day: dt.date) -> str:
    return f"{day:%a %d %b}"


def _top_tier(kols):
    return min(kols, key=lambda kol: kol.tier, default=None)


def _unique(kols):
    seen, result = set(), []
    for kol in kols:
        if kol.pk not in seen:
            seen.add(kol.pk)
            result.append(kol)
    return result
