"""The API's pages: DRF's page numbers, with the count of msl_crm/listing.py."""

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from msl_crm.listing import CountedPaginator


class _PageKnowingWhatFollows(Page):
    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class OpenEndedPaginator(CountedPaginator):
    """Counts as the pages do, but pages on past what it counted: a client that follows
    `next` to the end (a nightly export) must get every row, not the first 10,000. Each
    page reads one row more than it shows to know whether another follows."""

    def validate_number(self, number) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number) -> Page:
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        rows = list(self.object_list[start : start + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return _PageKnowingWhatFollows(
            rows[: self.per_page], number, self, more=len(rows) > self.per_page
        )


class CountedPagination(PageNumberPagination):
    """`count` stops at LIST_ROWS_COUNTED, and `count_exact` says whether it stopped: a
    COUNT over all 500,000 interactions compliance may read took 23 ms of every page and
    grew with each year of history."""

    django_paginator_class = OpenEndedPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_exact": not paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["count"]["description"] = (
            f"How many results there are, counted up to {settings.LIST_ROWS_COUNTED:,}."
        )
        properties["count_exact"] = {
            "type": "boolean",
            "description": "False when there are more results than `count`: follow `next` "
            "to read them all.",
        }
        response["required"] = [*response["required"], "count_exact"]
        return response
