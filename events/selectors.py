"""Reads of the events app. Events other than internal meetings are the whole field
force's; internal meetings, trips and learning records follow accounts.scoping."""

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import Role
from accounts.scoping import scope_for_user, sees_everything
from compliance.firewall import IDENTIFIABLE_INSIGHTS, QUOTES, may_see
from compliance.models import ProductCertification
from interactions.models import Insight, InteractionStatus
from interactions.selectors import interactions_visible_to
from msl_crm.counting import count_of
from msl_crm.days import day_start

from .models import (
    Event,
    EventKind,
    EventMeeting,
    ExpectedKOL,
    Expense,
    InsightComment,
    LearningRecord,
    Mention,
    SharedInsight,
    TrainingRequirement,
    Trip,
)

EXPIRING_SOON = dt.timedelta(days=30)


def events_visible_to(user) -> QuerySet[Event]:
    if not user.is_authenticated or not user.is_active:
        return Event.objects.none()
    if sees_everything(user):
        return Event.objects.all()
    invited = Event.objects.filter(
        Q(organiser=user) | Q(attendees=user), kind=EventKind.INTERNAL_MEETING
    ).values("pk")
    return Event.objects.filter(~Q(kind=EventKind.INTERNAL_MEETING) | Q(pk__in=invited))


def event_list(user, *, upcoming: bool, today: dt.date) -> QuerySet[Event]:
    events = (
        events_visible_to(user)
        .select_related("therapeutic_area")
        .annotate(
            kol_count=Count("expected_kols", distinct=True),
            attending=Exists(
                Event.attendees.through.objects.filter(event_id=OuterRef("pk"), user_id=user.pk)
            ),
        )
    )
    if upcoming:
        return events.filter(ends_on__gte=today).order_by("starts_on", "title")
    return events.filter(ends_on__lt=today).order_by("-starts_on", "title")


def event_get_for_user(*, user, pk) -> Event:
    return get_object_or_404(
        events_visible_to(user).select_related("organiser", "therapeutic_area"), pk=pk
    )


def event_expected_kols(event: Event, user) -> list[ExpectedKOL]:
    return list(
        event.expected_kols.filter(kol__erased_at__isnull=True).select_related("kol__institution")
    )


def event_meetings(event: Event, user) -> list[EventMeeting]:
    """The KOL meetings planned at the event that the reader may see."""
    return list(
        EventMeeting.objects.filter(event=event, interaction__in=interactions_visible_to(user))
        .select_related("interaction__owner")
        .prefetch_related("interaction__kols")
        .order_by("interaction__planned_at")
    )


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    in_month: bool
    events: list


def month_calendar(user, year: int, month: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month, each day with the events running that day."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    events = list(
        events_visible_to(user)
        .filter(starts_on__lte=last, ends_on__gte=first)
        .order_by("starts_on", "title")
    )
    return [
        [
            CalendarDay(
                date=day,
                in_month=day.month == month,
                events=[event for event in events if event.starts_on <= day <= event.ends_on],
            )
            for day in week
        ]
        for week in weeks
    ]


def trips_visible_to(user) -> QuerySet[Trip]:
    return scope_for_user(Trip.objects.all(), user, owner_field="traveller")


def trip_list(user) -> QuerySet[Trip]:
    return (
        trips_visible_to(user)
        .select_related("traveller", "event")
        .annotate(
            # A subquery: summed over a join with the itinerary, each expense would count
            # once per itinerary item.
            expense_total=Subquery(
                Expense.objects.filter(trip=OuterRef("pk"))
                .order_by()
                .values("trip")
                .annotate(total=Sum("amount"))
                .values("total"),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            ),
            # One currency, or "mixed" on the page: amounts in different currencies are
            # not added up.
            expense_currency=Subquery(
                Expense.objects.filter(trip=OuterRef("pk"))
                .order_by()
                .values("trip")
                .annotate(only=Min("currency"), currencies=Count("currency", distinct=True))
                .filter(currencies=1)
                .values("only")
            ),
            item_count=Count("itinerary", distinct=True),
        )
        .order_by("-departs_on", "-pk")
    )


def trip_get_for_user(*, user, pk) -> Trip:
    return get_object_or_404(trips_visible_to(user).select_related("traveller", "event"), pk=pk)


