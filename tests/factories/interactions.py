import factory
from django.utils import timezone

from interactions.models import (
    FollowUp,
    FollowUpKind,
    Insight,
    InsightCategory,
    Interaction,
    InteractionStatus,
    Sentiment,
)

from .accounts import UserFactory
from .catalog import InsightTopicFactory
from .kols import KOLFactory


class InteractionFactory(factory.django.DjangoModelFactory):
    """A draft interaction that took place an hour ago; pass kols=[…] for its attendees."""

    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    type = "one_to_one"
    channel = "in_person"
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))
    duration_minutes = 45
    notes = "Discussed long-term outcomes data."
    status = InteractionStatus.DRAFT

    @factory.post_generation
    def kols(self, create, extracted, **kwargs):
        if create and extracted:
            self.kols.add(*extracted)


class InsightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Insight

    interaction = factory.SubFactory(InteractionFactory)
    kol = factory.SubFactory(KOLFactory)
    author = factory.SelfAttribute("interaction.owner")
    topic = factory.SubFactory(InsightTopicFactory)
    category = InsightCategory.UNMET_NEED
    sentiment = Sentiment.NEUTRAL
    text = "Patients relapse early after second-line therapy."


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    owner = factory.SubFactory(UserFactory)
    kind = FollowUpKind.SEND_MATERIAL
    description = "Send the pivotal trial summary"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=3))
