import django_filters

from catalog.selectors import insight_topic_choices
from kols.selectors import kols_visible_to
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
    kol = django_filters.ModelChoiceFilter(
        field_name="kols", queryset=None, label="KOL", empty_label="Any KOL"
    )
    topic = django_filters.ModelChoiceFilter(
        field_name="topics", queryset=None, label="Topic", empty_label="Any topic"
    )

    class Meta:
        model = Interaction
        fields = ["occurred", "status", "kol", "topic"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The API's filter backend passes the request rather than the user.
        user = user or self.request.user
        self.filters["kol"].queryset = kols_visible_to(user).order_by("last_name", "first_name")
        self.filters["topic"].queryset = insight_topic_choices()