def upcoming_trips(user, *, today: dt.date, limit: int = 5) -> list[Trip]:
    return list(
        Trip.objects.filter(traveller=user, returns_on__gte=today)
        .select_related("event")
        .order_by("departs_on")[:limit]
    )


def learning_visible_to(user) -> QuerySet[LearningRecord]:
    return scope_for_user(LearningRecord.objects.all(), user, owner_field="user")


def quarter_start(today: dt.date) -> dt.date:
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def learning_since(user, *, since: dt.date) -> QuerySet[LearningRecord]:
    return LearningRecord.objects.filter(user=user, completed_on__gte=since)


def learning_hours(user, *, since: dt.date) -> Decimal:
    total = learning_since(user, since=since).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


@dataclass(frozen=True)
class TrainingStatus:
    requirement: TrainingRequirement
    valid_until: dt.date | None
    state: str  # "current", "expiring", "lapsed" or "missing"

    @property
    def label(self) -> str:
        return {
            "current": "Current",
            "expiring": "Expires soon",
            "lapsed": "Lapsed",
            "missing": "Not completed",
        }[self.state]


def requirements_for(user) -> QuerySet[TrainingRequirement]:
    return TrainingRequirement.objects.filter(active=True, role__in=list(user.role_names))


def training_status(user, *, today: dt.date) -> list[TrainingStatus]:
    """Each training required of the user's roles with its latest expiry; the lapsed and
    missing first, then those expiring soonest. One query: each requirement comes with the
    latest expiry of the user's records of it, and of their certification in its product."""
    latest_record = (
        LearningRecord.objects.filter(user=user, requirement=OuterRef("pk"))
        .order_by()
        .values("requirement")
        .annotate(last=Max("expires_on"))
        .values("last")
    )
    # A product certification recorded by an admin counts as the product's training too.
    latest_certification = (
        ProductCertification.objects.filter(user=user, product=OuterRef("product_id"))
        .order_by()
        .values("product")
        .annotate(last=Max("expires_on"))
        .values("last")
    )
    requirements = (
        requirements_for(user)
        .select_related("product")
        .annotate(
            learned_until=Subquery(latest_record),
            certified_until=Subquery(latest_certification),
        )
    )
    rows = []
    for requirement in requirements:
        until = max(
            filter(None, (requirement.learned_until, requirement.certified_until)),
            default=None,
        )
        if until is None:
            state = "missing"
        elif until < today:
            state = "lapsed"
        elif until - today <= EXPIRING_SOON:
            state = "expiring"
        else:
            state = "current"
        rows.append(TrainingStatus(requirement, until, state))
    order = {"lapsed": 0, "missing": 1, "expiring": 2, "current": 3}
    return sorted(rows, key=lambda row: (order[row.state], row.valid_until or today))


@functools.lru_cache(maxsize=4)
def adverse_event_training_lapsed_flag(today: dt.date) -> Exists:
    """Over an outer user row: does a required adverse-event-reporting training of one of
    the user's roles lack a completion valid today? Read with the user on every request
    (accounts.backends) for the warning banner; built once a day, as building it took
    longer than running it (the ORM copies it whenever a query uses it)."""
    user = OuterRef(OuterRef("pk"))
    roles = Group.objects.filter(user=user).values("name")
    valid = LearningRecord.objects.filter(
        user=user, requirement=OuterRef("pk"), expires_on__gte=today
    )
    return Exists(
        TrainingRequirement.objects.filter(
            active=True, is_adverse_event_reporting=True, role__in=roles
        ).exclude(Exists(valid))
    )


def adverse_event_training_lapsed(user, *, today: dt.date) -> bool:
    if not user.is_authenticated:
        return False
    return (
        User.objects.filter(pk=user.pk)
        .values_list(adverse_event_training_lapsed_flag(today), flat=True)
        .get()
    )


# Insights and comments (step 7)


def _readable_insights(user) -> QuerySet[Insight]:
    shared_with_me = SharedInsight.objects.filter(
        Q(meeting__attendees=user) | Q(meeting__organiser=user)
    ).values("insight")
    return Insight.objects.filter(
        Q(author=user) | Q(interaction__in=interactions_visible_to(user)) | Q(pk__in=shared_with_me)
    )


