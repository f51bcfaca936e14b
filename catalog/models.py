import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from msl_crm.uploads import private_storage


class TherapeuticArea(models.Model):
    """A disease field the medical-affairs organisation works in, such as Oncology."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A medicine of the portfolio, marketed or in development."""

    name = models.CharField(max_length=120, unique=True, help_text="Brand name.")
    generic_name = models.CharField(max_length=120, blank=True)
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, related_name="products"
    )
    is_marketed = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.generic_name})" if self.generic_name else self.name


class Indication(models.Model):
    """An approved use of a product; anything outside these is off-label."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="indications")
    description = models.CharField(max_length=300)
    approved_on = models.DateField(null=True, blank=True)
    region = models.CharField(max_length=60, default="US", help_text="Where it is approved.")

    class Meta:
        ordering = ["product__name", "description"]
        constraints = [
            # The same indication listed twice for one region would double-count in reports.
            models.UniqueConstraint(
                fields=["product", "description", "region"], name="indication_unique_per_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name}: {self.description} ({self.region})"


class InsightTopic(models.Model):
    """A node of the two-level insight taxonomy, e.g. "Efficacy › Long-term outcomes"."""

    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["parent__name", "name"]
        constraints = [
            # Names repeat across branches ("Other") but never within one.
            models.UniqueConstraint(fields=["parent", "name"], name="topic_unique_within_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent=None), name="topic_unique_root_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "Topics have two levels: pick a top-level parent."})
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "A topic cannot be its own parent."})


class MaterialUse(models.TextChoices):
    PROACTIVE = "proactive", "Proactive"
    REACTIVE_ONLY = "reactive_only", "Reactive only (on unsolicited request)"


class ApprovedMaterialQuerySet(models.QuerySet):
    def offerable(self, on: dt.date | None = None):
        """Materials that may be shared on that day: approved already and not expired."""
        on = on or timezone.localdate()
        return self.filter(approved_on__lte=on, expires_on__gt=on)

    def proactive(self):
        return self.filter(use=MaterialUse.PROACTIVE)


class ApprovedMaterial(models.Model):
    """A medical-review-approved document or link an MSL may share, until it expires."""

    title = models.CharField(max_length=200)
    document_number = models.CharField(
        max_length=40, help_text="The approval system's reference, e.g. MED-ONC-0042."
    )
    version = models.CharField(max_length=20)
    file = models.FileField(upload_to="materials/", storage=private_storage, blank=True)
    file_content_type = models.CharField(max_length=60, blank=True, editable=False)
    url = models.URLField(blank=True)
    therapeutic_area = models.ForeignKey(
        TherapeuticArea, on_delete=models.PROTECT, related_name="materials"
    )
    products = models.ManyToManyField(Product, related_name="materials", blank=True)
    approved_on = models.DateField()
    expires_on = models.DateField()
    use = models.CharField(
        max_length=20, choices=MaterialUse.choices, default=MaterialUse.PROACTIVE
    )

    objects = ApprovedMaterialQuerySet.as_manager()

    class Meta:
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_number", "version"], name="material_unique_version"
            ),
            # An approval that ends before it starts is a typing error, never a real approval.
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("approved_on")),
                name="material_expires_after_approval",
            ),
        ]
        indexes = [
            models.Index(fields=["expires_on"], name="material_by_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def clean(self):
        if not self.file and not self.url:
            raise ValidationError("Attach the approved file or give its link.")
        if self.approved_on and self.expires_on and self.expires_on <= self.approved_on:
            raise ValidationError({"expires_on": "The expiry date must come after approval."})

    def is_expired(self, on: dt.date | None = None) -> bool:
        return self.expires_on <= (on or timezone.localdate())

    def is_offerable(self, on: dt.date | None = None) -> bool:
        """As `ApprovedMaterialQuerySet.offerable` says: approved already and not expired."""
        on = on or timezone.localdate()
        return self.approved_on <= on < self.expires_on

    def lapse(self, on: dt.date | None = None) -> str:
        """What a page says of the material on `on` when it is not approved for sharing
        ("expired 2026-06-08", "approved from 2026-07-01"); empty while it is."""
        on = on or timezone.localdate()
        if self.is_expired(on):
            return f"expired {self.expires_on:%Y-%m-%d}"
        if not self.is_offerable(on):
            return f"approved from {self.approved_on:%Y-%m-%d}"
        return ""

    def closed_reason(self, on: dt.date | None = None) -> str:
        """Why the file is not handed out, for a material that is not offerable on `on`."""
        on = on or timezone.localdate()
        if self.is_expired(on):
            return (
                f"{self} expired on {self.expires_on:%Y-%m-%d} and may no longer be shared; "
                "compliance keeps the approved copy."
            )
        return f"{self} is approved only from {self.approved_on:%Y-%m-%d}."
