"""Where a user is signed in: listed and ended from the security page, ended by idle and
absolute time limits, and all ended (with the API tokens) when the account is deactivated.
Also the password rules the change-password page applies."""

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisUnreachable

from accounts.models import UserSession
from accounts.sessions import session_end
from api.models import ApiToken
from api.services import token_create
from tests.factories.accounts import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
SECURITY_URL = reverse("accounts:security")
END_URL = reverse("accounts:session_end")
SESSION_ENDED = b"Your session ended; please sign in again."
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def sign_in(user, **extra) -> Client:
    """A fresh browser that signs in through the real login form."""
    client = Client(**extra)
    response = client.post(LOGIN_URL, {"username": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, "the password was refused"
    return client


def listed_sessions(client) -> list[str]:
    """The rows of the sessions table on the security page, as text."""
    response = client.get(SECURITY_URL)
    assert response.status_code == 200
    html = response.content.decode()
    body = re.search(r'data-testid="sessions">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def sent_to_login(response, path) -> bool:
    return response.status_code == 302 and response.url == f"{LOGIN_URL}?next={path}"


# The list of browsers.


def test_the_security_page_lists_this_browser(msl):
    client = sign_in(msl, HTTP_USER_AGENT="Firefox on a laptop", REMOTE_ADDR="198.51.100.7")

    rows = listed_sessions(client)

    assert len(rows) == 1
    assert "this browser" in rows[0]
    assert "Firefox on a laptop" in rows[0]
    assert "198.51.100.7" in rows[0]
    assert 'name="session"' not in rows[0]
    recorded = UserSession.objects.get(user=msl)
    assert recorded.session_key == client.session.session_key


def test_a_second_sign_in_is_listed_with_a_sign_out_button(msl):
    first = sign_in(msl, HTTP_USER_AGENT="Firefox on a laptop")
    second = sign_in(msl, HTTP_USER_AGENT="Safari on a phone")

    rows = listed_sessions(first)

    assert len(rows) == 2
    (this,) = [row for row in rows if "this browser" in row]
    (other,) = [row for row in rows if "this browser" not in row]
    assert "Firefox on a laptop" in this
    assert "Safari on a phone" in other
    assert f'name="session" value="{second.session.session_key}"' in other


def test_the_list_shows_only_the_users_own_sessions(msl, msl2):
    client = sign_in(msl)
    sign_in(msl2, HTTP_USER_AGENT="Someone else's browser")

    rows = listed_sessions(client)

    assert len(rows) == 1
    assert "Someone else" not in "".join(rows)


def test_signing_out_removes_the_browser_from_the_list(msl):
    first = sign_in(msl)
    second = sign_in(msl)

    second.post(reverse("accounts:logout"))

    assert len(listed_sessions(first)) == 1
    assert UserSession.objects.filter(user=msl).count() == 1


def test_signing_in_again_in_the_same_browser_does_not_leave_the_old_session(msl):
    client = sign_in(msl)
    client.post(reverse("accounts:logout"))
    client.post(LOGIN_URL, {"username": "msl", "password": DEFAULT_PASSWORD})

    assert len(listed_sessions(client)) == 1


# Ending sessions.


def test_signing_out_another_browser_ends_its_session(msl):
    first = sign_in(msl)
    second = sign_in(msl)
    other_key = second.session.session_key
    assert second.get("/today/").status_code == 200

    response = first.post(END_URL, {"session": other_key}, follow=True)

    assert response.redirect_chain[-1] == (SECURITY_URL, 302)
    assert b"That browser is signed out." in response.content
    assert not Session.objects.filter(session_key=other_key).exists()
    assert not UserSession.objects.filter(session_key=other_key).exists()
    assert sent_to_login(second.get("/today/"), "/today/")
    assert first.get("/today/").status_code == 200
    assert len(listed_sessions(first)) == 1


def test_signing_out_everywhere_else_keeps_this_browser(msl):
    current = sign_in(msl)
    others = [sign_in(msl), sign_in(msl)]

    response = current.post(END_URL, {"session": "others"}, follow=True)

    assert b"Signed out of 2 other browsers." in response.content
    for other in others:
        assert sent_to_login(other.get("/today/"), "/today/")
    assert current.get("/today/").status_code == 200
    assert list(UserSession.objects.filter(user=msl).values_list("session_key", flat=True)) == [
        current.session.session_key
    ]
    rows = listed_sessions(current)
    assert len(rows) == 1
    assert "this browser" in rows[0]


def test_signing_out_everywhere_else_leaves_other_users_alone(msl, msl2):
    current = sign_in(msl)
    someone_else = sign_in(msl2)

    response = current.post(END_URL, {"session": "others"}, follow=True)

    assert b"Signed out of 0 other browsers." in response.content
    assert someone_else.get("/today/").status_code == 200


def test_a_user_cannot_end_someone_elses_session(msl, msl2):
    attacker = sign_in(msl)
    victim = sign_in(msl2)
    victim_key = victim.session.session_key

    response = attacker.post(END_URL, {"session": victim_key}, follow=True)

    assert b"That browser is signed out." not in response.content
    assert Session.objects.filter(session_key=victim_key).exists()
    assert UserSession.objects.filter(session_key=victim_key, user=msl2).exists()
    assert victim.get("/today/").status_code == 200


def test_ending_a_session_needs_a_post(msl):
    client = sign_in(msl)

    assert client.get(END_URL).status_code == 405


# Time limits.


def test_an_idle_session_ends_with_a_message(clock, settings, msl):
    client = sign_in(msl)
    assert client.get("/today/").status_code == 200

    clock.shift(dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))
    response = client.get("/today/")

    assert sent_to_login(response, "/today/")
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.filter(user=msl).exists()
    page = client.get(response.url)
    assert SESSION_ENDED in page.content


def test_a_session_idle_for_just_under_the_limit_stays(clock, settings, msl):
    client = sign_in(msl)

    clock.shift(dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 1))

    assert client.get("/today/").status_code == 200


def test_activity_within_the_idle_window_keeps_the_session(clock, settings, msl):
    client = sign_in(msl)
    idle = settings.SESSION_IDLE_TIMEOUT

    for _ in range(3):
        clock.shift(dt.timedelta(seconds=idle * 3 // 4))
        assert client.get("/today/").status_code == 200

    # Well over the idle limit since sign-in, but never idle that long.
    assert client.get(SECURITY_URL).status_code == 200


def test_a_session_ends_after_the_absolute_limit_even_with_activity(clock, settings, msl):
    settings.SESSION_IDLE_TIMEOUT = 60 * 60
    settings.SESSION_ABSOLUTE_TIMEOUT = 3 * 60 * 60
    client = sign_in(msl)
    elapsed = 0
    while elapsed + 45 * 60 <= settings.SESSION_ABSOLUTE_TIMEOUT:
        clock.shift(dt.timedelta(minutes=45))
        elapsed += 45 * 60
        assert client.get("/today/").status_code == 200

    clock.shift(dt.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT - elapsed + 1))
    response = client.get("/today/")

    assert sent_to_login(response, "/today/")
    assert SESSION_ENDED in client.get(response.url).content


def test_the_production_limits_are_an_hour_idle_and_the_cookie_age_in_all():
    from msl_crm import settings as configured

    assert configured.SESSION_IDLE_TIMEOUT <= 60 * 60
    assert configured.SESSION_ABSOLUTE_TIMEOUT <= configured.SESSION_COOKIE_AGE
    assert configured.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


# Deactivation.


def test_deactivating_a_user_ends_all_their_sessions(msl, msl2):
    browsers = [sign_in(msl), sign_in(msl)]
    keys = [browser.session.session_key for browser in browsers]
    bystander = sign_in(msl2)

    msl.is_active = False
    msl.save()

    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=msl).exists()
    for browser in browsers:
        assert sent_to_login(browser.get("/today/"), "/today/")
    assert bystander.get("/today/").status_code == 200


def test_deactivating_a_user_revokes_their_api_tokens(msl, msl2):
    token, key = token_create(user=msl, name="Warehouse", days=30)
    _, other_key = token_create(user=msl2, name="Other", days=30)
    api = Client()
    assert api.get("/api/v1/kols/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200

    msl.is_active = False
    msl.save()

    assert api.get("/api/v1/kols/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.objects.get(user=msl2).revoked_at is None
    assert api.get("/api/v1/kols/", HTTP_AUTHORIZATION=f"Bearer {other_key}").status_code == 200


def test_saving_an_active_user_ends_nothing(msl):
    client = sign_in(msl)
    token, _ = token_create(user=msl, name="Warehouse", days=30)

    msl.first_name = "Sara"
    msl.save()

    assert client.get("/today/").status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is None


# Passwords.


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abcdefgh-k1", b"This password is too short. It must contain at least 12 characters."),
        ("password1234", b"This password is too common."),
        ("834729105612", b"This password is entirely numeric."),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(msl, password, message):
    client = sign_in(msl)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": password, "new_password2": password},
    )

    assert response.status_code == 200
    assert message in response.content
    msl.refresh_from_db()
    assert msl.check_password(DEFAULT_PASSWORD)


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(msl):
    current = sign_in(msl)
    other = sign_in(msl)

    response = current.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "a-much-longer-passphrase-2026",
            "new_password2": "a-much-longer-passphrase-2026",
        },
    )

    assert response.status_code == 302
    assert current.get("/today/").status_code == 200
    assert sent_to_login(other.get("/today/"), "/today/")


def test_a_session_from_before_the_limits_were_recorded_is_ended(client, msl):
    client.force_login(msl)
    session = client.session
    for key in ("_signed_in_at", "_last_seen_at", "_mfa_step"):
        session.pop(key, None)
    session.save()

    response = client.get("/today/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_an_ended_session_is_gone_from_the_session_cache_too(settings, msl):
    # Production reads sessions from Redis first; ending one must not leave the cached copy.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    first = sign_in(msl)
    second = sign_in(msl)
    assert second.get("/today/").status_code == 200

    first.post(END_URL, {"session": second.session.session_key})

    assert sent_to_login(second.get("/today/"), "/today/")
    assert first.get("/today/").status_code == 200


def test_ending_a_session_with_the_cache_down_ends_nothing_rather_than_half(settings, msl):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    other = sign_in(msl)
    key = other.session.session_key
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }

    with pytest.raises(RedisUnreachable):
        session_end(user=msl, session_key=key)

    assert Session.objects.filter(session_key=key).exists()
    assert UserSession.objects.filter(session_key=key).exists()
