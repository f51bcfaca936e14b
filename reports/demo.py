"""Demo reports: a burst of insights on one topic last week, so the dashboard has an
emerging topic, then the stored reports of the last twelve weeks."""

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from catalog.models import InsightTopic
from interactions.models import Insight, Interaction, InteractionStatus

from .models import ReportSubscription, TrendReport
from .rollups import week_bounds
from .services import last_complete_week, trend_report_build

REPORT_WEEKS = 12
BURST = [
    "Three more patients relapsed after stopping early; the KOL wants sequencing data.",
    "Tumour boards now ask for the long-term outcomes before switching.",
    "The KOL sees growing interest in long-term remission data from peers.",
    "Patients ask about five-year outcomes after the recent press coverage.",
    "Long-term data would change the KOL's referral pattern.",
    "Several colleagues asked for the long-term follow-up publication.",
    "The KOL would present long-term outcomes at the regional meeting.",
    "Community oncologists lack long-term data to reassure patients.",
]


def seed(stdout) -> None:
    if TrendReport.objects.exists():
        stdout.write("Reports: already there, none added.")
        return
    week = last_complete_week()
    _burst(week)
    for n in range(REPORT_WEEKS - 1, -1, -1):
        trend_report_build(week - dt.timedelta(weeks=n))
    for manager in User.objects.filter(groups__name="Manager"):
        ReportSubscription.objects.get_or_create(user=manager)
    emerging = len(TrendReport.objects.get(week=week).data["emerging"])
    stdout.write(f"Reports: {REPORT_WEEKS} weekly reports; {emerging} emerging topic(s) last week.")


def _burst(week: dt.date) -> None:
    """A dozen insights on one topic in one week: the statistics flag it as emerging."""
    topic = InsightTopic.objects.filter(parent__isnull=False).order_by("pk").first()
    interactions = list(
        Interaction.objects.filter(
            status__in=[InteractionStatus.SUBMITTED, InteractionStatus.LOCKED]
        ).prefetch_related("kols")[:12]
    )
    if topic is None or not interactions:
        return
    rng = random.Random(7)  # noqa: S311 - repeatable demo data, not a secret
    start, _ = week_bounds(week)
    for index, interaction in enumerate(interactions):
        insight = Insight.objects.create(
            interaction=interaction,
            kol=interaction.kols.all()[0],
            author=interaction.owner,
            topic=topic,
            category="unmet_need",
            sentiment=rng.choice(["negative", "mixed", "neutral"]),
            importance=3,
            text=BURST[index % len(BURST)],
        )
        when = start + dt.timedelta(days=index % 5, hours=9 + index)
        Insight.objects.filter(pk=insight.pk).update(created_at=min(when, timezone.now()))
