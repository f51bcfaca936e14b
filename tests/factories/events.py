import datetime as dt
from decimal import Decimal

import factory
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.roles import Role
from events.models import (
    Event,
    EventKind,
    ExpectedKOL,
    Expense,
    ExpenseCategory,
    InsightComment,
    ItineraryItem,
    ItineraryKind,
    LearningKind,
    LearningRecord,
    Mention,
    SharedInsight,
    TrainingRequirement,
    Trip,
)

from .accounts import UserFactory
from .interactions import InsightFactory
from .kols import KOLFactory


class EventFactory(factory.django.DjangoModelFactory):
    """A two-day congress starting in ten days; pass attendees=[…] to invite people (the
    organiser is not added on its own, unlike through the service)."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Congress {n}")
    kind = EventKind.CONGRESS
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
    ends_on = factory.LazyAttribute(lambda event: event.starts_on + dt.timedelta(days=1))
    location = "Chicago, McCormick Place"
    organiser = factory.SubFactory(UserFactory, roles=[Role.MSL])

    @factory.post_generation
    def attendees(self, create, extracted, **kwargs):
        if create and extracted:
            self.attendees.add(*extracted)


class ExpectedKOLFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpectedKOL

    event = factory.SubFactory(EventFactory)
    kol = factory.SubFactory(KOLFactory)
    added_by = factory.SelfAttribute("event.organiser")


class TripFactory(factory.django.DjangoModelFactory):
    """A three-day trip leaving in a week."""

    class Meta:
        model = Trip

    traveller = factory.SubFactory(UserFactory, roles=[Role.MSL])
    purpose = factory.Sequence(lambda n: f"Trip {n}")
    departs_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    returns_on = factory.LazyAttribute(lambda trip: trip.departs_on + dt.timedelta(days=2))


class ItineraryItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItineraryItem

    trip = factory.SubFactory(TripFactory)
    kind = ItineraryKind.FLIGHT
    starts_at = factory.LazyAttribute(
        lambda item: timezone.make_aware(dt.datetime.combine(item.trip.departs_on, dt.time(8)))
    )
    ends_at = factory.LazyAttribute(lambda item: item.starts_at + dt.timedelta(hours=2))
    origin = "Boston BOS"
    destination = "Chicago ORD"


class ExpenseFactory(factory.django.DjangoModelFactory):
    """An expense without a receipt; upload one through the page to test receipts."""

    class Meta:
        model = Expense

    trip = factory.SubFactory(TripFactory)
    spent_on = factory.SelfAttribute("trip.departs_on")
    category = ExpenseCategory.GROUND
    description = factory.Sequence(lambda n: f"Taxi {n}")
    amount = Decimal("25.00")
    currency = "USD"


class TrainingRequirementFactory(factory.django.DjangoModelFactory):
    """A yearly training required of MSLs; pass product=… or
    is_adverse_event_reporting=True for the special kinds."""

    class Meta:
        model = TrainingRequirement

    title = factory.Sequence(lambda n: f"Required training {n}")
    role = Role.MSL
    valid_for_months = 12
    active = True


def _expiry(record):
    if record.requirement is None:
        return None
    return record.completed_on + relativedelta(months=record.requirement.valid_for_months)


class LearningRecordFactory(factory.django.DjangoModelFactory):
    """A course completed ten days ago; with requirement=… it completes that training and
    expires as the service would set it (it certifies nobody: go through the page for that)."""

    class Meta:
        model = LearningRecord

    user = factory.SubFactory(UserFactory, roles=[Role.MSL])
    title = factory.Sequence(lambda n: f"Course {n}")
    kind = factory.LazyAttribute(
        lambda record: LearningKind.TRAINING if record.requirement else LearningKind.COURSE
    )
    requirement = None
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    hours = Decimal("1.5")
    expires_on = factory.LazyAttribute(_expiry)


class SharedInsightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharedInsight

    meeting = factory.SubFactory(EventFactory, kind=EventKind.INTERNAL_MEETING)
    insight = factory.SubFactory(InsightFactory)
    shared_by = factory.SelfAttribute("insight.author")


class InsightCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InsightComment

    insight = factory.SubFactory(InsightFactory)
    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Comment {n}")


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention

    comment = factory.SubFactory(InsightCommentFactory)
    user = factory.SubFactory(UserFactory)
