from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q

from catalog.models import ApprovedMaterial, InsightTopic, Product
from kols.models import KOL, Channel


class InteractionType(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one"
    GROUP = "group", "Group meeting"
    ADVISORY_BOARD = "advisory_board", "Advisory board"
    CONGRESS = "congress", "Congress"
    VIRTUAL = "virtual", "Virtual"


class InteractionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    LOCKED = "locked", "Locked"


class Interaction(models.Model):
    """A scientific exchange of an MSL with one or more KOLs: planned, then logged,
    submitted, and locked once the edit window closes."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interactions"
    )
    kols = models.ManyToManyField(KOL, related_name="interactions", blank=True)
    internal_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="attended_interactions", blank=True
    )
    type = models.CharField(
        max_length=20, choices=InteractionType.choices, default=InteractionType.ONE_TO_ONE
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    objectives = models.TextField(blank=True, help_text="The pre-call plan.")
    topics = models.ManyToManyField(InsightTopic, related_name="interactions", blank=True)
    products = models.ManyToManyField(Product, related_name="interactions", blank=True)
    materials_shared = models.ManyToManyField(
        ApprovedMaterial, related_name="interactions", blank=True
    )
    notes = models.TextField(blank=True)
    off_label_discussed = models.BooleanField(default=False)
    adverse_event_mentioned = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=InteractionStatus.choices, default=InteractionStatus.DRAFT
    )
    first_submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Optimistic locking: a save must name the version it started from.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-planned_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "status"], name="interaction_owner_status"),
            models.Index(fields=["owner", "occurred_at"], name="interaction_owner_time"),
            # The list's order: its first page is read off the index, newest first, instead
            # of sorting everyone's history (a manager's team: 100,000 rows at scale 1).
            models.Index(
                fields=["-occurred_at", "-planned_at", "-id"], name="interaction_newest_first"
            ),
            # The lock task looks for submitted interactions whose window has closed.
            models.Index(fields=["status", "submitted_at"], name="interaction_lock_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["submitted", "locked"])
                | Q(first_submitted_at__isnull=False),
                name="interaction_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        when = self.occurred_at or self.planned_at
        return f"{self.get_type_display()} on {when:%Y-%m-%d}" if when else self.get_type_display()

    @property
    def is_editable_draft(self) -> bool:
        return self.status in {InteractionStatus.PLANNED, InteractionStatus.DRAFT}


class Amendment(models.Model):
    """A change to a locked interaction, with its reason; the original text stays visible."""

    interaction = models.ForeignKey(
        Interaction, on_delete=models.PROTECT, related_name="amendments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    changes = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Amendment of {self.interaction} ({self.created_at:%Y-%m-%d})"

    def change_rows(self) -> list[tuple[str, object, object]]:
        """(field label, value before, value after) for each amended field, for display."""
        rows = []
        for name, change in self.changes.items():
            try:
                label = Interaction._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                label = name.replace("_", " ")
            rows.append((label[:1].upper() + label[1:], change["before"], change["after"]))
        return rows


class InsightCategory(models.TextChoices):
    UNMET_NEED = "unmet_need", "Unmet need"
    TREATMENT_PRACTICE = "treatment_practice", "Treatment practice"
    COMPETITOR = "competitor", "Competitor"
    SAFETY_PERCEPTION = "safety_perception", "Safety perception"
    TRIAL_FEEDBACK = "trial_feedback", "Trial feedback"
    ACCESS = "access", "Access"
    EDUCATION_GAP = "education_gap", "Education gap"


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"
    MIXED = "mixed", "Mixed"


class Importance(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class Insight(models.Model):
    """Something a KOL said that medical affairs should know, captured in a structured way."""

    interaction = models.ForeignKey(Interaction, on_delete=models.PROTECT, related_name="insights")
    kol = models.ForeignKey(KOL, on_delete=models.PROTECT, related_name="insights")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="insights"
    )
    topic = models.ForeignKey(InsightTopic, on_delete=models.PROTECT, related_name="insights")
    category = models.CharField(max_length=30, choices=InsightCategory.choices)
    sentiment = models.CharField(max_length=20, choices=Sentiment.choices)
    importance = models.PositiveSmallIntegerField(
        choices=Importance.choices, default=Importance.MEDIUM
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Trend reports count insights per topic per week.
            models.Index(fields=["topic", "created_at"], name="insight_topic_time"),
            models.Index(fields=["kol", "created_at"], name="insight_kol_time"),
            # The weekly rollups recount a week of insights; without it, every insight ever.
            models.Index(fields=["created_at"], name="insight_time"),
            # The MSL's day counts the insights they wrote today.
            models.Index(fields=["author", "created_at"], name="insight_author_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.text[:60]}"


class FollowUpKind(models.TextChoices):
    SEND_MATERIAL = "send_material", "Send material"
    SCHEDULE_MEETING = "schedule_meeting", "Schedule a meeting"
    ANSWER_QUESTION = "answer_question", "Answer a question"
    OTHER = "other", "Other"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class FollowUp(models.Model):
    """Something to do after an interaction, an inquiry or for a KOL, by a due date."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups"
    )
    kind = models.CharField(max_length=30, choices=FollowUpKind.choices)
    description = models.CharField(max_length=300)
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    interaction = models.ForeignKey(
        Interaction, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    kol = models.ForeignKey(
        KOL, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    # By name: inquiries build on interactions, not the other way round.
    inquiry = models.ForeignKey(
        "inquiries.MedicalInquiry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"], name="follow_up_my_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description} (due {self.due_date})"


class CalendarFeed(models.Model):
    """The secret address of a user's iCalendar feed. Only a hash is kept: whoever reads the
    database cannot subscribe to anyone's calendar."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    rotated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class LastMeeting(models.Model):
    """When a KOL was last met in a logged (submitted or locked) interaction. Derived, so
    that coverage reads one row per KOL rather than each KOL's whole history; kept up to
    date by interactions/last_meetings.py with every change of an interaction's status,
    time or KOLs. A KOL never met has no row."""

    kol = models.OneToOneField(
        KOL, primary_key=True, on_delete=models.CASCADE, related_name="last_meeting"
    )
    occurred_at = models.DateTimeField()

    def __str__(self):
        return f"{self.kol_id} last met {self.occurred_at:%Y-%m-%d}"


class OwnLastMeeting(models.Model):
    """When a KOL was last met in a logged interaction of one MSL: what the directory shows
    an MSL (or a manager, the latest of their team's), who see only their own meetings.
    Kept with LastMeeting, from the same read, so that the two never disagree."""

    kol = models.ForeignKey(KOL, on_delete=models.CASCADE, related_name="own_last_meetings")
    # Indexed by the constraint below, which starts with it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="own_last_meetings",
        db_index=False,
    )
    occurred_at = models.DateTimeField()

    class Meta:
        constraints = [
            # Read by owner for a page of KOLs: the owner first.
            models.UniqueConstraint(fields=["owner", "kol"], name="own_last_meeting_once"),
        ]

    def __str__(self):
        return f"{self.kol_id} last met by {self.owner_id} {self.occurred_at:%Y-%m-%d}"
