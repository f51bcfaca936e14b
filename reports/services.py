"""Building the weekly insight-trend report and sending it to subscribers."""

import datetime as dt

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.access import may_open
from catalog.models import InsightTopic, Product
from interactions.models import Insight

from .exports import report_pdf, topic_chart
from .models import (
    InsightRollup,
    InteractionRollup,
    ProductRollup,
    ReportSubscription,
    TrendReport,
)
from .rollups import (
    LOGGED,
    SENTIMENTS,
    rollups_refresh_stale,
    week_bounds,
    week_start,
)
from .statistics import METHOD, trend_test

BASELINE_WEEKS = 8
QUOTES_PER_TOPIC = 3


def last_complete_week(today: dt.date | None = None) -> dt.date:
    return week_start(today or timezone.localdate()) - dt.timedelta(weeks=1)


@transaction.atomic
def trend_report_build(week: dt.date | None = None) -> TrendReport:
    """Compute and store the report of `week` (by default the last complete week). Running
    it again replaces the stored report; a failure half-way leaves nothing behind."""
    week = week_start(week or last_complete_week())
    baseline = [week - dt.timedelta(weeks=n) for n in range(BASELINE_WEEKS, 0, -1)]
    # Rollups are kept true by the stale-week marks (and the nightly recount of the last two
    # weeks), so only marked weeks are recounted, and the reported week if never counted.
    counted = InteractionRollup.objects.filter(week=week).exists()
    rollups_refresh_stale(also=[] if counted else [week])
    data = {
        "week": week.isoformat(),
        "baseline": [day.isoformat() for day in baseline],
        "topics": _topic_rows(week, baseline),
        "products": _dimension_rows(ProductRollup, "product_id", week, baseline, _product_names()),
        "therapeutic_areas": _area_rows(week, baseline),
        "regions": _dimension_rows(InsightRollup, "region", week, baseline, None),
    }
    # Copies: the quotes belong to the emerging list only, not to every topic row.
    data["emerging"] = [dict(row) for row in data["topics"] if row["emerging"]]
    for row in data["emerging"]:
        row["quotes"] = _quotes(row["topic_id"], week)
    report, _ = TrendReport.objects.update_or_create(
        week=week, defaults={"baseline_weeks": BASELINE_WEEKS, "method": METHOD, "data": data}
    )
    return report


def _weekly_counts(model, key: str, weeks: list[dt.date]) -> dict:
    """{key value: {week: count}} summed by the database."""
    rows = (
        model.objects.filter(week__in=weeks)
        .values(key, "week")
        .annotate(count=Sum("insights"))
        .order_by()
    )
    counts: dict = {}
    for row in rows:
        counts.setdefault(row[key], {})[row["week"]] = row["count"]
    return counts


def _topic_rows(week, baseline) -> list[dict]:
    counts = _weekly_counts(InsightRollup, "topic_id", [*baseline, week])
    sentiments = {
        row["topic_id"]: row
        for row in InsightRollup.objects.filter(week=week)
        .values("topic_id")
        .annotate(**{name: Sum(name) for name in SENTIMENTS})
        .order_by()
    }
    topics = {topic.pk: topic for topic in InsightTopic.objects.select_related("parent")}
    previous = baseline[-1]
    rows = []
    for topic_id, by_week in counts.items():
        count = by_week.get(week, 0)
        test = trend_test(count, [by_week.get(day, 0) for day in baseline])
        last = by_week.get(previous, 0)
        mix = sentiments.get(topic_id, {})
        rows.append(
            {
                "topic_id": topic_id,
                "topic": str(topics[topic_id]) if topic_id in topics else f"#{topic_id}",
                "count": count,
                "last_week": last,
                "change": count - last,
                "baseline_mean": round(test.baseline_mean, 2),
                "p_value": test.p_value,
                "p_value_text": f"{test.p_value:.2g}",
                "emerging": test.emerging,
                "sentiment": {name: mix.get(name) or 0 for name in SENTIMENTS},
            }
        )
    return sorted(rows, key=lambda row: (-row["emerging"], -row["count"], row["topic"]))


