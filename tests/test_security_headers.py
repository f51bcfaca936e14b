"""Pages for signed-in people are never kept by a browser or a proxy. (The content security
policy, nosniff and referrer headers are checked in test_layout.py.)"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories.accounts import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("msl", "/today/"),
        ("msl", "/kols/"),
        ("msl", "/accounts/security/"),
        ("manager", "/reports/"),
        ("compliance_user", "/compliance/"),
        ("msl", "/no-such-page/"),
    ],
)
def test_pages_for_signed_in_users_are_not_stored(client, request, persona, path):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(path)

    assert response.status_code in (200, 404)
    assert {"no-store", "private"} <= cache_directives(response)


def test_a_page_after_signing_in_through_the_form_is_not_stored(msl):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "msl", "password": DEFAULT_PASSWORD})

    response = client.get("/kols/")

    assert response.status_code == 200
    assert {"no-store", "private"} <= cache_directives(response)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_public_pages_for_anonymous_visitors_are_not_marked_private(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "private" not in cache_directives(response)
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_login_page_is_served_with_the_security_headers(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_a_view_that_sets_its_own_cache_policy_keeps_it(client, msl):
    client.force_login(msl)

    response = client.get(reverse("accounts:mfa_setup"))

    # never_cache on the view: its own, stricter header is kept whole.
    assert {"no-store", "no-cache", "must-revalidate", "private"} <= cache_directives(response)
