from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accounts.models import Territory, country_code_validator
from catalog.models import TherapeuticArea

from .identifiers import validate_npi, validate_orcid


class InstitutionType(models.TextChoices):
    ACADEMIC = "academic", "Academic medical center"
    CANCER_CENTER = "cancer_center", "Comprehensive cancer center"
    COMMUNITY = "community", "Community hospital"
    PRACTICE = "practice", "Private practice"
    RESEARCH = "research", "Research institute"
    OTHER = "other", "Other"


class Institution(models.Model):
    """A hospital, university, practice or institute where KOLs work."""

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=InstitutionType.choices)
    city = models.CharField(max_length=120)
    country = models.CharField(max_length=2, validators=[country_code_validator])

    class Meta:
        ordering = ["name"]
        constraints = [
            # Imports match KOLs on name + institution, so an institution must be unambiguous.
            models.UniqueConstraint(
                fields=["name", "city", "country"], name="institution_unique_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class Interest(models.Model):
    """A scientific interest tag on KOLs, e.g. "CAR-T" or "biomarkers"."""

    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    EMAIL = "email", "E-mail"


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", "Granted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    UNKNOWN = "unknown", "Unknown"


class Tier(models.IntegerChoices):
    TIER_1 = 1, "Tier 1 (national / international)"
    TIER_2 = 2, "Tier 2 (regional)"
    TIER_3 = 3, "Tier 3 (local)"


# The KOL fields people edit (form, import, services); the rest are kept by the system.
KOL_EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "credentials",
    "specialty",
    "institution",
    "npi",
    "orcid",
    "national_id",
    "national_id_type",
    "email",
    "phone",
    "city",
    "country",
    "territory",
    "tier",
    "preferred_channel",
    "consent_status",
    "consent_date",
    "consent_source",
    "do_not_contact",
)


class KOLQuerySet(models.QuerySet):
    def with_directory_columns(self):
        return self.select_related("institution", "territory").prefetch_related(
            "therapeutic_areas", "interests"
        )


class KOL(models.Model):
    """A key opinion leader: a healthcare professional the MSLs engage scientifically."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    credentials = models.CharField(max_length=60, blank=True, help_text="e.g. MD, PhD")
    specialty = models.CharField(max_length=120)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="kols"
    )
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text="US National Provider Identifier (10 digits).",
    )
    orcid = models.CharField(
        "ORCID iD",
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text="Matches the KOL's publications for certain, e.g. 0000-0002-1825-0097.",
    )
    national_id = models.CharField(
        max_length=40, blank=True, help_text="Another country's HCP identifier, free-form."
    )
    national_id_type = models.CharField(
        max_length=40, blank=True, help_text="What the identifier is, e.g. GMC, RPPS, LANR."
    )
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField(max_length=40, blank=True)
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=2, validators=[country_code_validator])
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, null=True, blank=True, related_name="kols"
    )
    therapeutic_areas = models.ManyToManyField(TherapeuticArea, related_name="kols", blank=True)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.TIER_3)
    interests = models.ManyToManyField(Interest, related_name="kols", blank=True)
    preferred_channel = models.CharField(
        max_length=20, choices=Channel.choices, default=Channel.IN_PERSON
    )
    consent_status = models.CharField(
        max_length=20, choices=ConsentStatus.choices, default=ConsentStatus.UNKNOWN
    )
    consent_date = models.DateField(null=True, blank=True)
    consent_source = models.CharField(
        max_length=120, blank=True, help_text="Where consent was given or withdrawn."
    )
    do_not_contact = models.BooleanField(default=False)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Name, specialty, city, institution and interests in capitals, kept by kols.search:
    # one column the directory's search reads, with a trigram index on PostgreSQL.
    search_text = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KOLQuerySet.as_manager()

    # Derived from fields that are audited themselves.
    audit_ignored_fields = frozenset({"search_text"})

    class Meta:
        verbose_name = "KOL"
        verbose_name_plural = "KOLs"
        ordering = ["last_name", "first_name"]
        constraints = [
            # One person, one record: a second record with the same NPI would split history.
            models.UniqueConstraint(fields=["npi"], condition=~Q(npi=""), name="kol_unique_npi"),
            models.UniqueConstraint(
                fields=["orcid"], condition=~Q(orcid=""), name="kol_unique_orcid"
            ),
            models.CheckConstraint(condition=Q(tier__in=[1, 2, 3]), name="kol_tier_1_to_3"),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="kol_by_name"),
            models.Index(fields=["territory", "last_name"], name="kol_by_territory"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("kols:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name}, {self.credentials}" if self.credentials else name

    @property
    def may_be_contacted(self) -> bool:
        return not self.do_not_contact and self.consent_status != ConsentStatus.WITHDRAWN


class Affiliation(models.Model):
    """A KOL's position at an institution over time, e.g. Chief of Oncology 2019 to 2024."""

    kol = models.ForeignKey(KOL, on_delete=models.CASCADE, related_name="affiliations")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=120)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="affiliation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}, {self.institution}"


class EngagementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"


class EngagementPlan(models.Model):
    """What medical affairs means to achieve with a KOL in one year."""

    kol = models.ForeignKey(KOL, on_delete=models.CASCADE, related_name="engagement_plans")
    year = models.PositiveSmallIntegerField()
    objectives = models.TextField()
    planned_touchpoints = models.PositiveSmallIntegerField(default=4)
    status = models.CharField(
        max_length=20, choices=EngagementStatus.choices, default=EngagementStatus.ACTIVE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagement_plans",
    )

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["kol", "year"], name="engagement_plan_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.kol} {self.year}"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Checked, waiting for a decision"
    IMPORTED = "imported", "Imported"
    CANCELLED = "cancelled", "Cancelled"


class KOLImport(models.Model):
    """An uploaded KOL file, kept from its preview to its import as a record of what came in
    and what was done with it."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="kol_imports"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    total_rows = models.PositiveIntegerField(default=0)
    rejected_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"
