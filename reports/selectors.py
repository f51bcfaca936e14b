"""Reads for the reports: the dashboard, scoped to whom the reader may report on, always
from the weekly rollups and database aggregates, so its cost does not grow with the data."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Expression, Q, Sum
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.scoping import sees_everything, visible_territories, visible_users
from catalog.models import InsightTopic
from compliance.selectors import SafetyTimeliness, safety_timeliness, violation_trend
from inquiries.selectors import InquiryMetric, inquiry_metrics
from kols.models import KOL
from msl_crm.counting import count_of, sum_of

from .models import InsightRollup, InteractionRollup, TrendReport
from .rollups import week_start

TOP_TOPICS = 5
COVERAGE_DAYS = 90


def reports_everyone(user) -> bool:
    """Viewers and compliance read organisation-wide aggregates; managers their teams."""
    return sees_everything(user) or user.has_role(Role.VIEWER)


def _aggregates_only(user) -> bool:
    return user.has_role(Role.VIEWER) and not (sees_everything(user) or user.has_role(Role.MANAGER))


def report_authors(user):
    """The authors whose work the user may see aggregated, or None for everyone."""
    return None if reports_everyone(user) else visible_users(user)


@dataclass(frozen=True)
class Coverage:
    tier_one: int
    met: int

    @property
    def percent(self) -> float:
        return round(100 * self.met / self.tier_one, 1) if self.tier_one else 0.0


@dataclass(frozen=True)
class Dashboard:
    weeks: list[dt.date]
    topic_series: list[tuple[str, list[int]]]
    activity: list[tuple[str, list[int]]]
    coverage: Coverage
    inquiries: list[InquiryMetric]
    safety: SafetyTimeliness
    violations: list[dict]
    latest_report: TrendReport | None


def dashboard_for(user, *, weeks: int = 12, today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    # Complete weeks only: the week under way would read as a sudden drop.
    last = week_start(today) - dt.timedelta(weeks=1)
    first = last - dt.timedelta(weeks=weeks - 1)
    week_list = [first + dt.timedelta(weeks=n) for n in range(weeks)]
    authors = report_authors(user)
    now = timezone.now()
    return Dashboard(
        weeks=week_list,
        topic_series=_topic_series(authors, week_list),
        activity=_activity(authors, week_list[-8:], named=not _aggregates_only(user)),
        coverage=_coverage(user, now),
        inquiries=inquiry_metrics(
            since=now - dt.timedelta(days=COVERAGE_DAYS), raised_by=_pks(authors)
        ),
        safety=safety_timeliness(
            since=now - dt.timedelta(days=COVERAGE_DAYS), now=now, reporters=_pks(authors)
        ),
        violations=violation_trend(weeks=weeks, today=today, users=_pks(authors)),
        latest_report=TrendReport.objects.order_by("-week").first(),
    )


def _pks(authors):
    return None if authors is None else authors.values("pk")


def _scoped(queryset, authors):
    return queryset if authors is None else queryset.filter(author__in=authors.values("pk"))


def _topic_series(authors, weeks: list[dt.date]) -> list[tuple[str, list[int]]]:
    rollups = _scoped(InsightRollup.objects.filter(week__in=weeks), authors)
    top = list(
        rollups.values("topic_id").annotate(total=Sum("insights")).order_by("-total")[:TOP_TOPICS]
    )
    top_ids = [row["topic_id"] for row in top]
    counts = {
        (row["topic_id"], row["week"]): row["count"]
        for row in rollups.filter(topic_id__in=top_ids)
        .values("topic_id", "week")
        .annotate(count=Sum("insights"))
        .order_by()
    }
    names = {
        topic.pk: str(topic)
        for topic in InsightTopic.objects.filter(pk__in=top_ids).select_related("parent")
    }
    return [
        (names.get(topic_id, f"#{topic_id}"), [counts.get((topic_id, week), 0) for week in weeks])
        for topic_id in top_ids
    ]


def _activity(authors, weeks: list[dt.date], *, named: bool) -> list[tuple[str, list[int]]]:
    rows = (
        _scoped(InteractionRollup.objects.filter(week__in=weeks), authors)
        .values("author_id", "week")
        .annotate(count=Sum("interactions"))
        .order_by()
    )
    by_author: dict[int, dict] = {}
    for row in rows:
        by_author.setdefault(row["author_id"], {})[row["week"]] = row["count"]
    if named:
        names = {
            user.pk: user.get_full_name() or user.username
            for user in User.objects.filter(pk__in=list(by_author))
        }
        return sorted(
            (names[author], [counts.get(week, 0) for week in weeks])
            for author, counts in by_author.items()
        )
    # Viewers read aggregates only: the activity of named people is not theirs to see.
    ordered = sorted(by_author.values(), key=lambda counts: -sum(counts.values()))
    return [
        (f"MSL {number}", [counts.get(week, 0) for week in weeks])
        for number, counts in enumerate(ordered, start=1)
    ]


def _coverage(user, now) -> Coverage:
    """Share of tier-1 KOLs (in the reader's territories) met in the last 90 days."""
    kols = KOL.objects.filter(tier=1, erased_at__isnull=True)
    if not reports_everyone(user):
        kols = kols.filter(territory__in=visible_territories(user).values("pk"))
    since = now - dt.timedelta(days=COVERAGE_DAYS)
    # One stored row per KOL (LastMeeting) rather than each KOL's history of meetings.
    counts = kols.aggregate(
        tier_one=Count("pk"), met=Count("pk", filter=Q(last_meeting__occurred_at__gte=since))
    )
    return Coverage(**counts)


def _trend_weeks(today: dt.date, weeks: int) -> list[dt.date]:
    return [week_start(today) - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def _teammates(user):
    return User.objects.filter(teams__members=user).distinct()


def team_average(total: int, team_size: int) -> float:
    """Insights per MSL of the team, as the trend shows it."""
    return round(total / (team_size or 1), 1)


def msl_trend_against_team(user, *, weeks: int = 4, today: dt.date | None = None) -> dict:
    """For the MSL's day: their insights per week against their team's average per MSL."""
    today = today or timezone.localdate()
    week_list = _trend_weeks(today, weeks)
    mine = dict(
        InsightRollup.objects.filter(week__in=week_list, author=user)
        .values_list("week")
        .annotate(Sum("insights"))
        .order_by()
    )
    teammates = _teammates(user)
    team_rows = dict(
        InsightRollup.objects.filter(week__in=week_list, author__in=teammates)
        .values_list("week")
        .annotate(Sum("insights"))
        .order_by()
    )
    size = teammates.count()
    return {
        "weeks": week_list,
        "mine": [mine.get(week, 0) for week in week_list],
        "team_average": [team_average(team_rows.get(week, 0), size) for week in week_list],
    }


def msl_trend_figures(user, *, weeks: int, today: dt.date) -> dict[str, Expression]:
    """What the MSL's day shows of msl_trend_against_team, as subqueries to read with the
    day's other figures in one query: my insights this week and over the weeks, the team's
    this week and the team's size (for team_average)."""
    week_list = _trend_weeks(today, weeks)
    mine = InsightRollup.objects.filter(week__in=week_list, author=user)
    team = InsightRollup.objects.filter(week=week_list[-1], author__in=_teammates(user))
    return {
        "my_insights_this_week": sum_of(mine.filter(week=week_list[-1]), "insights"),
        "my_insights_in_weeks": sum_of(mine, "insights"),
        "team_insights_this_week": sum_of(team, "insights"),
        "team_size": count_of(_teammates(user), distinct=True),
    }


def msl_topics_against_team(user, *, weeks: int = 4, today: dt.date | None = None) -> list[dict]:
    """The MSL's insights by topic over the last weeks, with their team's average per MSL
    for the same topics, most frequent first (from the weekly rollups)."""
    today = today or timezone.localdate()
    since = week_start(today) - dt.timedelta(weeks=weeks - 1)
    teammates = User.objects.filter(teams__members=user).distinct()
    rows = (
        InsightRollup.objects.filter(Q(author__in=teammates) | Q(author=user), week__gte=since)
        .values("topic__name")
        .annotate(mine=Sum("insights", filter=Q(author=user)), team=Sum("insights"))
        .order_by("-mine", "topic__name")[: TOP_TOPICS * 2]
    )
    size = teammates.count() or 1
    return [
        {
            "topic": row["topic__name"],
            "mine": row["mine"] or 0,
            "team_average": round(row["team"] / size, 1),
        }
        for row in rows
        if row["mine"]
    ]
