"""Counting without a query of its own: counts and sums of a queryset as subqueries, so that a
page can read many figures from many apps in one query (see today.selectors.day_figures), and
a list's first rows together with its total."""

from django.db.models import Count, F, Func, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet, *, distinct: bool = False) -> Subquery:
    """COUNT over the queryset's rows. Written as a plain function, not Count(), so Django
    adds no GROUP BY: the subquery always yields exactly one row, 0 when nothing matches.
    `distinct` counts each primary key once, for querysets whose joins repeat rows."""
    count = Func(F("pk"), function="COUNT")
    if distinct:
        count = Func(F("pk"), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
    return Subquery(queryset.order_by().annotate(count=count).values("count"))


def sum_of(queryset: QuerySet, field: str, *, output_field=None) -> Coalesce:
    """SUM of a field over the queryset's rows; 0 when nothing matches, as Sum() plus
    `or 0` would give."""
    output_field = output_field or queryset.model._meta.get_field(field)
    total = Func(F(field), function="SUM", output_field=output_field)
    zero = Value(0, output_field=output_field)
    return Coalesce(
        Subquery(queryset.order_by().annotate(total=total).values("total")),
        zero,
        output_field=output_field,
    )


def first_rows_with_total(queryset: QuerySet, limit: int) -> tuple[list, int]:
    """The first `limit` rows and how many rows there are in all, in one query: the total
    is a window count over the whole result, computed before the LIMIT applies."""
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[:limit])
    return rows, rows[0].total_rows if rows else 0
