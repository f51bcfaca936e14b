from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models

from .roles import Role

country_code_validator = RegexValidator(
    r"^[A-Z]{2}$", "Use the two-letter ISO 3166 country code in capitals, such as US or DE."
)


class User(AbstractUser):
    """Anyone who signs in. What they may open follows from their role groups."""

    job_title = models.CharField(max_length=120, blank=True)

    # The audit trail keeps these out of its before/after values.
    audit_masked_fields = frozenset({"password"})
    audit_ignored_fields = frozenset({"last_login"})

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The user's roles, read once per request (the navigation asks for them often)."""
        role_values = set(Role.values)
        return frozenset(
            name for name in self.groups.values_list("name", flat=True) if name in role_values
        )

    @property
    def role_labels(self) -> list[str]:
        return [role.label for role in Role if role.value in self.role_names]

    def has_role(self, *roles: Role) -> bool:
        return self.is_active and any(role in self.role_names for role in roles)


class Team(models.Model):
    """A field-medical team: MSLs who report to one medical-affairs manager."""

    name = models.CharField(max_length=120, unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_teams",
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Territory(models.Model):
    """A geography an MSL covers; KOLs are seen through the territories they sit in."""

    name = models.CharField(max_length=120)
    code = models.CharField(max_length=20, unique=True, help_text="Short code, e.g. US-NE-01.")
    region = models.CharField(max_length=120, help_text="Region used in reports, e.g. Northeast.")
    country = models.CharField(max_length=2, validators=[country_code_validator])
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="territories"
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="territories",
        blank=True,
        help_text="The MSLs who cover this territory.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country", "region", "name"]
        verbose_name_plural = "territories"
        constraints = [
            # Two territories of the same name in one country would be indistinguishable in
            # filters and reports.
            models.UniqueConstraint(fields=["country", "name"], name="territory_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class UserSession(models.Model):
    """A signed-in browser, so people can see where they are signed in and end it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="browser_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"
