"""Events and travel (step 10), learning records and required trainings (step 8), internal
meetings with insights shared into them and comments on insights (step 7)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from accounts.roles import Role
from catalog.models import Product, TherapeuticArea
from kols.models import KOL
from msl_crm.uploads import private_storage


class EventKind(models.TextChoices):
    CONGRESS = "congress", "Congress"
    SYMPOSIUM = "symposium", "Symposium"
    ADVISORY_BOARD = "advisory_board", "Advisory board"
    WEBINAR = "webinar", "Webinar"
    COURSE = "course", "Course"
    INTERNAL_MEETING = "internal_meeting", "Internal meeting"


class Event(models.Model):
    """Something people attend on given days. Internal meetings are seen only by the people
    invited to them (and compliance); every other event is the whole field force's."""

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    link = models.URLField(blank=True, help_text="For webinars and virtual meetings.")
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    description = models.TextField(blank=True)
    learning_hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Accredited hours offered, proposed when an attendee records the learning.",
    )
    notes = models.TextField(blank=True, help_text="Minutes of an internal meeting.")
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organised_events"
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="events_attending", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_on", "title"]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="event_dates")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%Y-%m-%d})"

    @property
    def is_internal(self) -> bool:
        return self.kind == EventKind.INTERNAL_MEETING


class KOLParticipation(models.TextChoices):
    SPEAKING = "speaking", "Speaking"
    ATTENDING = "attending", "Attending"
    CHAIRING = "chairing", "Chairing"


class ExpectedKOL(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="expected_kols")
    kol = models.ForeignKey(KOL, on_delete=models.PROTECT, related_name="expected_at")
    participation = models.CharField(
        max_length=20, choices=KOLParticipation.choices, default=KOLParticipation.ATTENDING
    )
    session = models.CharField(max_length=200, blank=True, help_text="Talk or session title.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    class Meta:
        ordering = ["participation", "kol__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "kol"], name="expected_kol_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.kol} {self.get_participation_display().lower()} at {self.event}"


class EventMeeting(models.Model):
    """A KOL meeting planned at an event: the planned interaction the MSL then logs."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    interaction = models.OneToOneField(
        "interactions.Interaction", on_delete=models.CASCADE, related_name="event_meeting"
    )

    class Meta:
        ordering = ["interaction__planned_at"]

    def __str__(self) -> str:
        return f"Meeting at {self.event}"


class Trip(models.Model):
    traveller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trips"
    )
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="trips"
    )
    purpose = models.CharField(max_length=200)
    departs_on = models.DateField()
    returns_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-departs_on"]
        indexes = [models.Index(fields=["traveller", "departs_on"], name="trip_traveller_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(returns_on__gte=F("departs_on")), name="trip_returns_after_departure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.departs_on:%Y-%m-%d})"


class ItineraryKind(models.TextChoices):
    FLIGHT = "flight", "Flight"
    TRAIN = "train", "Train"
    HOTEL = "hotel", "Hotel"
    CAR = "car", "Car hire"
    OTHER = "other", "Other"


class ItineraryItem(models.Model):
    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="itinerary")
    kind = models.CharField(max_length=10, choices=ItineraryKind.choices)
    starts_at = models.DateTimeField(help_text="Departure, or hotel check-in.")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Arrival, or check-out.")
    origin = models.CharField(max_length=120, blank=True)
    destination = models.CharField(max_length=120, blank=True, help_text="Or the hotel.")
    carrier = models.CharField(max_length=120, blank=True, help_text="Airline and flight, etc.")
    confirmation_code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="itinerary_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class ExpenseCategory(models.TextChoices):
    TRAVEL = "travel", "Flights and trains"
    LODGING = "lodging", "Hotel"
    GROUND = "ground", "Taxi, car and parking"
    MEALS = "meals", "Meals (own)"
    REGISTRATION = "registration", "Registration fees"
    OTHER = "other", "Other"


class Expense(models.Model):
    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="expenses")
    spent_on = models.DateField()
    category = models.CharField(max_length=20, choices=ExpenseCategory.choices)
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    receipt = models.FileField(upload_to="receipts/%Y/%m/", storage=private_storage, blank=True)
    receipt_content_type = models.CharField(max_length=60, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["spent_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount} {self.currency}"


class TrainingRequirement(models.Model):
    """A training people in a role must hold, renewed every `valid_for_months`. One tied to a
    product is the certification to discuss it; the adverse-event-reporting one warns on
    every page once it lapses."""

    title = models.CharField(max_length=200)
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.MSL)
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_requirements",
        help_text="Completing it certifies the person to discuss this product.",
    )
    is_adverse_event_reporting = models.BooleanField(
        default=False, help_text="The pharmacovigilance training every company requires yearly."
    )
    valid_for_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1)]
    )
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class LearningKind(models.TextChoices):
    COURSE = "course", "Course"
    WEBINAR = "webinar", "Webinar"
    CONFERENCE = "conference", "Conference"
    TRAINING = "training", "Required training"


class LearningRecord(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="learning_records"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=LearningKind.choices)
    provider = models.CharField(max_length=200, blank=True)
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="learning_records"
    )
    requirement = models.ForeignKey(
        TrainingRequirement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="completions",
        help_text="The required training this completes, if any.",
    )
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    expires_on = models.DateField(null=True, blank=True, editable=False)
    certificate = models.FileField(
        upload_to="certificates/%Y/%m/", storage=private_storage, blank=True
    )
    certificate_content_type = models.CharField(max_length=60, blank=True, editable=False)
    certification = models.OneToOneField(
        "compliance.ProductCertification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="learning_record",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [
            models.Index(fields=["user", "completed_on"], name="learning_user_date"),
            models.Index(fields=["user", "requirement", "expires_on"], name="learning_validity"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="learning_hours_positive")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.completed_on:%Y-%m-%d})"


class SharedInsight(models.Model):
    """An insight brought into an internal meeting, so its attendees may read and discuss it."""

    meeting = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shared_insights")
    insight = models.ForeignKey(
        "interactions.Insight", on_delete=models.CASCADE, related_name="shared_into"
    )
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shared_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "insight"], name="insight_shared_once")
        ]

    def __str__(self) -> str:
        return f"Insight {self.insight_id} shared into {self.meeting}"


class InsightComment(models.Model):
    insight = models.ForeignKey(
        "interactions.Insight", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="insight_comments"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} on insight {self.insight_id}: {self.text[:40]}"


class MentionKind(models.TextChoices):
    MENTIONED = "mentioned", "Mentioned you"
    ON_YOUR_INSIGHT = "on_your_insight", "Commented on your insight"


class Mention(models.Model):
    """A comment someone should read: they were named in it (as @username), or it is on
    their insight. Their in-app notification until read."""

    kind = models.CharField(
        max_length=20, choices=MentionKind.choices, default=MentionKind.MENTIONED
    )
    comment = models.ForeignKey(InsightComment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-comment__created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="mention_unread")]
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="mention_once_per_comment")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.user})"


class MentionPreference(models.Model):
    """Whether mentions also arrive by e-mail; without a row, they do when the user has an
    address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mention_preference"
    )
    email = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.user}: mention e-mails {'on' if self.email else 'off'}"
