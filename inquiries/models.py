import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from catalog.models import InsightTopic, Product
from interactions.models import Interaction
from kols.models import KOL


class Urgency(models.TextChoices):
    STANDARD = "standard", "Standard"
    URGENT = "urgent", "Urgent"


class ResponseChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Letter"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"


class RequestSetting(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one meeting"
    GROUP = "group", "Group meeting or talk"
    CONGRESS = "congress", "Congress or booth"
    PHONE = "phone", "Phone or video call"
    WRITTEN = "written", "E-mail or letter"
    OTHER = "other", "Other"


class ServiceLevel(models.Model):
    """How many business days Medical Information has to answer, per urgency."""

    urgency = models.CharField(max_length=20, choices=Urgency.choices, unique=True)
    business_days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["business_days"]

    def __str__(self) -> str:
        return f"{self.get_urgency_display()}: {self.business_days} business day(s)"


class InquiryPolicy(models.Model):
    """The admin's settings for inquiries: one row, edited in the admin."""

    signature_required = models.BooleanField(
        default=False, help_text="The KOL signs the request on the MSL's screen."
    )
    interest_validity_months = models.PositiveSmallIntegerField(
        default=12, help_text="How long a documented interest allows proactive follow-up."
    )

    class Meta:
        verbose_name_plural = "inquiry policy"

    def __str__(self) -> str:
        return "Inquiry policy"

    @classmethod
    def current(cls) -> "InquiryPolicy":
        policy, _ = cls.objects.get_or_create(pk=1)
        return policy


class UnsolicitedRequest(models.Model):
    """What an inquiry and a documented interest share: the KOL asked, unprompted, and the
    MSL attests who asked, when and where."""

    kol = models.ForeignKey(KOL, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    topic = models.ForeignKey(
        InsightTopic, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unsolicited_attested = models.BooleanField(
        "I attest that this request was unsolicited", default=False
    )
    requested_by = models.CharField("Who asked", max_length=200)
    requested_at = models.DateTimeField("When they asked")
    request_setting = models.CharField(
        "In what setting", max_length=20, choices=RequestSetting.choices
    )
    signature_png = models.BinaryField(null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class InquiryStatus(models.TextChoices):
    OPEN = "open", "Open"
    ASSIGNED = "assigned", "Assigned"
    IN_REVIEW = "in_review", "Response in review"
    APPROVED = "approved", "Response approved"
    DELIVERED = "delivered", "Delivered"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (
    InquiryStatus.OPEN,
    InquiryStatus.ASSIGNED,
    InquiryStatus.IN_REVIEW,
    InquiryStatus.APPROVED,
)


class MedicalInquiryQuerySet(models.QuerySet):
    def active(self):
        """Still owed an answer: the deadline counts."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def overdue(self, today: dt.date | None = None):
        return self.active().filter(deadline__lt=today or timezone.localdate())


class MedicalInquiry(UnsolicitedRequest):
    """A question an MSL may not answer on the spot, routed to Medical Information."""

    kol = models.ForeignKey(KOL, on_delete=models.PROTECT, related_name="inquiries")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="raised_inquiries"
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    topic = models.ForeignKey(
        InsightTopic, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries"
    )
    interaction = models.ForeignKey(
        Interaction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
        help_text="The meeting where the question was asked.",
    )
    question = models.TextField("Verbatim question")
    off_label = models.BooleanField("Off-label", default=False)
    adverse_event_mentioned = models.BooleanField(
        "Mentions a possible adverse event", default=False
    )
    response_channel = models.CharField(
        "Requested response channel", max_length=20, choices=ResponseChannel.choices
    )
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.STANDARD)
    deadline = models.DateField(editable=False)
    status = models.CharField(
        max_length=20, choices=InquiryStatus.choices, default=InquiryStatus.OPEN, editable=False
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_inquiries",
        editable=False,
    )
    delivered_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = MedicalInquiryQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name_plural = "medical inquiries"
        indexes = [
            models.Index(fields=["status", "deadline"], name="inquiry_queue"),
            # The open queue's order: its first page straight off the index, however long
            # the queue (the four active statuses defeat the index above for ordering).
            models.Index(
                fields=["deadline", "id"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="inquiry_open_by_deadline",
            ),
            models.Index(fields=["assignee", "status"], name="inquiry_assignee"),
            models.Index(fields=["raised_by", "created_at"], name="inquiry_raised_by"),
            models.Index(fields=["kol", "created_at"], name="inquiry_kol"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unsolicited_attested=True), name="inquiry_attested_unsolicited"
            ),
        ]

    def __str__(self) -> str:
        return f"Inquiry #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("inquiries:detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.is_active and self.deadline < (today or timezone.localdate())


class InquiryEvent(models.Model):
    """One state change of an inquiry: who moved it, when, from what to what."""

    inquiry = models.ForeignKey(MedicalInquiry, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=InquiryStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=InquiryStatus.choices)
    note = models.CharField(max_length=500, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.inquiry}: {self.from_status or '—'} → {self.to_status}"


class StandardResponseQuerySet(models.QuerySet):
    def usable(self, on: dt.date | None = None):
        on = on or timezone.localdate()
        return self.filter(approved_on__lte=on, expires_on__gt=on)


class StandardResponse(models.Model):
    """An approved answer to a common question, versioned, until it expires."""

    document_number = models.CharField(max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="standard_responses"
    )
    body = models.TextField()
    approved_on = models.DateField()
    expires_on = models.DateField()

    objects = StandardResponseQuerySet.as_manager()

    class Meta:
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_number", "version"], name="standard_response_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("approved_on")),
                name="standard_response_expires_after_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.document_number} v{self.version})"

    def is_usable(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.approved_on <= on < self.expires_on


class ResponseReview(models.TextChoices):
    PENDING = "pending", "Awaiting second review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class InquiryResponse(models.Model):
    """The answer drafted for an inquiry: an approved standard response, or custom text that
    a second Medical Information user must approve before it goes out."""

    inquiry = models.ForeignKey(MedicalInquiry, on_delete=models.PROTECT, related_name="responses")
    standard_response = models.ForeignKey(
        StandardResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="uses"
    )
    custom_text = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    review = models.CharField(max_length=20, choices=ResponseReview.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # Exactly one source of content: approved standard text or custom text.
            models.CheckConstraint(
                condition=(Q(standard_response__isnull=False) & Q(custom_text=""))
                | (Q(standard_response__isnull=True) & ~Q(custom_text="")),
                name="response_one_source",
            ),
            # Nobody approves their own custom text.
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | ~Q(reviewer=models.F("author")),
                name="response_second_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return f"Response to {self.inquiry}"

    @property
    def text(self) -> str:
        return self.standard_response.body if self.standard_response_id else self.custom_text


class Delivery(models.Model):
    """How and when the approved answer reached the KOL."""

    inquiry = models.OneToOneField(
        MedicalInquiry, on_delete=models.PROTECT, related_name="delivery"
    )
    response = models.ForeignKey(InquiryResponse, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=20, choices=ResponseChannel.choices)
    delivered_on = models.DateField()
    delivered_to = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"Delivery of {self.inquiry}"


class Escalation(models.Model):
    """An overdue inquiry escalated on a day; one row per inquiry per day keeps it to one
    e-mail a day however often the task runs."""

    inquiry = models.ForeignKey(
        MedicalInquiry, on_delete=models.PROTECT, related_name="escalations"
    )
    on_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inquiry", "on_date"], name="escalation_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Escalation of {self.inquiry} on {self.on_date}"


class DocumentedInterest(UnsolicitedRequest):
    """A KOL's standing, unsolicited request for information on a scientific topic. While
    valid, the MSL may follow up proactively and share reactive-only materials on it."""

    kol = models.ForeignKey(KOL, on_delete=models.PROTECT, related_name="documented_interests")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documented_interests"
    )
    # Required here: the product is what ties the interest to the reactive-only materials
    # it unlocks.
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="documented_interests"
    )
    topic = models.ForeignKey(
        InsightTopic, on_delete=models.PROTECT, related_name="documented_interests"
    )
    description = models.TextField("What they want to hear about")
    valid_until = models.DateField(editable=False)

    class Meta:
        ordering = ["-valid_until", "pk"]
        indexes = [models.Index(fields=["kol", "valid_until"], name="interest_kol_valid")]
        constraints = [
            models.CheckConstraint(
                condition=Q(unsolicited_attested=True), name="interest_attested_unsolicited"
            ),
        ]

    def __str__(self) -> str:
        return f"Interest of {self.kol} in {self.topic}"

    def is_valid(self, on: dt.date | None = None) -> bool:
        return self.valid_until >= (on or timezone.localdate())
