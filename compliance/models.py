from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from accounts.roles import Role
from interactions.models import InteractionType

GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    # Reading out personal data (an access request) is recorded like a change to it.
    EXPORT = "export", "Exported"
    # Security events about a user: recorded against the user's account.
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in refused"


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a written audit entry."""


class ReturnedOnInsert:
    """A field the database gives back as stored when a row is inserted (RETURNING), so
    the audit trail checks what was kept without reading the entry again. Migrations see
    the plain Django field: nothing about the column changes."""

    db_returning = True

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        plain = next(base for base in type(self).__mro__ if base.__module__.startswith("django."))
        return name, f"django.db.models.{plain.__name__}", args, kwargs


def returned(field_class):
    return type(f"Returned{field_class.__name__}", (ReturnedOnInsert, field_class), {})


ReturnedPositiveBigInteger = returned(models.PositiveBigIntegerField)
ReturnedDateTime = returned(models.DateTimeField)
ReturnedChar = returned(models.CharField)
ReturnedForeignKey = returned(models.ForeignKey)
ReturnedJSON = returned(models.JSONField)
ReturnedText = returned(models.TextField)
ReturnedUUID = returned(models.UUIDField)
ReturnedIPAddress = returned(models.GenericIPAddressField)


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries are append-only; they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit entries are append-only; they cannot be deleted.")


class AuditEntry(models.Model):
    """One create, change or delete of a regulated record: who, when, what before and after.

    Each entry carries the hash of its own content and of the entry before it, so editing,
    removing or reordering any entry breaks the chain that `verify_audit` walks.
    """

    sequence = ReturnedPositiveBigInteger(unique=True, editable=False)
    occurred_at = ReturnedDateTime(default=timezone.now, editable=False)
    # A plain id rather than a foreign key: the entry must stay intact (and its hash valid)
    # even if the user is later removed, and the name below keeps it readable.
    actor_user_id = ReturnedPositiveBigInteger(null=True, blank=True, editable=False)
    actor_name = ReturnedChar(max_length=150, editable=False)
    content_type = ReturnedForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", editable=False
    )
    object_id = ReturnedChar(max_length=64, editable=False)
    object_repr = ReturnedChar(max_length=200, editable=False)
    action = ReturnedChar(max_length=16, choices=AuditAction.choices, editable=False)
    changes = ReturnedJSON(default=dict, blank=True, editable=False)
    reason = ReturnedText(blank=True, editable=False)
    request_id = ReturnedUUID(null=True, blank=True, editable=False)
    ip_address = ReturnedIPAddress(null=True, blank=True, editable=False)
    previous_hash = ReturnedChar(max_length=64, editable=False)
    entry_hash = ReturnedChar(max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name_plural = "audit entries"
        indexes = [
            # The history of one record is the most common audit question.
            models.Index(fields=["content_type", "object_id"], name="audit_record_history"),
            models.Index(fields=["occurred_at"], name="audit_by_time"),
            models.Index(fields=["actor_user_id"], name="audit_by_actor"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries are append-only; they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are append-only; they cannot be deleted.")


class AuditChainHead(models.Model):
    """The newest link of the audit chain, one row only.

    Writers lock this row to append, so two concurrent writes never both claim the same
    predecessor; and because it remembers the last entry, removing entries from the end of
    the chain is detected too.
    """

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1), name="audit_chain_head_singleton"
            ),  # One chain, one head.
        ]

    def __str__(self) -> str:
        return f"Audit chain head at #{self.last_sequence}"


class AuditChainVerification(models.Model):
    """One run of the scheduled check of the audit chain, kept so compliance can show that
    the trail was verified, when, and where it first broke if it ever did."""

    verified_at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField()
    entries_checked = models.PositiveBigIntegerField()
    broken_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    problem = models.TextField(blank=True)
    # Where the chain stood when verified: a later run checks that this point still holds,
    # so cutting the chain back and moving the head with it does not go unnoticed.
    head_sequence = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-verified_at"]
        get_latest_by = "verified_at"

    def __str__(self) -> str:
        outcome = "intact" if self.ok else f"broken at #{self.broken_sequence}"
        return f"Audit chain {outcome} ({self.verified_at:%Y-%m-%d %H:%M} UTC)"


class RequirableInteractionField(models.TextChoices):
    """Interaction fields an admin may make mandatory for submission, per interaction type."""

    OBJECTIVES = "objectives", "Objectives (pre-call plan)"
    NOTES = "notes", "Notes"
    LOCATION = "location", "Location"
    DURATION = "duration_minutes", "Duration"
    PLANNED_AT = "planned_at", "Planned time"
    TOPICS = "topics", "Topics"
    PRODUCTS = "products", "Products discussed"
    INTERNAL_ATTENDEES = "internal_attendees", "Internal attendees"
    MATERIALS = "materials_shared", "Approved materials shared"


class RequiredInteractionField(models.Model):
    """An admin's rule: interactions of this type are not submitted without this field."""

    interaction_type = models.CharField(max_length=20, choices=InteractionType.choices)
    field = models.CharField(max_length=30, choices=RequirableInteractionField.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["interaction_type", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["interaction_type", "field"], name="required_field_once_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()} required for {self.get_interaction_type_display()}"


class CheckedText(models.TextChoices):
    """Free text the restricted-term rules read; the value names the form field it comes
    from, so a hit shows as that field's error."""

    INTERACTION_NOTES = "interaction_notes", "Interaction notes"
    INSIGHT_TEXT = "insight_text", "Insight text"
    INQUIRY_QUESTION = "inquiry_question", "Inquiry question"
    CUSTOM_RESPONSE = "custom_response", "Custom inquiry response"
    COMMENT_TEXT = "comment_text", "Comment on an insight"
    MEETING_NOTES = "meeting_notes", "Internal meeting notes"


class MatchKind(models.TextChoices):
    WORD = "word", "Whole word"
    PHRASE = "phrase", "Phrase"
    PATTERN = "pattern", "Regular expression"


class Severity(models.TextChoices):
    BLOCK = "block", "Block: the record cannot be saved"
    WARN = "warn", "Warn: the user must acknowledge"


class TermPurpose(models.TextChoices):
    RESTRICTED = "restricted", "Restricted wording"
    ADVERSE_EVENT = "adverse_event", "Possible adverse event (asks to report it)"


class RestrictedTerm(models.Model):
    """A word, phrase or pattern that must not (block) or should not (warn) appear in the
    chosen free-text fields, with why and what to write instead."""

    pattern = models.CharField(max_length=300)
    match_kind = models.CharField(max_length=10, choices=MatchKind.choices, default=MatchKind.WORD)
    case_sensitive = models.BooleanField(default=False)
    fields = models.JSONField(
        default=list, help_text="Which free-text fields the rule reads (one or more)."
    )
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.WARN)
    purpose = models.CharField(
        max_length=20, choices=TermPurpose.choices, default=TermPurpose.RESTRICTED
    )
    explanation = models.TextField(help_text="Why the wording is a problem, shown to the user.")
    suggestion = models.CharField(
        max_length=300, blank=True, help_text="Wording to use instead, shown to the user."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pattern"]

    def __str__(self) -> str:
        return f"{self.pattern} ({self.get_severity_display().split(':')[0].lower()})"

    def clean(self):
        from .engine import validate_term  # the engine compiles; the model only stores

        validate_term(self)


class ViolationOutcome(models.TextChoices):
    BLOCKED = "blocked", "Blocked"
    WARNED = "warned", "Warned, not saved"
    ACKNOWLEDGED = "acknowledged", "Warned, acknowledged and saved"


class Violation(models.Model):
    """One hit of a compliance rule while a user saved a regulated record."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="violations"
    )
    term = models.ForeignKey(
        RestrictedTerm, on_delete=models.PROTECT, null=True, blank=True, related_name="violations"
    )
    rule = models.CharField(max_length=200, help_text="What was checked, in words.")
    field = models.CharField(max_length=30, choices=CheckedText.choices, blank=True)
    matched_text = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=20, choices=ViolationOutcome.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    record_label = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["outcome", "occurred_at"], name="violation_outcome_time")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.rule}"


class CompliancePolicy(models.Model):
    """The admin's compliance settings: one row, edited in the admin. The environment's
    settings only give the first values."""

    drug_safety_mailbox = models.EmailField(
        blank=True, help_text="Where safety reports are forwarded (the drug-safety intake)."
    )
    lock_window_hours = models.PositiveSmallIntegerField(
        default=72, help_text="How long the owner may still edit a submitted interaction."
    )
    max_backdate_days = models.PositiveSmallIntegerField(
        default=30, help_text="How long after a meeting it may still be logged."
    )
    value_currency = models.CharField(
        max_length=3, default="USD", help_text="The currency the caps below are in."
    )
    value_cap_per_item = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=75,
        help_text="Most one item given to an HCP may be worth.",
    )
    value_cap_per_hcp_year = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=500,
        help_text="Most an HCP may receive in a calendar year.",
    )
    value_cap_severity = models.CharField(
        max_length=10, choices=Severity.choices, default=Severity.BLOCK
    )
    retention_days = models.PositiveIntegerField(
        default=3650,
        help_text="After how many days the free text of closed interactions, insights and "
        "inquiries is pseudonymised (0 keeps it for ever). The audit trail is kept.",
    )

    class Meta:
        verbose_name_plural = "compliance policy"

    def __str__(self) -> str:
        return "Compliance policy"

    @classmethod
    def current(cls) -> "CompliancePolicy":
        from .config import compliance_config

        if (policy := compliance_config().policy) is not None:
            return policy
        policy, _ = cls.objects.get_or_create(
            pk=1,
            defaults={
                "drug_safety_mailbox": settings.DRUG_SAFETY_MAILBOX,
                "lock_window_hours": settings.INTERACTION_LOCK_WINDOW_HOURS,
                "max_backdate_days": settings.INTERACTION_MAX_BACKDATE_DAYS,
            },
        )
        return policy


class SafetyReportStatus(models.TextChoices):
    PENDING = "pending", "Awaiting forwarding"
    FORWARDED = "forwarded", "Forwarded to drug safety"


class SafetyReport(models.Model):
    """A possible adverse event an MSL heard of, saved with the record that mentioned it and
    forwarded to drug safety at least once. It may be incomplete: speed beats completeness."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="safety_reports"
    )
    kol = models.ForeignKey(
        "kols.KOL", on_delete=models.PROTECT, null=True, blank=True, related_name="safety_reports"
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safety_reports",
    )
    interaction = models.ForeignKey(
        "interactions.Interaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safety_reports",
    )
    inquiry = models.ForeignKey(
        "inquiries.MedicalInquiry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safety_reports",
    )
    patient = models.CharField(
        max_length=200, blank=True, help_text="What identifies the patient (e.g. woman, 60s)."
    )
    event = models.TextField("What was said", blank=True)
    learned_at = models.DateTimeField("When the MSL learned of it")
    deadline = models.DateTimeField(editable=False)
    status = models.CharField(
        max_length=20, choices=SafetyReportStatus.choices, default=SafetyReportStatus.PENDING
    )
    # Sent with every delivery so drug safety can discard a repeated one: at-least-once
    # forwarding may send a report twice, and it must count once.
    receipt_id = models.UUIDField(unique=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="safety_report_pending")]

    def __str__(self) -> str:
        return f"Safety report #{self.pk}"

    @property
    def missing_elements(self) -> list[str]:
        """Which of the four minimum elements of a valid case are still missing."""
        missing = []
        if not self.patient:
            missing.append("an identifiable patient")
        if self.kol_id is None:
            missing.append("an identifiable reporter")
        if self.product_id is None:
            missing.append("the company's product")
        if not self.event:
            missing.append("the event")
        return missing

    def is_late(self, now=None) -> bool:
        return self.status == SafetyReportStatus.PENDING and self.deadline < (now or timezone.now())


