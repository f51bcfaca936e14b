"""Sign-in events: each session is recorded with its limits and MFA step; sign-ins and
failures go to the security log (django-axes also keeps every attempt in the database);
a deactivated account loses its sessions at once, and through `user_deactivated` whatever
other apps hold for it, such as API tokens."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal, receiver

from compliance.models import AuditAction
from compliance.services import audit_record

from .models import User, UserSession
from .sessions import session_started, sessions_end_all
from .throttle import address_failed

security_log = logging.getLogger("msl_crm.security")
user_deactivated = Signal()  # sender=User, user=...


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    session_started(request, user)
    _audit_sign_in(user, AuditAction.SIGN_IN, request)
    security_log.info("sign-in user=%s address=%s", user.pk, request.META.get("REMOTE_ADDR"))


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        address_failed(request)
    # A known account's refused sign-in is in its audit history; unknown names only in the log.
    account = User.objects.filter(username=credentials.get("username", "")).first()
    if account is not None:
        _audit_sign_in(account, AuditAction.SIGN_IN_FAILED, request)
    security_log.warning(
        "sign-in refused username=%r address=%s",
        str(credentials.get("username", ""))[:150],
        request.META.get("REMOTE_ADDR") if request is not None else None,
    )


@receiver(pre_save, sender=User)
def _remember_active(sender, instance, **kwargs):
    if instance.pk:
        instance._was_active = (
            User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        )


@receiver(post_save, sender=User)
def _end_sessions_of_deactivated(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_was_active", False) and not instance.is_active:
        sessions_end_all(user=instance)
        user_deactivated.send(sender=User, user=instance)
        security_log.info("deactivated user=%s: sessions ended", instance.pk)


def _audit_sign_in(user, action, request) -> None:
    with transaction.atomic():
        audit_record(
            actor=user if action == AuditAction.SIGN_IN else None,
            action=action,
            target=user,
            reason=action.label,
        )
