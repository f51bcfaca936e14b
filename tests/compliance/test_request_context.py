"""Audit entries and login throttling see the real client, not whatever a client claims."""

import uuid

import pytest
from django.urls import reverse

from accounts.roles import Role
from compliance.models import AuditEntry
from tests.factories import UserFactory
from tests.factories.accounts import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

CHANGE_PASSWORD = {
    "old_password": DEFAULT_PASSWORD,
    "new_password1": "a-much-longer-passphrase-2026",
    "new_password2": "a-much-longer-passphrase-2026",
}


def change_password(client, **headers):
    return client.post(reverse("accounts:password_change"), CHANGE_PASSWORD, **headers)


def test_without_proxies_forwarded_headers_are_ignored(client, msl, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client.force_login(msl)
    claimed_id = uuid.uuid4()

    response = change_password(
        client,
        REMOTE_ADDR="198.51.100.20",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
        HTTP_X_REQUEST_ID=str(claimed_id),
    )

    entry = AuditEntry.objects.exclude(action="sign_in").get()
    assert entry.ip_address == "198.51.100.20"
    assert entry.request_id != claimed_id
    assert response["X-Request-ID"] == str(entry.request_id)


def test_behind_a_trusted_proxy_the_address_it_saw_is_recorded(client, msl, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(msl)
    proxy_id = uuid.uuid4()

    change_password(
        client,
        REMOTE_ADDR="10.0.0.2",
        # The client wrote the first entry itself; the proxy appended the second.
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50",
        HTTP_X_REQUEST_ID=str(proxy_id),
    )

    entry = AuditEntry.objects.exclude(action="sign_in").get()
    assert entry.ip_address == "203.0.113.50"
    assert entry.request_id == proxy_id


def test_behind_a_proxy_one_client_cannot_lock_out_another(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="sarah", roles=[Role.MSL])
    login = reverse("accounts:login")
    through_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            login,
            {"username": "sarah", "password": "guess"},
            HTTP_X_FORWARDED_FOR="203.0.113.66",
            **through_proxy,
        )

    attacker = client.post(
        login,
        {"username": "sarah", "password": DEFAULT_PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.66",
        **through_proxy,
    )
    sarah = client.post(
        login,
        {"username": "sarah", "password": DEFAULT_PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **through_proxy,
    )

    assert attacker.status_code == 429
    assert sarah.status_code == 302
