import datetime as dt

import factory
from django.utils import timezone

from accounts.roles import Role
from inquiries.deadlines import add_months
from inquiries.models import (
    DocumentedInterest,
    InquiryStatus,
    MedicalInquiry,
    RequestSetting,
    ResponseChannel,
    StandardResponse,
    Urgency,
)
from inquiries.services import deadline_for

from .accounts import UserFactory
from .catalog import InsightTopicFactory, ProductFactory
from .kols import KOLFactory


class MedicalInquiryFactory(factory.django.DjangoModelFactory):
    """An open, attested, unsigned inquiry raised by an MSL an hour after the KOL asked,
    due by today's service level for its urgency. Pass raised_by=…, kol=… to place it."""

    class Meta:
        model = MedicalInquiry

    kol = factory.SubFactory(KOLFactory)
    raised_by = factory.SubFactory(UserFactory, roles=[Role.MSL])
    question = factory.Sequence(lambda n: f"Is there data on dosing in renal impairment ({n})?")
    response_channel = ResponseChannel.EMAIL
    urgency = Urgency.STANDARD
    unsolicited_attested = True
    requested_by = factory.LazyAttribute(lambda inquiry: inquiry.kol.display_name)
    requested_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    request_setting = RequestSetting.ONE_TO_ONE
    status = InquiryStatus.OPEN
    deadline = factory.LazyAttribute(
        lambda inquiry: deadline_for(inquiry.urgency, timezone.localdate())
    )


class StandardResponseFactory(factory.django.DjangoModelFactory):
    """An approved standard response, usable today: approved a month ago, valid a year."""

    class Meta:
        model = StandardResponse

    document_number = factory.Sequence(lambda n: f"SRD-{n:04d}")
    version = 1
    title = factory.Sequence(lambda n: f"Standard response {n}")
    product = None
    body = factory.Sequence(lambda n: f"Approved standard answer text {n}.")
    approved_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))


class DocumentedInterestFactory(factory.django.DjangoModelFactory):
    """A KOL's documented interest in a product, recorded today and valid for twelve months."""

    class Meta:
        model = DocumentedInterest

    kol = factory.SubFactory(KOLFactory)
    raised_by = factory.SubFactory(UserFactory, roles=[Role.MSL])
    product = factory.SubFactory(ProductFactory)
    topic = factory.SubFactory(InsightTopicFactory, parent=factory.SubFactory(InsightTopicFactory))
    description = "Wants to hear about long-term outcomes data."
    unsolicited_attested = True
    requested_by = factory.LazyAttribute(lambda interest: interest.kol.display_name)
    requested_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    request_setting = RequestSetting.ONE_TO_ONE
    valid_until = factory.LazyAttribute(
        lambda interest: add_months(timezone.localdate(interest.requested_at), 12)
    )
