"""The second factor: who must set it up, setting it up, being asked for it at sign-in,
recovery codes, turning it off, and the audit trail of every change."""

import base64
import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from compliance.models import AuditEntry
from tests.factories.accounts import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
SETUP_URL = reverse("accounts:mfa_setup")
VERIFY_URL = reverse("accounts:mfa_verify")
SECURITY_URL = reverse("accounts:security")
WRONG_SETUP_CODE = b"That code is not right. Check the time on your phone."
WRONG_VERIFY_CODE = b"That code is not right, or the recovery code was used already."
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def enforced(settings):
    settings.MFA_ENFORCED = True


@pytest.fixture
def clock(time_machine):
    """A still clock: codes and session times are what the test says they are. A code is
    used once, so each sign-in after the first moves on a minute."""
    time_machine.move_to(START, tick=False)
    return time_machine


def sign_in(user, **extra) -> Client:
    """A fresh browser that signs in through the real login form."""
    client = Client()
    response = client.post(
        LOGIN_URL, {"username": user.username, "password": DEFAULT_PASSWORD}, **extra
    )
    assert response.status_code == 302, "the password was refused"
    return client


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def set_up_mfa(client, user) -> list[str]:
    """Turns MFA on through the setup page; returns the recovery codes it shows."""
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP_URL, {"code": code_for(device), "next": "/"})
    assert response.status_code == 200
    return shown_recovery_codes(response)


def shown_recovery_codes(response) -> list[str]:
    html = response.content.decode()
    listing = re.search(r'data-testid="recovery-codes">(.*?)</ul>', html, re.S)
    assert listing, "the recovery codes page was not shown"
    return re.findall(r"<li>([^<]+)</li>", listing.group(1))


def audit_reasons(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(user.pk))
        .exclude(action__in=["sign_in", "sign_in_failed"])
        .order_by("sequence")
        .values_list("reason", flat=True)
    )


# Who is sent to set it up.


@pytest.mark.usefixtures("enforced")
@pytest.mark.parametrize("persona", ["manager", "compliance_user", "admin_user"])
@pytest.mark.parametrize("path", ["/", "/today/", "/reports/", "/admin/", SECURITY_URL])
def test_roles_that_must_use_mfa_are_sent_to_set_it_up_from_every_page(request, persona, path):
    user = request.getfixturevalue(persona)
    client = sign_in(user)

    response = client.get(path)

    assert response.status_code == 302
    assert response.url == f"{SETUP_URL}?next={path}"


@pytest.mark.usefixtures("enforced")
def test_signing_in_lands_on_the_setup_page_when_mfa_is_required(manager):
    client = Client()

    response = client.post(
        LOGIN_URL, {"username": "manager", "password": DEFAULT_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1] == (f"{SETUP_URL}?next=/", 302)
    assert response.status_code == 200
    assert b"Your role works with personal and safety data" in response.content


@pytest.mark.usefixtures("enforced")
def test_an_msl_is_not_forced_to_set_up_mfa(msl):
    client = sign_in(msl)

    response = client.get("/today/")

    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=msl).exists()


@pytest.mark.parametrize("persona", ["msl", "manager", "compliance_user", "admin_user"])
def test_nobody_is_redirected_when_mfa_is_not_enforced(request, persona):
    user = request.getfixturevalue(persona)
    client = sign_in(user)

    response = client.get(SECURITY_URL)

    assert response.status_code == 200
    assert b"Turn on" in response.content
    for path in ("/", "/today/", "/reports/", "/admin/"):
        assert not client.get(path).get("Location", "").startswith("/accounts/mfa/")


# Setting it up.


@pytest.mark.usefixtures("enforced", "clock")
def test_the_setup_page_shows_a_qr_code_and_the_key(manager):
    client = sign_in(manager)

    response = client.get(f"{SETUP_URL}?next=/reports/")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<figure class="mfa-qr[^>]*>\s*<svg\b', html)
    assert "<?xml" not in html
    device = TOTPDevice.objects.get(user=manager)
    assert device.confirmed is False
    secret = re.search(r'data-testid="mfa-secret">([A-Z2-7=]+)</code>', html).group(1)
    assert base64.b32decode(secret) == device.bin_key
    assert 'name="next" value="/reports/"' in html
    # Reloading the page keeps the same key: the app scanned once stays right.
    client.get(SETUP_URL)
    assert TOTPDevice.objects.filter(user=manager).count() == 1


