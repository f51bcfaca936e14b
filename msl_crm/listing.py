"""Filtered, paginated lists: what the list pages share."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator


@dataclass(frozen=True)
class Listing:
    results: object  # the filtered queryset, for exports
    page: Page
    query_string: str  # the filters, for the pagination links


def filtered_listing(request, filterset, *, page_size: int, distinct: bool = False) -> Listing:
    """Apply a bound django-filter FilterSet, ignoring invalid values as unfiltered (a wrong
    date in the URL shows everything rather than an error page), and paginate."""
    results = filterset.queryset
    if filterset.is_bound:
        filterset.form.is_valid()
        results = filterset.filter_queryset(filterset.queryset)
        if distinct:
            results = results.distinct()
    page = Paginator(results, page_size).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return Listing(results=results, page=page, query_string=params.urlencode())
