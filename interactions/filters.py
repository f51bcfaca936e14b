import django_filters
from django import forms

from catalog.selectors import insight_topic_choices
from kols.models import KOL
from kols.selectors import kol_search, kols_visible_to
from msl_crm.listing import DateRangeWidget

from .models import Interaction, InteractionStatus


class InteractionFilter(django_filters.FilterSet):
    occurred = django_filters.DateFromToRangeFilter(
        field_name="occurred_at__date",
        label="Date (from, to)",
        widget=DateRangeWidget(),
    )
    status = django_filters.ChoiceFilter(
        choices=InteractionStatus.choices, empty_label="Any status"
    )
    kol_name = django_filters.CharFilter(method="filter_kol_name", label="KOL name")
    # Links from a KOL's pages and the API give the KOL itself. It is not a drop-down: a
    # manager may see thousands of KOLs, and rendering them all cost more than the page.
    kol = django_filters.ModelChoiceFilter(
        field_name="kols", queryset=None, label="KOL", widget=forms.HiddenInput
    )
    topic = django_filters.ModelChoiceFilter(
        field_name="topics", queryset=None, label="Topic", empty_label="Any topic"
    )

    class Meta:
        model = Interaction
        fields = ["occurred", "status", "kol_name", "kol", "topic"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The API's filter backend passes the request rather than the user.
        user = user or self.request.user
        self.filters["kol"].queryset = kols_visible_to(user).order_by("last_name", "first_name")
        self.filters["topic"].queryset = insight_topic_choices()

    def filter_kol_name(self, queryset, name, value):
        attended = Interaction.kols.through.objects.filter(
            kol__in=kol_search(KOL.objects.all(), value).values("pk")
        )
        return queryset.filter(pk__in=attended.values("interaction"))