class CertificationSource(models.TextChoices):
    RECORDED = "recorded", "Recorded by an admin"
    LEARNING = "learning", "Learning record"


class ProductCertification(models.Model):
    """An MSL's certification to discuss a product, required before logging a discussion
    of it. Admins record them until the learning records (events app) supply them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certifications"
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="certifications"
    )
    certified_on = models.DateField()
    expires_on = models.DateField()
    source = models.CharField(
        max_length=20, choices=CertificationSource.choices, default=CertificationSource.RECORDED
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "product", "-expires_on"]
        indexes = [models.Index(fields=["user", "expires_on"], name="certification_user_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("certified_on")),
                name="certification_expires_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} certified for {self.product} until {self.expires_on:%Y-%m-%d}"


class FirewallRule(models.Model):
    """The medical/commercial firewall as data: what each role may read of other people's
    records. The author of a record always reads their own."""

    role = models.CharField(max_length=40, unique=True, choices=Role.choices)
    may_see_notes = models.BooleanField(
        default=False, help_text="Interaction notes and objectives."
    )
    may_see_quotes = models.BooleanField(default=False, help_text="The text of insights.")
    may_see_identifiable_insights = models.BooleanField(
        default=False, help_text="Insights attributed to a named KOL (not only aggregates)."
    )
    may_see_off_label_inquiries = models.BooleanField(
        default=False, help_text="The question, KOL and answer of off-label inquiries."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["role"]

    def __str__(self) -> str:
        return f"Firewall for {self.role}"


class ValueKind(models.TextChoices):
    """Kinds of transfer of value, each mapped to the Open Payments nature of payment."""

    MEAL = "meal", "Meal or beverage"
    EDUCATIONAL_ITEM = "educational_item", "Educational item (book, reprint)"
    TRAVEL = "travel", "Travel and lodging"
    GIFT = "gift", "Gift"
    OTHER = "other", "Other"


OPEN_PAYMENTS_NATURE = {
    ValueKind.MEAL: "Food and Beverage",
    ValueKind.EDUCATIONAL_ITEM: "Education",
    ValueKind.TRAVEL: "Travel and Lodging",
    ValueKind.GIFT: "Gift",
    ValueKind.OTHER: "Other",
}


class TransferOfValue(models.Model):
    """Something of value given to an HCP at an interaction (a meal, a book)."""

    interaction = models.ForeignKey(
        "interactions.Interaction", on_delete=models.PROTECT, related_name="transfers_of_value"
    )
    kol = models.ForeignKey("kols.KOL", on_delete=models.PROTECT, related_name="transfers_of_value")
    kind = models.CharField(max_length=20, choices=ValueKind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    description = models.CharField(max_length=200, blank=True)
    given_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        indexes = [models.Index(fields=["kol", "given_on"], name="tov_kol_year")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="tov_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency} to {self.kol}"


class OpenPaymentsThreshold(models.Model):
    """The US Open Payments reporting thresholds of a program year: an item under
    `small_item` need not be reported unless the year's total for the HCP exceeds
    `annual_total`. CMS publishes new figures each year; admins add the row."""

    program_year = models.PositiveSmallIntegerField(unique=True)
    small_item = models.DecimalField(max_digits=8, decimal_places=2)
    annual_total = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["-program_year"]

    def __str__(self) -> str:
        return f"Open Payments {self.program_year}: {self.small_item} / {self.annual_total}"
