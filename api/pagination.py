"""The API's pages: DRF's page numbers, counted as the list pages count (LIST_ROWS_COUNTED in
the settings says why)."""

import math

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from msl_crm.listing import CountedPaginator


class _PageKnowingWhatFollows(Page):
    """A page that learnt whether another follows from the extra row it read, not from a
    count of every row."""

    def __init__(self, object_list, number, paginator, *, has_more_rows: bool):
        super().__init__(object_list, number, paginator)
        self.has_more_rows = has_more_rows

    def has_next(self) -> bool:
        return self.has_more_rows


class OpenEndedPaginator(CountedPaginator):
    """Counts as the list pages do, but pages on past what it counted: a client that follows
    `next` to the end (a nightly export) must get every row, not the first 10,000. Each
    page reads one row more than it shows to know whether another follows."""

    def validate_number(self, number) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        # Past the largest OFFSET the database's 64-bit integers hold, a number is no page.
        if not 1 <= number <= (2**63 - 1) // self.per_page:
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number) -> Page:
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start : start + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return _PageKnowingWhatFollows(
            rows[: self.per_page], number, self, has_more_rows=len(rows) > self.per_page
        )

    def last_page_number(self) -> int:
        rows = self.object_list.count()
        # The response's count comes from this reading rather than a second one.
        self._rows_up_to_one_past_the_limit = min(rows, settings.LIST_ROWS_COUNTED + 1)
        return max(1, math.ceil(rows / self.per_page))


class CountedPagination(PageNumberPagination):
    """`count` is null when there are more rows than LIST_ROWS_COUNTED: a client that
    works out its pages from the count then fails at once, rather than stopping at the
    10,000th row without a word. `next` goes on to the last row."""

    django_paginator_class = OpenEndedPaginator

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings:
            # Asked for by name, the last page is worth counting every row once.
            return paginator.last_page_number()
        return number

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": None if paginator.capped else paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"].update(
            nullable=True,
            description=f"How many results there are; null when there are more than "
            f"{settings.LIST_ROWS_COUNTED:,} (follow `next` to read them all).",
        )
        return response