@pytest.mark.usefixtures("enforced")
def test_a_wrong_code_is_refused_and_mfa_stays_off(clock, manager):
    client = sign_in(manager)
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=manager)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post(SETUP_URL, {"code": wrong, "next": "/reports/"})

    assert response.status_code == 200
    assert WRONG_SETUP_CODE in response.content
    device.refresh_from_db()
    assert device.confirmed is False
    assert not StaticToken.objects.filter(device__user=manager).exists()
    assert client.get("/reports/").url == f"{SETUP_URL}?next=/reports/"
    assert "MFA turned on" not in audit_reasons(manager)


@pytest.mark.usefixtures("enforced")
def test_the_right_code_turns_mfa_on_shows_recovery_codes_once_and_opens_the_pages(clock, manager):
    client = sign_in(manager)
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=manager)

    response = client.post(SETUP_URL, {"code": code_for(device), "next": "/reports/"})

    assert response.status_code == 200
    codes = shown_recovery_codes(response)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"[0-9a-f]{6}-[0-9a-f]{6}", code) for code in codes)
    assert 'href="/reports/"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed is True
    assert set(
        StaticToken.objects.filter(device__user=manager).values_list("token", flat=True)
    ) == set(codes)
    assert client.get("/reports/").status_code == 200
    assert client.get("/admin/").status_code == 302  # not staff: the admin's own login
    # Shown once: the security page says MFA is on but never lists the codes again.
    security = client.get(SECURITY_URL)
    assert security.status_code == 200
    assert b"You sign in with a code from your authenticator app." in security.content
    assert not any(code.encode() in security.content for code in codes)
    assert client.get(SETUP_URL).url == SECURITY_URL
    assert audit_reasons(manager) == ["MFA turned on"]
    entry = AuditEntry.objects.get(reason="MFA turned on")
    assert entry.changes == {"mfa": {"before": False, "after": True}}
    assert entry.actor_name == "manager"


@pytest.mark.usefixtures("enforced")
def test_a_superuser_sets_up_mfa_and_then_opens_the_admin(clock, admin_user):
    client = sign_in(admin_user)
    assert client.get("/admin/").url == f"{SETUP_URL}?next=/admin/"

    set_up_mfa(client, admin_user)

    assert client.get("/admin/").status_code == 200


@pytest.mark.usefixtures("enforced")
def test_a_wrong_code_then_the_right_one_turns_mfa_on(clock, settings, compliance_user):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = sign_in(compliance_user)
    client.get(SETUP_URL)
    device = TOTPDevice.objects.get(user=compliance_user)

    client.post(SETUP_URL, {"code": "000000" if code_for(device) != "000000" else "111111"})
    response = client.post(SETUP_URL, {"code": code_for(device)})

    assert len(shown_recovery_codes(response)) == 10
    assert client.get("/compliance/").status_code == 200


# Being asked for it at sign-in.


@pytest.mark.usefixtures("enforced")
def test_the_next_sign_in_asks_for_a_code_and_a_valid_one_lets_the_user_in(clock, manager):
    set_up_mfa(sign_in(manager), manager)
    clock.shift(dt.timedelta(minutes=1))
    other = sign_in(manager)

    assert other.get("/reports/").url == f"{VERIFY_URL}?next=/reports/"
    assert other.get("/admin/").url == f"{VERIFY_URL}?next=/admin/"
    page = other.get(f"{VERIFY_URL}?next=/reports/")
    assert page.status_code == 200
    assert b"One more step" in page.content
    device = TOTPDevice.objects.get(user=manager, confirmed=True)
    response = other.post(VERIFY_URL, {"code": code_for(device), "next": "/reports/"})

    assert response.status_code == 302
    assert response.url == "/reports/"
    assert other.get("/reports/").status_code == 200


