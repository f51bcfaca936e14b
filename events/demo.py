"""Demo events, trips and learning: a congress coming up with KOLs to meet there and a
trip booked, a team meeting with an insight under discussion, required trainings with one
expiring soon (msl) and one lapsed (msl2, who sees the warning on every page)."""

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from catalog.models import Product, TherapeuticArea
from interactions.models import Insight
from kols.models import ConsentStatus
from kols.selectors import kols_visible_to

from .models import (
    Event,
    EventKind,
    ExpenseCategory,
    ItineraryKind,
    KOLParticipation,
    LearningKind,
    TrainingRequirement,
)
from .selectors import insight_readers
from .services import (
    comment_add,
    event_create,
    event_meeting_plan,
    expected_kol_add,
    expense_add,
    insight_share,
    itinerary_item_add,
    learning_record_create,
    trip_create,
)

# A minimal valid PDF, so the demo receipt downloads as what it claims to be.
RECEIPT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed(stdout) -> None:
    if Event.objects.exists():
        stdout.write("Events: already there, none added.")
        return
    today = timezone.localdate()
    users = {user.username: user for user in User.objects.filter(username__in=_NAMES)}
    msl, msl2, manager = users["msl"], users["msl2"], users["manager"]
    oncology = TherapeuticArea.objects.filter(name="Oncology").first()
    immunology = TherapeuticArea.objects.filter(name="Immunology").first()

    _requirements_and_learning(msl, msl2, today)
    congress = event_create(
        actor=msl,
        title="Thoracic Oncology Congress 2026",
        kind=EventKind.CONGRESS,
        starts_on=today + dt.timedelta(days=16),
        ends_on=today + dt.timedelta(days=19),
        location="Chicago, McCormick Place",
        therapeutic_area=oncology,
        learning_hours=Decimal("12"),
        description="The year's main lung-cancer meeting: late-breaking immunotherapy data.",
        attendees=[manager],
    )
    contactable = list(
        kols_visible_to(msl)
        .filter(do_not_contact=False)
        .exclude(consent_status=ConsentStatus.WITHDRAWN)
        .order_by("pk")[:4]
    )
    for index, kol in enumerate(contactable):
        expected_kol_add(
            actor=msl,
            event=congress,
            kol=kol,
            participation=KOLParticipation.SPEAKING if index < 2 else KOLParticipation.ATTENDING,
            session="Late-breaking abstracts" if index < 2 else "",
        )
    for index, kol in enumerate(contactable[:2]):
        event_meeting_plan(
            actor=msl,
            event=congress,
            kol=kol,
            planned_at=_at(congress.starts_on + dt.timedelta(days=index + 1), 10 + index * 4),
            objectives="Discuss their late-breaking data and the open questions it raises.",
            location="Company medical booth, hall B",
        )
    trip = trip_create(
        actor=msl,
        purpose="Thoracic Oncology Congress, Chicago",
        event=congress,
        departs_on=congress.starts_on - dt.timedelta(days=1),
        returns_on=congress.ends_on,
    )
    itinerary_item_add(
        actor=msl,
        trip=trip,
        kind=ItineraryKind.FLIGHT,
        starts_at=_at(trip.departs_on, 8),
        ends_at=_at(trip.departs_on, 10),
        origin="Boston BOS",
        destination="Chicago ORD",
        carrier="UA 1543",
        confirmation_code="K7Q2ZP",
    )
    itinerary_item_add(
        actor=msl,
        trip=trip,
        kind=ItineraryKind.HOTEL,
        starts_at=_at(trip.departs_on, 15),
        ends_at=_at(trip.returns_on, 11),
        destination="Hyatt Regency McCormick Place",
        confirmation_code="HY-449201",
    )
    expense_add(
        actor=msl,
        trip=trip,
        spent_on=today,
        category=ExpenseCategory.REGISTRATION,
        description="Congress registration",
        amount=Decimal("895.00"),
        currency="USD",
        receipt=SimpleUploadedFile("registration.pdf", RECEIPT_PDF, "application/pdf"),
    )

    event_create(
        actor=msl2,
        title="Immunology Biologics Symposium",
        kind=EventKind.SYMPOSIUM,
        starts_on=today + dt.timedelta(days=9),
        ends_on=today + dt.timedelta(days=9),
        location="San Francisco, Moscone West",
        therapeutic_area=immunology,
        learning_hours=Decimal("4"),
    )
    event_create(
        actor=manager,
        title="Real-world evidence in NSCLC (webinar)",
        kind=EventKind.WEBINAR,
        starts_on=today + dt.timedelta(days=4),
        ends_on=today + dt.timedelta(days=4),
        link="https://webinars.example.org/rwe-nsclc",
        therapeutic_area=oncology,
        learning_hours=Decimal("1.5"),
        attendees=[msl],
    )
    past = event_create(
        actor=msl,
        title="Autumn Oncology Update",
        kind=EventKind.CONGRESS,
        starts_on=today - dt.timedelta(days=45),
        ends_on=today - dt.timedelta(days=44),
        location="New York, Javits Center",
        therapeutic_area=oncology,
        learning_hours=Decimal("8"),
    )
    learning_record_create(
        actor=msl,
        title="Autumn Oncology Update",
        kind=LearningKind.CONFERENCE,
        event=past,
        completed_on=past.ends_on,
        hours=Decimal("8"),
    )
    _team_meeting(msl, manager, oncology, today)
    stdout.write("Events: congresses, a team meeting, a trip and learning records.")


