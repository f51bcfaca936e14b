"""Records owned by msl (in the manager's team) and by msl2 (another team), and API tokens
made through the service, as an integration would get them from /api/tokens/."""

import pytest
from django.core.cache import cache
from django.test import Client

from api.services import token_create
from tests.factories import InteractionFactory, KOLFactory


@pytest.fixture(autouse=True)
def _fresh_throttle_budget():
    # The throttle counts in the cache; one test's calls must not spend another's budget.
    cache.clear()
    yield
    cache.clear()


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def token_client(user, name="Integration") -> Client:
    """A client that sends a fresh token of `user` with every request (no session)."""
    _, key = token_create(user=user, name=name, days=30)
    return Client(**bearer(key))


@pytest.fixture
def world(organisation, msl, msl2):
    own_kol = KOLFactory(last_name="Ownerby", territory=organisation["boston"])
    other_kol = KOLFactory(last_name="Elsewhere", territory=organisation["bay_area"])
    return {
        **organisation,
        "own_kol": own_kol,
        "other_kol": other_kol,
        "own_interaction": InteractionFactory(owner=msl, kols=[own_kol]),
        "other_interaction": InteractionFactory(owner=msl2, kols=[other_kol]),
    }