@pytest.mark.usefixtures("enforced")
def test_a_wrong_code_at_sign_in_is_refused_and_audited(clock, manager):
    set_up_mfa(sign_in(manager), manager)
    clock.shift(dt.timedelta(minutes=1))
    other = sign_in(manager)

    response = other.post(VERIFY_URL, {"code": "12345", "next": "/reports/"})

    assert response.status_code == 200
    assert WRONG_VERIFY_CODE in response.content
    assert other.get("/reports/").url == f"{VERIFY_URL}?next=/reports/"
    assert audit_reasons(manager) == ["MFA turned on", "MFA code refused"]


@pytest.mark.usefixtures("enforced")
def test_a_code_already_used_is_refused(clock, manager):
    set_up_mfa(sign_in(manager), manager)
    clock.shift(dt.timedelta(minutes=1))
    first = sign_in(manager)
    device = TOTPDevice.objects.get(user=manager, confirmed=True)
    code = code_for(device)
    assert first.post(VERIFY_URL, {"code": code}).status_code == 302

    second = sign_in(manager)
    response = second.post(VERIFY_URL, {"code": code})

    assert WRONG_VERIFY_CODE in response.content


@pytest.mark.usefixtures("enforced")
def test_a_recovery_code_signs_in_once(clock, settings, manager):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    codes = set_up_mfa(sign_in(manager), manager)
    clock.shift(dt.timedelta(minutes=1))

    first = sign_in(manager)
    response = first.post(VERIFY_URL, {"code": f"  {codes[0].upper()} ", "next": "/reports/"})

    assert response.status_code == 302
    assert response.url == "/reports/"
    assert first.get("/reports/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    assert StaticToken.objects.filter(device__user=manager).count() == 9

    second = sign_in(manager)
    again = second.post(VERIFY_URL, {"code": codes[0], "next": "/reports/"})

    assert again.status_code == 200
    assert WRONG_VERIFY_CODE in again.content
    assert second.get("/reports/").url == f"{VERIFY_URL}?next=/reports/"
    # Another, unused code still works.
    assert second.post(VERIFY_URL, {"code": codes[1]}).status_code == 302


@pytest.mark.usefixtures("enforced")
def test_new_recovery_codes_cancel_the_old_ones(clock, manager):
    client = sign_in(manager)
    old = set_up_mfa(client, manager)

    response = client.post(reverse("accounts:recovery_codes"))

    new = shown_recovery_codes(response)
    assert len(new) == 10
    assert not set(old) & set(new)
    assert set(
        StaticToken.objects.filter(device__user=manager).values_list("token", flat=True)
    ) == set(new)


@pytest.mark.usefixtures("enforced")
def test_the_setup_page_cannot_replace_the_authenticator_before_the_code_is_given(clock, manager):
    """Someone with only the password must not enrol their own phone instead."""
    set_up_mfa(sign_in(manager), manager)
    original = TOTPDevice.objects.get(user=manager, confirmed=True)
    clock.shift(dt.timedelta(minutes=1))
    intruder = sign_in(manager)

    response = intruder.get(f"{SETUP_URL}?next=/reports/")

    assert response.status_code == 302
    assert response.url == f"{VERIFY_URL}?next=%2Freports%2F"
    assert not TOTPDevice.objects.filter(user=manager, confirmed=False).exists()
    posted = intruder.post(SETUP_URL, {"code": "123456"})
    assert posted.status_code == 302
    assert list(TOTPDevice.objects.filter(user=manager)) == [original]
    assert intruder.get("/reports/").url == f"{VERIFY_URL}?next=/reports/"


# Users who may choose.


@pytest.mark.usefixtures("enforced")
def test_an_msl_turns_mfa_on_from_the_security_page_and_is_asked_at_the_next_sign_in(clock, msl):
    client = sign_in(msl)
    security = client.get(SECURITY_URL)
    link = f'href="{SETUP_URL}?next={SECURITY_URL}"'
    assert link in security.content.decode()

    setup = client.get(f"{SETUP_URL}?next={SECURITY_URL}")
    assert setup.status_code == 200
    assert b"Your role works with personal and safety data" not in setup.content
    codes = set_up_mfa(client, msl)

    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=msl).confirmed is True
    assert client.get("/today/").status_code == 200
    clock.shift(dt.timedelta(minutes=1))
    other = sign_in(msl)
    assert other.get("/today/").url == f"{VERIFY_URL}?next=/today/"
    device = TOTPDevice.objects.get(user=msl)
    assert other.post(VERIFY_URL, {"code": code_for(device)}).url == "/"
    assert other.get("/today/").status_code == 200


