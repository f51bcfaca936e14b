import pytest
import time_machine
from django.utils import timezone

from tests.factories import KOLFactory

from .data import WEDNESDAY


@pytest.fixture
def wednesday(db):
    """The clock stopped on a fixed Wednesday morning in the site's time zone."""
    with time_machine.travel(timezone.make_aware(WEDNESDAY), tick=False):
        yield timezone.localdate()


@pytest.fixture
def make_kol(organisation):
    """KOLs in msl's Boston territory: make_kol(tier=1, last_name="Alvarez")."""

    def make(**fields):
        fields.setdefault("territory", organisation["boston"])
        return KOLFactory(**fields)

    return make
