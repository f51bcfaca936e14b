from django.conf import settings
from django.db import models

from catalog.models import InsightTopic, Product


class InsightRollup(models.Model):
    """Insights of one week per topic, author and region, with their sentiment mix. The task
    maintains them so the dashboard never counts insights row by row."""

    week = models.DateField(help_text="The Monday the week starts on.")
    topic = models.ForeignKey(InsightTopic, on_delete=models.CASCADE, related_name="+")
    # Indexed first in insight_rollup_by_author.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    region = models.CharField(max_length=120, blank=True)
    insights = models.PositiveIntegerField()
    positive = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    mixed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week", "topic", "author", "region"], name="insight_rollup_once"
            )
        ]
        indexes = [
            models.Index(fields=["week", "topic"], name="insight_rollup_week_topic"),
            # A team's or an MSL's weeks, read from the index alone: the dashboard's topic
            # sums for a manager's ten MSLs went from 4.8 to 0.9 ms at scale 1, where the
            # week index read every author's rows of those weeks (12,600 for 2,500).
            models.Index(
                fields=["author", "week", "topic", "insights"], name="insight_rollup_by_author"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week}: {self.insights} on {self.topic_id}"


class ProductRollup(models.Model):
    """Insights of one week per product discussed (an insight counts once for each product
    of its interaction) and author."""

    week = models.DateField()
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    insights = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week", "product", "author"], name="product_rollup_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.week}: {self.insights} on product {self.product_id}"


class InteractionRollup(models.Model):
    """Logged interactions of one week per MSL, for the activity chart."""

    week = models.DateField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    interactions = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "author"], name="interaction_rollup_once")
        ]

    def __str__(self) -> str:
        return f"{self.week}: {self.interactions} by {self.author_id}"


class StaleRollupWeek(models.Model):
    """A week whose rollups may no longer match its rows: one of its insights, or a logged
    interaction of it, changed after it was counted. The next task recounts it, so the
    weekly report need not recount its whole baseline to take in late changes."""

    week = models.DateField(unique=True)

    def __str__(self) -> str:
        return f"{self.week} to recount"


class TrendReport(models.Model):
    """The weekly insight-trend report, stored as it was computed so that it reads the same
    years later, whatever happens to the data since."""

    week = models.DateField(unique=True, help_text="The Monday of the reported week.")
    generated_at = models.DateTimeField(auto_now=True)
    baseline_weeks = models.PositiveSmallIntegerField()
    method = models.TextField()
    data = models.JSONField()

    class Meta:
        ordering = ["-week"]

    def __str__(self) -> str:
        return f"Insight trends, week of {self.week:%Y-%m-%d}"


class ReportSubscription(models.Model):
    """Who gets the weekly report by e-mail when it is produced."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscription"
    )
    weekly_email = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Weekly report for {self.user}"
