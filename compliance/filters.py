import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from msl_crm.listing import DateRangeWidget

from .models import AuditAction, AuditEntry, RestrictedTerm, Violation, ViolationOutcome


class ViolationFilter(django_filters.FilterSet):
    occurred = django_filters.DateFromToRangeFilter(
        field_name="occurred_at",
        label="Between",
        widget=DateRangeWidget(),
    )
    outcome = django_filters.ChoiceFilter(choices=ViolationOutcome.choices, empty_label="Any")
    term = django_filters.ModelChoiceFilter(
        queryset=RestrictedTerm.objects.order_by("pattern"), label="Rule", empty_label="Any"
    )
    user = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(violations__isnull=False).distinct().order_by("username"),
        empty_label="Anyone",
    )

    class Meta:
        model = Violation
        fields = ["occurred", "outcome", "term", "user"]
        form = forms.Form


class AuditEntryFilter(django_filters.FilterSet):
    occurred = django_filters.DateFromToRangeFilter(
        field_name="occurred_at",
        label="Between",
        widget=DateRangeWidget(),
    )
    content_type = django_filters.ModelChoiceFilter(
        queryset=ContentType.objects.filter(
            pk__in=AuditEntry.objects.values("content_type").distinct()
        ).order_by("app_label", "model"),
        label="Record type",
        empty_label="Any",
    )
    object_id = django_filters.CharFilter(label="Record id")
    record = django_filters.CharFilter(
        field_name="object_repr", lookup_expr="icontains", label="Record text contains"
    )
    actor = django_filters.CharFilter(
        field_name="actor_name", lookup_expr="iexact", label="User name"
    )
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, empty_label="Any")

    class Meta:
        model = AuditEntry
        fields = ["occurred", "content_type", "object_id", "record", "actor", "action"]
        form = forms.Form
