import datetime as dt

import factory

from reports.models import ReportSubscription, TrendReport
from reports.statistics import METHOD

from .accounts import UserFactory


class ReportSubscriptionFactory(factory.django.DjangoModelFactory):
    """A user who gets the weekly report by e-mail (pass weekly_email=False for one who
    turned it off)."""

    class Meta:
        model = ReportSubscription
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    weekly_email = True


def _empty_data(report) -> dict:
    baseline = [report.week - dt.timedelta(weeks=n) for n in range(report.baseline_weeks, 0, -1)]
    return {
        "week": report.week.isoformat(),
        "baseline": [day.isoformat() for day in baseline],
        "topics": [],
        "products": [],
        "therapeutic_areas": [],
        "regions": [],
        "emerging": [],
    }


class TrendReportFactory(factory.django.DjangoModelFactory):
    """A stored weekly report with nothing in it, one week earlier each time; pass data=…
    (the shape trend_report_build stores) for content. Build real ones with the service."""

    class Meta:
        model = TrendReport
        django_get_or_create = ("week",)

    week = factory.Sequence(lambda n: dt.date(2024, 12, 30) - dt.timedelta(weeks=n))
    baseline_weeks = 8
    method = METHOD
    data = factory.LazyAttribute(_empty_data)
