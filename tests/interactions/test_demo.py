import pytest
from django.core.management import call_command

from interactions.models import Insight, Interaction, InteractionStatus

pytestmark = pytest.mark.django_db


def test_the_demo_gives_each_msl_weeks_of_meetings_with_insights(settings):
    settings.DEMO_KOLS_PER_TERRITORY = 5
    settings.DEMO_HISTORY_WEEKS = 8

    call_command("seed_demo")

    for username in ("msl", "msl2"):
        mine = Interaction.objects.filter(owner__username=username)
        assert mine.filter(status=InteractionStatus.LOCKED).count() >= 8
        assert mine.filter(status=InteractionStatus.PLANNED).exists()
        assert Insight.objects.filter(interaction__owner__username=username).count() >= 8
        # Demo KOLs who may not be contacted are never shown as met.
        assert not mine.filter(kols__do_not_contact=True).exists()
    count = Interaction.objects.count()
    call_command("seed_demo")
    assert Interaction.objects.count() == count
