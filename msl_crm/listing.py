"""Filtered, paginated lists: what the list pages share."""

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.paginator import Page, Paginator
from django_filters.widgets import RangeWidget


class DateRangeWidget(RangeWidget):
    """Two date inputs, each named for screen readers: the field's single <label> points at
    neither of them (its `for` is the field's id, the inputs get `_0` and `_1`)."""

    def __init__(self, attrs=None, *, labels=("From", "To")):
        super().__init__(attrs={"type": "date", **(attrs or {})})
        self.labels = labels

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(context["widget"]["subwidgets"], self.labels, strict=True):
            subwidget["attrs"]["aria-label"] = label
        return context


class CountedPaginator(Paginator):
    """Counts a queryset's rows only up to `LIST_ROWS_COUNTED` and pages through those (see
    its setting for why). A longer list says so (`capped`), and a page past the last counted
    one shows that last page. Only for lists with filters, which reach the rows past it."""

    @cached_property
    def _rows_up_to_one_past_the_limit(self) -> int:
        # No ORDER BY: which rows are counted does not matter, only when to stop.
        return self.object_list.order_by()[: settings.LIST_ROWS_COUNTED + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._rows_up_to_one_past_the_limit, settings.LIST_ROWS_COUNTED)

    @cached_property
    def capped(self) -> bool:
        return self._rows_up_to_one_past_the_limit > settings.LIST_ROWS_COUNTED


@dataclass(frozen=True)
class Listing:
    results: object  # the filtered queryset, for exports
    page: Page
    query_string: str  # the filters, for the pagination links


def filtered_listing(request, filterset, *, page_size: int, order=None) -> Listing:
    """Apply a bound django-filter FilterSet, ignoring invalid values as unfiltered (a wrong
    date in the URL shows everything rather than an error page), and paginate. `order`, if
    given, sorts the filtered results knowing what was asked (a search sorts otherwise)."""
    results = filterset.queryset
    if filterset.is_bound:
        filterset.form.is_valid()
        results = filterset.filter_queryset(filterset.queryset)
    if order is not None:
        results = order(results, filterset)
    page = CountedPaginator(results, page_size).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return Listing(results=results, page=page, query_string=params.urlencode())
