"""Schemathesis against /api/schema/: generated requests for every operation, as each role,
through the real WSGI application and the test database. No response may be a server
error, and every documented response must match the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from api.services import token_create
from tests.factories import (
    FollowUpFactory,
    InsightFactory,
    InteractionFactory,
    KOLFactory,
)
from tests.inquiries.workflow import raise_inquiry

ROLES = ("msl", "manager", "medinfo", "compliance_user", "viewer")
EXAMPLES_PER_OPERATION = 8
application = get_wsgi_application()


@pytest.fixture
def _connections_kept():
    """The WSGI app would close the database connection after each request, and with it
    the test's transaction on PostgreSQL; Django's own test client holds it open the same
    way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def api_schema(request, db, _connections_kept, organisation, msl):
    """The schema as the role's token fetches it, with records in scope to find."""
    kol = KOLFactory(territory=organisation["boston"])
    interaction = InteractionFactory(owner=msl, kols=[kol])
    InsightFactory(interaction=interaction, kol=kol, author=msl)
    FollowUpFactory(owner=msl, kol=kol)
    raise_inquiry(msl, kol=kol)
    user = request.getfixturevalue(request.param)
    _, key = token_create(user=user, name="Schemathesis", days=1)
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=headers)
    schema.test_headers = headers
    return schema


@pytest.fixture(autouse=True)
def _unthrottled(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "100000/hour"},
    }


def test_no_server_error_and_responses_match_the_schema(api_schema):
    """Every operation, a bounded number of generated requests each (schemathesis's pytest
    plugin does not run on pytest 9, so its strategies are driven by Hypothesis here)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 20
    statuses = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case):
            response = case.call_and_validate(
                headers=api_schema.test_headers,
                checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
            )
            statuses.append(response.status_code)

        call()

    # The requests really ran, and some were answered with data rather than refused.
    assert len(statuses) >= 2 * len(operations)
    assert 200 in statuses
