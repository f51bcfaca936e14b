import pytest
from django.urls import reverse

from accounts.roles import Role
from compliance.models import AuditEntry
from tests.factories import UserFactory
from tests.factories.accounts import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")


def sign_in(client, username, password, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def test_the_login_page_renders_inside_the_layout(client):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b"csrfmiddlewaretoken" in response.content


def test_a_user_signs_in_and_lands_on_their_home(client):
    UserFactory(username="sarah", roles=[Role.MSL])

    response = sign_in(client, "sarah", DEFAULT_PASSWORD, follow=True)

    assert response.redirect_chain[-1] == ("/today/", 302)


def test_a_wrong_password_shows_a_clear_error_and_keeps_the_username(client):
    UserFactory(username="sarah", roles=[Role.MSL])

    response = sign_in(client, "sarah", "not-the-password")

    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert b'value="sarah"' in response.content


def test_signing_in_rotates_the_session_key(client):
    UserFactory(username="sarah", roles=[Role.MSL])
    client.get(LOGIN_URL)
    client.session.save()
    anonymous_key = client.session.session_key

    sign_in(client, "sarah", DEFAULT_PASSWORD)

    assert client.session.session_key != anonymous_key


def test_repeated_failures_lock_the_account_from_that_address(client, settings):
    UserFactory(username="sarah", roles=[Role.MSL])
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "sarah", "guess").status_code == 200

    locked = sign_in(client, "sarah", "guess")
    # Even the right password is refused while the lock lasts.
    still_locked = sign_in(client, "sarah", DEFAULT_PASSWORD)

    assert locked.status_code == 429
    assert b"Sign-in paused" in locked.content
    assert still_locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lock_from_one_address_does_not_lock_the_user_out_elsewhere(client, settings):
    UserFactory(username="sarah", roles=[Role.MSL])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "sarah", "guess", REMOTE_ADDR="203.0.113.9")

    response = sign_in(client, "sarah", DEFAULT_PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 302
    assert response.url == "/"


def test_signing_out_needs_a_post_and_ends_the_session(client, msl):
    client.force_login(msl)

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"), follow=True)

    assert response.redirect_chain[-1][0] == LOGIN_URL
    assert b"You have been signed out." in response.content
    assert client.get("/today/").status_code == 302


def test_a_user_changes_their_password_and_the_change_is_audited(client, msl):
    client.force_login(msl)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "a-much-longer-passphrase-2026",
            "new_password2": "a-much-longer-passphrase-2026",
        },
        follow=True,
    )

    assert b"Your password has been changed." in response.content
    msl.refresh_from_db()
    assert msl.check_password("a-much-longer-passphrase-2026")
    entry = AuditEntry.objects.get(object_id=str(msl.pk), action="update")
    assert entry.actor_name == "msl"
    assert entry.changes == {"password": {"before": "(changed)", "after": "(changed)"}}


def test_a_weak_new_password_is_refused_with_reasons(client, msl):
    client.force_login(msl)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": "short", "new_password2": "short"},
    )

    assert response.status_code == 200
    assert b"at least 12 characters" in response.content
    msl.refresh_from_db()
    assert msl.check_password(DEFAULT_PASSWORD)


@pytest.fixture
def low_address_limit(settings):
    from django.core.cache import cache

    cache.clear()
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 6
    yield settings.SIGN_IN_FAILURES_PER_ADDRESS
    cache.clear()


def test_one_address_spraying_many_usernames_is_paused(client, low_address_limit):
    UserFactory(username="sarah", roles=[Role.MSL])
    # Each username stays under axes' own per-username limit.
    for number in range(low_address_limit):
        sign_in(client, f"someone{number}", "guess", REMOTE_ADDR="203.0.113.50")

    sprayer = sign_in(client, "sarah", DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.50")
    colleague_elsewhere = sign_in(client, "sarah", DEFAULT_PASSWORD, REMOTE_ADDR="198.51.100.8")

    assert sprayer.status_code == 429
    assert b"Sign-in paused" in sprayer.content
    assert colleague_elsewhere.status_code == 302


def test_a_few_failures_from_a_shared_address_pause_nobody(client, low_address_limit):
    UserFactory(username="sarah", roles=[Role.MSL])
    for number in range(low_address_limit - 1):
        sign_in(client, f"someone{number}", "guess", REMOTE_ADDR="203.0.113.51")

    assert sign_in(client, "sarah", DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.51").status_code == 302


def test_sign_ins_and_refused_sign_ins_are_in_the_account_audit_history(client):
    sarah = UserFactory(username="sarah", roles=[Role.MSL])
    sign_in(client, "sarah", "guess")
    sign_in(client, "nobody-by-that-name", "guess")
    sign_in(client, "sarah", DEFAULT_PASSWORD)

    history = AuditEntry.objects.filter(object_id=str(sarah.pk), content_type__model="user")

    assert list(history.order_by("sequence").values_list("action", flat=True)) == [
        "sign_in_failed",
        "sign_in",
    ]
    assert history.get(action="sign_in").actor_user_id == sarah.pk
