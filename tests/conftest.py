"""Fixed personas, with fixed names (a random name could match a KOL's that a test
expects to be hidden), as in the product: two MSLs in different teams, the first one's manager,
Medical Information, Compliance, a stakeholder viewer and an administrator."""

import os

import pytest

from accounts.roles import Role
from tests.factories import TeamFactory, TerritoryFactory, UserFactory

# The live server and Playwright share the event loop thread; Django refuses sync DB calls
# there unless told this is a test.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; the tests do not test its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media_in_a_temporary_folder(settings, tmp_path):
    """Receipts and certificates a test uploads (the demo seeds one) land in the test's own
    folder, never in the project's private-media/."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    # One process: its own memory is a cache all its requests share. Every test of a page
    # then also checks that the page cache serves nothing stale.
    settings.PAGE_CACHE = True


@pytest.fixture
def msl(db):
    return UserFactory(username="msl", first_name="Sarah", last_name="Chen", roles=[Role.MSL])


@pytest.fixture
def msl2(db):
    return UserFactory(username="msl2", first_name="Sam", last_name="Secondly", roles=[Role.MSL])


@pytest.fixture
def manager(db):
    return UserFactory(
        username="manager", first_name="Morgan", last_name="Managerton", roles=[Role.MANAGER]
    )


@pytest.fixture
def medinfo(db):
    return UserFactory(
        username="medinfo",
        first_name="Mina",
        last_name="Infoworth",
        roles=[Role.MEDICAL_INFORMATION],
    )


@pytest.fixture
def compliance_user(db):
    return UserFactory(
        username="compliance", first_name="Cole", last_name="Checkley", roles=[Role.COMPLIANCE]
    )


@pytest.fixture
def viewer(db):
    return UserFactory(
        username="viewer", first_name="Vic", last_name="Viewerly", roles=[Role.VIEWER]
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def organisation(msl, msl2, manager):
    """msl in the manager's team with two territories; msl2 in another team with one."""
    oncology = TeamFactory(name="Oncology Northeast", manager=manager, members=[msl])
    immunology = TeamFactory(name="Immunology West", members=[msl2])
    return {
        "oncology": oncology,
        "immunology": immunology,
        "boston": TerritoryFactory(name="Boston", team=oncology, assignees=[msl]),
        "nyc": TerritoryFactory(name="New York", team=oncology, assignees=[msl]),
        "bay_area": TerritoryFactory(
            name="Bay Area", region="West", team=immunology, assignees=[msl2]
        ),
    }


@pytest.fixture(autouse=True)
def _tasks_run_in_process():
    """Tasks run eagerly in tests, even where REDIS_URL is set for the worker test to use;
    the worker test switches this off for itself."""
    from msl_crm.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def redis_url():
    """The real Redis the integration tests talk to. Missing Redis fails the test: it is a
    service the suite needs (see README), not an optional extra."""
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"Redis is required at {url} for this test and did not answer: {error}")
    return url


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests last.

    They use a live server, so each one empties the database when it ends, including the
    rows migrations put there (beat schedules). pytest-django orders such tests after the
    others, but pytest-playwright's parametrisation undoes that order; this puts it back.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