def _dimension_rows(model, key, week, baseline, names) -> list[dict]:
    counts = _weekly_counts(model, key, [*baseline, week])
    rows = []
    for value, by_week in counts.items():
        mean = sum(by_week.get(day, 0) for day in baseline) / len(baseline)
        count = by_week.get(week, 0)
        rows.append(
            {
                "name": (names or {}).get(value, value) or "No region",
                "count": count,
                "last_week": by_week.get(baseline[-1], 0),
                "baseline_mean": round(mean, 2),
            }
        )
    return sorted(rows, key=lambda row: (-row["count"], str(row["name"])))


def _product_names() -> dict:
    return dict(Product.objects.values_list("pk", "name"))


def _area_rows(week, baseline) -> list[dict]:
    areas = dict(Product.objects.values_list("pk", "therapeutic_area__name"))
    by_area: dict[str, dict] = {}
    for row in _dimension_rows(ProductRollup, "product_id", week, baseline, None):
        area = by_area.setdefault(
            areas.get(row["name"], "Unknown"),
            {
                "name": areas.get(row["name"], "Unknown"),
                "count": 0,
                "last_week": 0,
                "baseline_mean": 0,
            },
        )
        area["count"] += row["count"]
        area["last_week"] += row["last_week"]
        area["baseline_mean"] = round(area["baseline_mean"] + row["baseline_mean"], 2)
    return sorted(by_area.values(), key=lambda row: (-row["count"], row["name"]))


def _quotes(topic_id: int, week: dt.date) -> list[str]:
    """What was said, never who said it: the quotes carry no KOL or author."""
    start, end = week_bounds(week)
    return list(
        Insight.objects.filter(
            topic_id=topic_id,
            created_at__gte=start,
            created_at__lt=end,
            interaction__status__in=LOGGED,
        )
        .order_by("-importance", "-created_at")
        .values_list("text", flat=True)[:QUOTES_PER_TOPIC]
    )


def trend_report_mail(report: TrendReport) -> int:
    """Send the report to every subscriber: the page's chart in the body, the PDF attached.
    One message to all (blind copies), so it carries no quotes: the firewall decides quotes
    per reader, on the page."""
    subscriptions = (
        ReportSubscription.objects.filter(weekly_email=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    # A subscription outlives a change of role; the report goes only to who may open it.
    recipients = [s.user.email for s in subscriptions if may_open(s.user, "reports")]
    if not recipients:
        return 0
    context = {"report": report, "data": report.data, "chart": topic_chart(report)}
    message = EmailMultiAlternatives(
        subject=f"Insight trends, week of {report.week:%Y-%m-%d}",
        body=render_to_string("emails/trend_report.txt", context),
        bcc=recipients,
    )
    message.attach_alternative(render_to_string("emails/trend_report.html", context), "text/html")
    message.attach(
        f"insight-trends-{report.week:%Y-%m-%d}.pdf", report_pdf(report), "application/pdf"
    )
    message.send()
    return len(recipients)


def report_quotes_expire(*, cutoff) -> dict[str, int]:
    """Retention: stored reports keep their counts for ever, but the quotes of weeks past
    the retention period go, like the insight texts they were taken from."""
    expired = 0
    for report in TrendReport.objects.filter(week__lt=cutoff.date()):
        rows = [*report.data.get("emerging", []), *report.data.get("topics", [])]
        if any(row.get("quotes") for row in rows):
            for row in rows:
                if "quotes" in row:
                    row["quotes"] = []
            report.save(update_fields=["data"])
            expired += 1
    return {"reports": expired}


def report_subscription_set(*, user, weekly_email: bool) -> ReportSubscription:
    subscription, _ = ReportSubscription.objects.update_or_create(
        user=user, defaults={"weekly_email": weekly_email}
    )
    return subscription
