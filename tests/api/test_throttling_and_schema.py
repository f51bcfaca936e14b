"""Each token has its own budget of calls; the OpenAPI document is valid and its Swagger UI
is served from this site only."""

import json
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from api.throttling import PerTokenRateThrottle

from .conftest import token_client


@pytest.fixture
def three_calls_an_hour(settings, monkeypatch):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/hour"},
    }
    # DRF reloads api_settings on setting_changed, but the throttle read its rates into a
    # class attribute when it was imported.
    monkeypatch.setattr(PerTokenRateThrottle, "THROTTLE_RATES", {"api": "3/hour"})
    cache.clear()


def test_the_fourth_call_of_a_token_is_throttled_not_another_token(three_calls_an_hour, msl, world):
    first = token_client(msl, name="First")
    second = token_client(msl, name="Second")

    statuses = [first.get("/api/v1/kols/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    throttled = first.get("/api/v1/kols/")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert "throttled" in throttled.json()["detail"].lower()
    assert second.get("/api/v1/kols/").status_code == 200


def test_a_browser_session_has_its_own_budget(three_calls_an_hour, client, msl, manager, world):
    client.force_login(msl)
    for _ in range(3):
        assert client.get("/api/v1/kols/").status_code == 200
    assert client.get("/api/v1/kols/").status_code == 429

    assert token_client(msl).get("/api/v1/kols/").status_code == 200
    other = Client()
    other.force_login(manager)
    assert other.get("/api/v1/kols/").status_code == 200


def test_the_schema_is_a_valid_openapi_3_document(client, msl):
    client.force_login(msl)

    response = client.get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "/api/v1/interactions/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    # The generator's own output validates too (what `spectacular --validate` checks).
    validate_schema(SchemaGenerator().get_schema(request=None, public=True))


def test_the_schema_generates_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert target.read_text().startswith("openapi: 3")


def test_the_schema_needs_a_login(db):
    assert Client().get("/api/schema/").status_code in {401, 403}


def test_the_docs_use_only_local_files(client, msl):
    client.force_login(msl)

    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    sources = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', page)
    assert sources, "the page loads Swagger UI from somewhere"
    foreign = [
        url
        for url in sources
        if re.match(r"(https?:)?//", url) and not re.match(r"(https?:)?//testserver/", url)
    ]
    assert foreign == []
    # The split view's script is served by the same view; it must not reach out either.
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert not re.search(r"https?://(?!testserver)", script.content.decode())
