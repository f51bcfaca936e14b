"""The weekly rollups the dashboard reads: counted by the database (GROUP BY over a week's
rows), replaced week by week in one transaction, so running a week twice never doubles it."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Q

from interactions.models import Insight, Interaction
from interactions.selectors import LOGGED
from msl_crm.days import day_start

from .models import InsightRollup, InteractionRollup, ProductRollup, StaleRollupWeek

SENTIMENTS = ("positive", "neutral", "negative", "mixed")


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_bounds(week: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The week as aware datetimes in the site's time zone, Monday 00:00 to Monday 00:00."""
    return day_start(week), day_start(week + dt.timedelta(days=7))


def rollups_refresh_stale(*, also: Iterable[dt.date] = ()) -> int:
    """Recount the weeks changes have marked stale, and `also`. The marks are cleared first,
    in their own transaction: a change committed after that marks its week again, and one
    committed before is seen by the recount."""
    with transaction.atomic():
        stale = list(StaleRollupWeek.objects.select_for_update().values_list("pk", "week"))
        StaleRollupWeek.objects.filter(pk__in=[pk for pk, _ in stale]).delete()
    return rollups_refresh(sorted({week for _, week in stale} | set(also)))


@transaction.atomic
def rollups_refresh(weeks: list[dt.date]) -> int:
    """Recount the given weeks; returns how many rollup rows were written."""
    written = 0
    for week in weeks:
        start, end = week_bounds(week)
        InsightRollup.objects.filter(week=week).delete()
        ProductRollup.objects.filter(week=week).delete()
        InteractionRollup.objects.filter(week=week).delete()
        # Only what was reported: insights of submitted or locked interactions, never of a
        # draft that may still change or be deleted.
        in_week = Insight.objects.filter(
            created_at__gte=start, created_at__lt=end, interaction__status__in=LOGGED
        )
        insight_rows = (
            in_week.values("topic_id", "author_id", region=F("kol__territory__region"))
            .annotate(
                insights=Count("pk"),
                **{name: Count("pk", filter=Q(sentiment=name)) for name in SENTIMENTS},
            )
            .order_by()
        )
        written += len(
            InsightRollup.objects.bulk_create(
                InsightRollup(week=week, **{**row, "region": row["region"] or ""})
                for row in insight_rows
            )
        )
        product_rows = (
            in_week.filter(interaction__products__isnull=False)
            .values("author_id", product_id=F("interaction__products"))
            .annotate(insights=Count("pk"))
            .order_by()
        )
        written += len(
            ProductRollup.objects.bulk_create(
                ProductRollup(week=week, **row) for row in product_rows
            )
        )
        interaction_rows = (
            Interaction.objects.filter(
                status__in=LOGGED,
                occurred_at__gte=start,
                occurred_at__lt=end,
            )
            .values(author_id=F("owner_id"))
            .annotate(interactions=Count("pk"))
            .order_by()
        )
        written += len(
            InteractionRollup.objects.bulk_create(
                InteractionRollup(week=week, **row) for row in interaction_rows
            )
        )
    return written