@pytest.mark.parametrize("enforce", [True, False])
def test_an_msl_who_turned_mfa_on_is_asked_for_it_even_when_not_enforced(
    clock, settings, msl, enforce
):
    settings.MFA_ENFORCED = enforce
    set_up_mfa(sign_in(msl), msl)
    clock.shift(dt.timedelta(minutes=1))

    other = sign_in(msl)

    assert other.get("/today/").url == f"{VERIFY_URL}?next=/today/"


@pytest.mark.usefixtures("enforced")
def test_an_msl_turns_mfa_off_and_is_no_longer_asked(clock, msl):
    client = sign_in(msl)
    set_up_mfa(client, msl)
    assert b"Turn off" in client.get(SECURITY_URL).content

    response = client.post(reverse("accounts:mfa_off"), follow=True)

    assert response.redirect_chain[-1] == (SECURITY_URL, 302)
    assert b"Multi-factor authentication is off." in response.content
    assert not TOTPDevice.objects.filter(user=msl).exists()
    assert not StaticToken.objects.filter(device__user=msl).exists()
    assert audit_reasons(msl) == ["MFA turned on", "MFA turned off"]
    entry = AuditEntry.objects.get(reason="MFA turned off")
    assert entry.changes == {"mfa": {"before": True, "after": False}}
    clock.shift(dt.timedelta(minutes=1))
    assert sign_in(msl).get("/today/").status_code == 200


@pytest.mark.usefixtures("enforced")
def test_a_manager_cannot_turn_mfa_off(clock, manager):
    client = sign_in(manager)
    set_up_mfa(client, manager)
    security = client.get(SECURITY_URL)
    assert b"Your role must keep it on." in security.content
    assert reverse("accounts:mfa_off").encode() not in security.content

    response = client.post(reverse("accounts:mfa_off"), follow=True)

    assert response.redirect_chain[-1] == (SECURITY_URL, 302)
    assert b"Your role must keep multi-factor authentication on." in response.content
    assert TOTPDevice.objects.get(user=manager).confirmed is True
    assert StaticToken.objects.filter(device__user=manager).count() == 10
    assert "MFA turned off" not in audit_reasons(manager)


def test_turning_off_mfa_needs_a_post(msl):
    client = sign_in(msl)

    assert client.get(reverse("accounts:mfa_off")).status_code == 405
    assert client.get(reverse("accounts:recovery_codes")).status_code == 405


def test_recovery_codes_are_not_made_without_mfa(msl):
    client = sign_in(msl)

    response = client.post(reverse("accounts:recovery_codes"), follow=True)

    assert b"Turn on multi-factor authentication first." in response.content
    assert not StaticToken.objects.exists()


def test_the_mfa_pages_need_a_signed_in_user(client):
    for url in (SETUP_URL, VERIFY_URL, SECURITY_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(f"{LOGIN_URL}?next=")


@pytest.mark.usefixtures("enforced")
def test_next_never_leads_off_the_site(clock, manager):
    set_up_mfa(sign_in(manager), manager)
    clock.shift(dt.timedelta(minutes=1))
    other = sign_in(manager)
    device = TOTPDevice.objects.get(user=manager)

    response = other.post(
        f"{VERIFY_URL}?next=https://evil.example.org/", {"code": code_for(device)}
    )

    assert response.url == "/"
