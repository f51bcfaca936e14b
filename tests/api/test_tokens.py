"""API tokens: made at /api/tokens/, shown once, stored only as a hash, refused once
expired, revoked or their user deactivated; creating and revoking are audited."""

import datetime as dt
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from api.models import ApiToken, token_hash
from api.services import token_create
from compliance.models import AuditAction, AuditEntry

from .conftest import bearer

KOLS = "/api/v1/kols/"
NEW_TOKEN = re.compile(r'value="([^"]+)"[^>]*data-testid="new-token"')


def create_token(client, name="Warehouse", days=30) -> str:
    response = client.post("/api/tokens/", {"name": name, "days": days})
    assert response.status_code == 200
    match = NEW_TOKEN.search(response.content.decode())
    assert match, "the new key is shown on the page"
    return match.group(1)


def audit_of(token, action):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ApiToken),
        object_id=str(token.pk),
        action=action,
    )


@pytest.fixture
def msl_browser(client, msl, organisation):
    client.force_login(msl)
    return client


def test_key_is_shown_once_and_only_its_hash_is_stored(msl_browser, msl):
    key = create_token(msl_browser)

    token = ApiToken.objects.get(user=msl)
    assert token.key_hash == token_hash(key)
    assert key[len("mslcrm_") :].startswith(token.prefix)
    stored = [str(value) for value in ApiToken.objects.values_list(flat=False).get()]
    assert not any(key in value for value in stored), "the key itself is never stored"
    # The list shows only its beginning, never the key again.
    page = msl_browser.get("/api/tokens/").content.decode()
    assert key not in page
    assert 'data-testid="new-token"' not in page
    assert f"{token.prefix}…" in page


def test_the_key_authenticates_as_its_user(msl_browser, msl):
    key = create_token(msl_browser)

    response = Client().get(KOLS, **bearer(key))

    assert response.status_code == 200
    assert ApiToken.objects.get(user=msl).last_used_at is not None


def test_a_wrong_key_is_refused(msl_browser):
    key = create_token(msl_browser)

    response = Client().get(KOLS, **bearer(key + "x"))

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    assert response["WWW-Authenticate"] == "Bearer"


def test_no_credentials_get_401(db):
    assert Client().get(KOLS).status_code == 401


def test_an_expired_token_is_refused(msl_browser, msl):
    key = create_token(msl_browser)
    ApiToken.objects.filter(user=msl).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    assert Client().get(KOLS, **bearer(key)).status_code == 401


def test_a_revoked_token_is_refused_and_the_revocation_audited(msl_browser, msl):
    key = create_token(msl_browser)
    token = ApiToken.objects.get(user=msl)

    response = msl_browser.post(f"/api/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get(KOLS, **bearer(key)).status_code == 401
    entry = audit_of(token, AuditAction.UPDATE).get()
    assert entry.actor_user_id == msl.pk
    assert entry.reason == "API token revoked"


def test_a_deactivated_users_token_is_refused(msl_browser, msl):
    key = create_token(msl_browser)
    msl.is_active = False
    msl.save(update_fields=["is_active"])

    assert Client().get(KOLS, **bearer(key)).status_code == 401


def test_another_user_cannot_revoke_my_token(msl_browser, msl, msl2):
    create_token(msl_browser)
    token = ApiToken.objects.get(user=msl)
    other = Client()
    other.force_login(msl2)

    response = other.post(f"/api/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not audit_of(token, AuditAction.UPDATE).exists()


def test_creating_a_token_is_audited_without_its_hash(msl_browser, msl):
    create_token(msl_browser, name="Insights warehouse")
    token = ApiToken.objects.get(user=msl)

    entry = audit_of(token, AuditAction.CREATE).get()

    assert entry.actor_user_id == msl.pk
    assert entry.reason == "API token created"
    assert token.key_hash not in str(entry.changes)


@pytest.mark.parametrize("days", [0, -1, 366, 1000])
def test_days_outside_one_to_365_are_refused(msl_browser, msl, days):
    response = msl_browser.post("/api/tokens/", {"name": "Warehouse", "days": days})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="new-token"' not in page
    assert "365" in page or "greater than or equal to 1" in page
    assert response.context["form"].errors["days"]
    assert not ApiToken.objects.filter(user=msl).exists()


@pytest.mark.parametrize("days", [1, 365])
def test_the_limits_themselves_are_accepted(msl_browser, msl, days):
    create_token(msl_browser, days=days)

    token = ApiToken.objects.get(user=msl)
    assert (token.expires_at - timezone.now()).days in {days - 1, days}


def test_tokens_page_needs_login(db):
    response = Client().get("/api/tokens/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_token_list_pages_so_every_token_can_be_revoked(client, msl):
    for number in range(21):
        token_create(user=msl, name=f"Integration {number:02d}", days=30)
    client.force_login(msl)

    first = client.get("/api/tokens/").content.decode()
    second = client.get("/api/tokens/?page=2").content.decode()

    assert "Integration 20" in first
    assert "Page 1 of 2" in first
    assert "Integration 00" in second
    assert "Integration 00" not in first
