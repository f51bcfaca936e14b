import django_filters
from django import forms

from accounts.models import User

from .models import RestrictedTerm, Violation, ViolationOutcome


class ViolationFilter(django_filters.FilterSet):
    occurred = django_filters.DateFromToRangeFilter(
        field_name="occurred_at",
        label="Between",
        widget=django_filters.widgets.RangeWidget(attrs={"type": "date"}),
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
