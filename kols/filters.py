import django_filters
from django import forms

from catalog.models import TherapeuticArea

from .models import KOL, Tier
from .selectors import kol_search, territories_for_filter


class KOLFilter(django_filters.FilterSet):
    """The directory's search box, filters and sort order."""

    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(
            attrs={
                "placeholder": "Name, specialty, institution, city or interest",
                "type": "search",
            }
        ),
    )
    tier = django_filters.ChoiceFilter(choices=Tier.choices, empty_label="Any tier")
    therapeutic_area = django_filters.ModelChoiceFilter(
        label="Therapeutic area",
        field_name="therapeutic_areas",
        queryset=TherapeuticArea.objects.order_by("name"),
        empty_label="Any therapeutic area",
    )
    territory = django_filters.ModelChoiceFilter(queryset=None, empty_label="All my territories")
    sort = django_filters.OrderingFilter(
        label="Sort by",
        fields=(
            ("last_name", "name"),
            ("tier", "tier"),
            ("institution__name", "institution"),
            ("city", "city"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "last_name": "Name",
            "tier": "Tier",
            "institution__name": "Institution",
            "city": "City",
            "updated_at": "Last updated",
        },
        empty_label="Name",
    )

    class Meta:
        model = KOL
        fields = ["q", "tier", "therapeutic_area", "territory"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["territory"].queryset = territories_for_filter(user)

    def search(self, queryset, name, value):
        return kol_search(queryset, value)