_NAMES = ("msl", "msl2", "manager")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _requirements_and_learning(msl, msl2, today) -> None:
    adverse_events = TrainingRequirement.objects.create(
        title="Annual adverse-event reporting",
        role=Role.MSL,
        is_adverse_event_reporting=True,
        valid_for_months=12,
        description="Recognising and reporting adverse events within one business day.",
    )
    TrainingRequirement.objects.create(
        title="Annual adverse-event reporting (Medical Information)",
        role=Role.MEDICAL_INFORMATION,
        is_adverse_event_reporting=True,
        valid_for_months=12,
    )
    for product in Product.objects.order_by("name")[:2]:
        TrainingRequirement.objects.create(
            title=f"{product.name} product training", role=Role.MSL, product=product
        )
    # msl renewed it almost a year ago (due in three weeks, within the 30 days that count
    # as soon whatever the month: "eleven months ago" is 31 days off in most months);
    # msl2 let it lapse a month ago.
    renewed = today - relativedelta(months=12) + dt.timedelta(days=21)
    for user, completed in ((msl, renewed), (msl2, today - relativedelta(months=13))):
        learning_record_create(
            actor=user,
            title="Adverse-event reporting e-learning",
            kind=LearningKind.TRAINING,
            provider="Drug Safety",
            requirement=adverse_events,
            completed_on=completed,
            hours=Decimal("1.5"),
        )
    learning_record_create(
        actor=msl,
        title="Biostatistics for MSLs",
        kind=LearningKind.COURSE,
        provider="Medical Affairs Academy",
        completed_on=today - dt.timedelta(days=20),
        hours=Decimal("6"),
    )


def _team_meeting(msl, manager, area, today) -> None:
    meeting = event_create(
        actor=manager,
        title="Oncology Northeast team meeting",
        kind=EventKind.INTERNAL_MEETING,
        starts_on=today + dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=1),
        link="https://meet.example.org/onc-ne",
        therapeutic_area=area,
        notes="Agenda: congress plan, top insights of the month, open inquiries.",
        attendees=[msl],
    )
    insight = Insight.objects.filter(author=msl).order_by("-created_at").first()
    if insight is None:
        return
    insight_share(actor=msl, meeting=meeting, insight=insight)
    comment_add(
        actor=manager,
        insight=insight,
        text="Worth raising at the advisory board. @msl can you bring the data it refers to?",
        readers=insight_readers(insight),
    )
