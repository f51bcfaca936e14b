"""The inquiry metrics the reports dashboard shows, per product and urgency: how many were
answered, the median hours from raising to delivery, and the share delivered by the
deadline. Built on a dataset written straight to the tables, so every number is known."""

import datetime as dt

import pytest

from inquiries.models import (
    Delivery,
    InquiryResponse,
    InquiryStatus,
    MedicalInquiry,
    ResponseReview,
)
from inquiries.selectors import InquiryMetric, inquiry_metrics
from tests.factories import MedicalInquiryFactory, ProductFactory

pytestmark = pytest.mark.django_db

S = InquiryStatus
RAISED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday morning


@pytest.fixture
def alpha(db):
    return ProductFactory(name="Alpha")


@pytest.fixture
def beta(db):
    return ProductFactory(name="Beta")


@pytest.fixture
def answered(msl, kol, medinfo, medinfo2):
    """An inquiry raised at `raised`, answered `hours` later, on time or a day late."""

    def make(product, urgency, hours, *, on_time, status=S.DELIVERED, raised=RAISED):
        delivered_at = raised + dt.timedelta(hours=hours)
        delivered_on = delivered_at.date()
        inquiry = MedicalInquiryFactory(
            raised_by=msl,
            kol=kol,
            product=product,
            urgency=urgency,
            status=status,
            assignee=medinfo,
            delivered_at=delivered_at,
            deadline=delivered_on if on_time else delivered_on - dt.timedelta(days=1),
        )
        # created_at is stamped on insert; the dataset needs it in the past.
        MedicalInquiry.objects.filter(pk=inquiry.pk).update(created_at=raised)
        response = InquiryResponse.objects.create(
            inquiry=inquiry,
            custom_text="The answer.",
            author=medinfo,
            review=ResponseReview.APPROVED,
            reviewer=medinfo2,
            reviewed_at=delivered_at,
        )
        Delivery.objects.create(
            inquiry=inquiry,
            response=response,
            channel="email",
            delivered_on=delivered_on,
            delivered_to="Dr Alvarez",
            recorded_by=medinfo,
        )
        return inquiry

    return make


def test_metrics_per_product_and_urgency(answered, alpha, beta, msl, kol):
    answered(alpha, "standard", 10, on_time=True)
    answered(alpha, "standard", 20, on_time=True, status=S.CLOSED)
    answered(alpha, "standard", 60, on_time=False)
    answered(alpha, "urgent", 4, on_time=True)
    answered(alpha, "urgent", 7, on_time=False)
    answered(beta, "standard", 48, on_time=True)
    answered(beta, "urgent", 26.5, on_time=False)
    answered(None, "standard", 12, on_time=True)
    # Still owed an answer, or never to be answered: not in the metrics.
    for status in (S.OPEN, S.ASSIGNED, S.IN_REVIEW, S.APPROVED, S.CANCELLED):
        MedicalInquiryFactory(raised_by=msl, kol=kol, product=alpha, status=status)

    assert inquiry_metrics() == [
        InquiryMetric("Alpha", "standard", 3, 20.0, 2 / 3),
        InquiryMetric("Alpha", "urgent", 2, 5.5, 0.5),
        InquiryMetric("Beta", "standard", 1, 48.0, 1.0),
        InquiryMetric("Beta", "urgent", 1, 26.5, 0.0),
        InquiryMetric("No product", "standard", 1, 12.0, 1.0),
    ]


def test_median_hours_are_rounded_to_one_decimal(answered, alpha):
    answered(alpha, "standard", 1 + 20 / 60, on_time=True)  # 1 h 20 min
    answered(alpha, "standard", 2, on_time=True)

    (metric,) = inquiry_metrics()

    assert metric.median_hours == 1.7


def test_metrics_since_a_date_count_only_inquiries_raised_since(answered, alpha):
    answered(alpha, "standard", 10, on_time=True, raised=RAISED - dt.timedelta(days=60))
    answered(alpha, "standard", 30, on_time=False)

    assert inquiry_metrics(since=RAISED - dt.timedelta(days=1)) == [
        InquiryMetric("Alpha", "standard", 1, 30.0, 0.0)
    ]


def test_delivered_on_the_deadline_counts_as_on_time(answered, alpha):
    inquiry = answered(alpha, "urgent", 30, on_time=True)

    assert inquiry.delivery.delivered_on == inquiry.deadline
    assert inquiry_metrics()[0].within_service_level == 1.0


def test_without_a_delivery_row_the_delivery_time_decides(alpha, msl, kol):
    # Delivered the day after its deadline, recorded without a Delivery row.
    inquiry = MedicalInquiryFactory(
        raised_by=msl,
        kol=kol,
        product=alpha,
        status=S.DELIVERED,
        delivered_at=RAISED + dt.timedelta(hours=30),
        deadline=RAISED.date(),
    )
    MedicalInquiry.objects.filter(pk=inquiry.pk).update(created_at=RAISED)

    assert inquiry_metrics() == [InquiryMetric("Alpha", "standard", 1, 30.0, 0.0)]


def test_without_a_delivery_row_the_day_is_the_sites_day(alpha, msl, kol, settings):
    settings.TIME_ZONE = "America/New_York"
    # 22:30 in New York on the deadline day, already the next day in UTC.
    inquiry = MedicalInquiryFactory(
        raised_by=msl,
        kol=kol,
        product=alpha,
        status=S.DELIVERED,
        delivered_at=dt.datetime(2026, 3, 3, 3, 30, tzinfo=dt.UTC),
        deadline=dt.date(2026, 3, 2),
    )
    MedicalInquiry.objects.filter(pk=inquiry.pk).update(created_at=RAISED)

    assert inquiry_metrics() == [InquiryMetric("Alpha", "standard", 1, 18.5, 1.0)]


def test_no_answered_inquiries_no_metrics(msl, kol):
    MedicalInquiryFactory(raised_by=msl, kol=kol)

    assert inquiry_metrics() == []