def insight_get_for_user(*, user, pk) -> Insight:
    """An insight the user may discuss: one they may see through its interaction, or one
    shared into an internal meeting they attend; the firewall's identifiable-insight rule
    still applies to other people's."""
    insight = get_object_or_404(
        _readable_insights(user).select_related("kol", "topic__parent", "author", "interaction"),
        pk=pk,
    )
    if not may_see(user, IDENTIFIABLE_INSIGHTS, author_id=insight.author_id):
        raise Http404("No insight found.")
    insight.text_hidden = not may_see(user, QUOTES, author_id=insight.author_id)
    return insight


def insight_readers(insight: Insight) -> QuerySet[User]:
    """Who may read the insight, so who can be mentioned in its comments."""
    owner = insight.interaction.owner_id
    return User.objects.filter(
        Q(pk=owner)
        | Q(pk=insight.author_id)
        | Q(managed_teams__members=owner)
        | Q(events_attending__shared_insights__insight=insight)
        | Q(organised_events__shared_insights__insight=insight)
        | Q(groups__name=Role.COMPLIANCE),
        is_active=True,
    ).distinct()


def insight_comments(insight: Insight) -> list[InsightComment]:
    return list(insight.comments.select_related("author"))


def my_insights_to_share(user, *, since: dt.date) -> QuerySet[Insight]:
    return (
        # From the day's start, not created_at__date: the (author, created_at) index then
        # reads only the recent insights instead of all of the author's.
        Insight.objects.filter(author=user, created_at__gte=day_start(since))
        .select_related("topic__parent")
        .order_by("-created_at")
    )


def meeting_shared_insights(meeting: Event, user) -> list[SharedInsight]:
    shared = list(
        meeting.shared_insights.select_related(
            "insight__kol", "insight__topic__parent", "insight__author", "shared_by"
        ).annotate(comment_count=Count("insight__comments"))
    )
    for item in shared:
        item.insight.text_hidden = not may_see(user, QUOTES, author_id=item.insight.author_id)
    return shared


def planned_event_meetings(user, *, today: dt.date) -> QuerySet[EventMeeting]:
    """KOL meetings the user planned at events that have not ended yet."""
    return EventMeeting.objects.filter(
        interaction__owner=user,
        interaction__status=InteractionStatus.PLANNED,
        event__ends_on__gte=today,
    )


def unread_mentions(user) -> QuerySet[Mention]:
    return Mention.objects.filter(user=user, read_at__isnull=True)


def mention_list(user) -> QuerySet[Mention]:
    return (
        Mention.objects.filter(user=user)
        .select_related("comment__author", "comment__insight__kol")
        .order_by("-comment__created_at", "-pk")
    )


def my_coming_events(
    user, *, today: dt.date, horizon: dt.date, limit: int
) -> tuple[list[Event], list[Event]]:
    """For the MSL's day, read in one query: the first events of the field (congresses,
    advisory boards...) starting by `horizon` that the user attends, organises or travels
    to; and the first internal meetings they may see, with how many insights were shared at
    each (`shared_count`). At most `limit` of each, soonest first, none already over."""
    internal = Q(kind=EventKind.INTERNAL_MEETING)
    attending = Exists(
        Event.attendees.through.objects.filter(event_id=OuterRef("pk"), user_id=user.pk)
    )
    travelling = Exists(Trip.objects.filter(event=OuterRef("pk"), traveller=user))
    in_the_field = (
        ~internal & Q(starts_on__lte=horizon) & (attending | Q(organiser=user) | travelling)
    )
    events = (
        events_visible_to(user)
        .filter(internal | in_the_field, ends_on__gte=today)
        .annotate(
            internal_meeting=Case(
                When(internal, then=True), default=False, output_field=BooleanField()
            ),
            shared_count=count_of(SharedInsight.objects.filter(meeting=OuterRef("pk"))),
            # The first `limit` of each kind, numbered apart, so one query reads both lists.
            place=Window(
                RowNumber(), partition_by=F("internal_meeting"), order_by=[F("starts_on"), F("pk")]
            ),
        )
        .filter(place__lte=limit)
        .order_by("starts_on", "pk")
    )
    field, internal_meetings = [], []
    for event in events:
        (internal_meetings if event.internal_meeting else field).append(event)
    return field, internal_meetings
