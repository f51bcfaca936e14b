"""Reads of interactions, scoped through accounts.scoping like every other app."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    Exists,
    Expression,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.scoping import scope_for_user, sees_everything
from catalog.models import ApprovedMaterial
from catalog.selectors import material_opens_for
from compliance.firewall import IDENTIFIABLE_INSIGHTS, NOTES, QUOTES, may_see
from compliance.transfers import kol_year_summaries
from kols.models import KOL, EngagementPlan
from msl_crm.counting import count_of
from msl_crm.days import day_bounds

from .models import (
    FollowUp,
    FollowUpStatus,
    Insight,
    Interaction,
    InteractionStatus,
    LastMeeting,
    OwnLastMeeting,
)

LOGGED = (InteractionStatus.SUBMITTED, InteractionStatus.LOCKED)


def interactions_visible_to(user) -> QuerySet[Interaction]:
    """Own interactions for MSLs, the team's for managers, all for compliance."""
    return scope_for_user(Interaction.objects.all(), user, owner_field="owner")


def kol_interaction_timeline(kol, user, *, limit: int = 10) -> list[Interaction]:
    return list(
        interactions_visible_to(user)
        .filter(kols=kol)
        .select_related("owner")
        .order_by("-occurred_at", "-planned_at", "-pk")[:limit]
    )


def last_interaction_dates(kols, user) -> dict[int, str]:
    """When each KOL was last met (submitted or locked), as far as `user` may see, as the
    ISO date the pages show everywhere."""
    pks = [kol.pk for kol in kols]
    if sees_everything(user):
        # Everybody's meetings are the stored last meetings: a row per KOL.
        rows = LastMeeting.objects.filter(kol__in=pks).values_list("kol_id", "occurred_at")
    else:
        # The stored last meeting of each owner the user may see: one row per KOL and MSL,
        # not each KOL's history of meetings (4 ms of an MSL's directory page at scale 1).
        rows = (
            scope_for_user(OwnLastMeeting.objects.filter(kol__in=pks), user, owner_field="owner")
            .values("kol_id")
            .annotate(last=Max("occurred_at"))
            .values_list("kol_id", "last")
        )
    return {kol: last.date().isoformat() for kol, last in rows if last}


def kol_open_follow_ups(kol, user) -> list[FollowUp]:
    return list(
        scope_for_user(FollowUp.objects.all(), user, owner_field="owner")
        .filter(Q(kol=kol) | Q(interaction__kols=kol), status=FollowUpStatus.OPEN)
        .distinct()
        .order_by("due_date")[:10]
    )


def my_open_follow_ups(user) -> QuerySet[FollowUp]:
    """The user's open follow-ups by due date: overdue first, then today's, then upcoming."""
    return (
        FollowUp.objects.filter(owner=user, status=FollowUpStatus.OPEN)
        .select_related("kol", "interaction")
        .order_by("due_date", "pk")
    )


def my_drafts(user) -> QuerySet[Interaction]:
    """Interactions the user has logged but not submitted yet."""
    return Interaction.objects.filter(owner=user, status=InteractionStatus.DRAFT)


def insights_written_on(user, day: dt.date) -> QuerySet[Insight]:
    start, end = day_bounds(day)
    return Insight.objects.filter(author=user, created_at__gte=start, created_at__lt=end)


def kol_behind_plan(kol: Expression, *, today: dt.date) -> Exists:
    """Over an outer row whose `kol` is given (e.g. OuterRef("kol")): is the KOL's engagement
    plan for this year behind schedule, with fewer logged interactions than the year's
    elapsed share of the planned touchpoints? A subquery, so that a list can say it of each
    of its KOLs without a query of its own."""
    share_of_year = today.timetuple().tm_yday / 365
    met = count_of(
        Interaction.objects.filter(
            kols=OuterRef("kol"), status__in=LOGGED, occurred_at__year=today.year
        )
    )
    return Exists(
        EngagementPlan.objects.filter(kol=kol, year=today.year)
        .annotate(met=met)
        .filter(met__lt=F("planned_touchpoints") * share_of_year)
    )


def follow_ups_due_by(user, *, day: dt.date, today: dt.date, limit: int) -> list[FollowUp]:
    """The user's open follow-ups due by `day` (the overdue first), each with whether its
    KOL's engagement plan is behind (`kol_behind_plan`)."""
    return list(
        FollowUp.objects.filter(owner=user, status=FollowUpStatus.OPEN, due_date__lte=day)
        .select_related("kol")
        .annotate(kol_behind_plan=kol_behind_plan(OuterRef("kol"), today=today))
        .order_by("due_date", "pk")[:limit]
    )


