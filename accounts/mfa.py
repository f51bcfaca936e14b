"""Multi-factor authentication with django-otp: a TOTP app and single-use recovery codes.

Managers, compliance admins and administrators must use it where MFA_ENFORCED is on (the
default in production); MSLs and everyone else may turn it on. Every change is in the
audit trail.
"""

import secrets

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from compliance.models import AuditAction
from compliance.services import audit_record

from .roles import Role

RECOVERY_CODES = 10
MFA_ROLES = (Role.MANAGER, Role.COMPLIANCE)


def mfa_required(user) -> bool:
    if not getattr(settings, "MFA_ENFORCED", False) or not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or user.has_role(*MFA_ROLES)


def mfa_enabled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up, made once and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def mfa_confirm(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Turn MFA on once the app shows the right code; returns the recovery codes, shown
    once, or None when the code is wrong."""
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_renew(user=device.user)
    otp_login(request, device)
    _audit(device.user, "MFA turned on", False, True)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
    static.token_set.all().delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def mfa_verify(*, request, code: str) -> bool:
    """A second factor at sign-in: a code from the app or one recovery code (used up)."""
    # Recovery codes are lower-case hex and app codes digits: one form fits both.
    device = match_token(request.user, code.strip().replace(" ", "").lower())
    if device is None:
        _audit(request.user, "MFA code refused", None, None)
        return False
    otp_login(request, device)
    return True


@transaction.atomic
def mfa_disable(*, user) -> None:
    if mfa_required(user):
        raise PermissionError("Your role must keep multi-factor authentication on.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _audit(user, "MFA turned off", True, False)


def _audit(user, reason: str, before, after) -> None:
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target=user,
            changes={"mfa": {"before": before, "after": after}},
            reason=reason,
        )