def my_day_interactions(
    user, *, today: dt.date, draft_limit: int
) -> tuple[list[Interaction], list[Interaction]]:
    """For the MSL's day, read in one query: the meetings the user planned for today, by
    time, and their oldest drafts (at most `draft_limit`). Each comes with its KOLs, their
    institution and whether their engagement plan is behind (`kol.behind_plan`)."""
    start, end = day_bounds(today)
    oldest_drafts = my_drafts(user).order_by("occurred_at", "pk")[:draft_limit]
    kols = KOL.objects.select_related("institution").annotate(
        behind_plan=kol_behind_plan(OuterRef("pk"), today=today)
    )
    interactions = (
        Interaction.objects.filter(
            Q(
                status=InteractionStatus.PLANNED,
                planned_at__gte=start,
                planned_at__lt=end,
            )
            | Q(pk__in=oldest_drafts.values("pk")),
            owner=user,
            # Implied by both arms; said outright, it lets the (owner, status) index find the
            # few planned and draft rows instead of reading all of the MSL's history.
            status__in=[InteractionStatus.PLANNED, InteractionStatus.DRAFT],
        )
        # Meetings by planned time, drafts by when they happened: each list in its order.
        .annotate(
            day_order=Case(
                When(status=InteractionStatus.PLANNED, then=F("planned_at")),
                default=F("occurred_at"),
            )
        )
        .prefetch_related(Prefetch("kols", queryset=kols))
        .order_by("day_order", "pk")
    )
    meetings, drafts = [], []
    for interaction in interactions:
        planned = interaction.status == InteractionStatus.PLANNED
        (meetings if planned else drafts).append(interaction)
    return meetings, drafts


def follow_up_get_for_owner(*, user, pk) -> FollowUp:
    """A follow-up of the user's own; anybody else's answers 404."""
    return get_object_or_404(FollowUp.objects.select_related("kol"), pk=pk, owner=user)


def interaction_get_for_user(*, user, pk) -> Interaction:
    """The interaction if the user may see it; 404 otherwise."""
    return get_object_or_404(interactions_visible_to(user).select_related("owner"), pk=pk)


def interaction_list_for_user(user) -> QuerySet[Interaction]:
    return (
        interactions_visible_to(user)
        .select_related("owner")
        .prefetch_related("kols", "topics")
        .order_by("-occurred_at", "-planned_at", "-pk")
    )


@dataclass(frozen=True)
class ContentSight:
    """What of an interaction's written content the reader may see (the firewall)."""

    notes: bool
    quotes: bool


@dataclass(frozen=True)
class SharedMaterial:
    """A material shared at an interaction, as the interaction's page shows it to a reader:
    `opens`, whether the reader may open it today; `lapsed`, what the page says of a
    material no longer approved for sharing (empty while it is)."""

    material: ApprovedMaterial
    opens: bool
    lapsed: str


def materials_shared_for(user, interaction: Interaction) -> list[SharedMaterial]:
    today = timezone.localdate()
    shared = []
    for material in interaction.materials_shared.all():
        opens = material_opens_for(user, material, on=today)
        shared.append(SharedMaterial(material, opens, material.lapse(today)))
    return shared


def interaction_sight(user, interaction: Interaction) -> ContentSight:
    return ContentSight(
        notes=may_see(user, NOTES, author_id=interaction.owner_id),
        quotes=may_see(user, QUOTES, author_id=interaction.owner_id),
    )


@dataclass(frozen=True)
class KOLInsights:
    items: list
    restricted: bool = False


def kol_insights(kol, user, *, limit: int = 10) -> KOLInsights:
    """What the KOL said, from interactions the reader may see, newest first; nothing when
    the firewall keeps identifiable insights from the reader's role, and each insight's text
    only where the firewall shows quotes."""
    if not may_see(user, IDENTIFIABLE_INSIGHTS):
        return KOLInsights(items=[], restricted=True)
    insights = list(
        Insight.objects.filter(kol=kol, interaction__in=interactions_visible_to(user))
        .select_related("topic__parent")
        .order_by("-created_at")[:limit]
    )
    for insight in insights:
        insight.text_hidden = not may_see(user, QUOTES, author_id=insight.author_id)
    return KOLInsights(items=insights)


def attendee_value_summaries(interaction: Interaction, kols=None) -> list:
    """Each attending KOL's transfers of value this year against the Open Payments
    thresholds, for the interaction page and form (pass the attendees if already read)."""
    kols = list(interaction.kols.all()) if kols is None else list(kols)
    summaries = kol_year_summaries(kols)
    return [(kol, summaries[kol.pk]) for kol in kols]
