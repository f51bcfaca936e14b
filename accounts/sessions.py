"""Where a user is signed in: recorded at sign-in, listed on the security page, ended one
by one or all at once (and all of them when the account is deactivated)."""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from .middleware import SESSION_MFA_STEP, SESSION_SEEN, SESSION_STARTED, mfa_step
from .models import UserSession


def session_started(request, user) -> None:
    now = time.time()
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    request.session[SESSION_MFA_STEP] = mfa_step(user)
    if not request.session.session_key:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": request.META.get("REMOTE_ADDR") or None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def sessions_of(user) -> list[UserSession]:
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    UserSession.objects.filter(user=user).exclude(session_key__in=live).delete()
    return list(UserSession.objects.filter(user=user))


@transaction.atomic
def session_end(*, user, session_key: str) -> bool:
    ended, _ = UserSession.objects.filter(user=user, session_key=session_key).delete()
    if ended:  # only the user's own: another user's key must end nothing
        _session_delete(session_key)
    return bool(ended)


@transaction.atomic
def sessions_end_all(*, user, keep: str | None = None) -> int:
    keys = list(
        UserSession.objects.filter(user=user)
        .exclude(session_key=keep or "")
        .values_list("session_key", flat=True)
    )
    for key in keys:
        _session_delete(key)
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def _session_delete(session_key: str) -> None:
    # Through the session engine: sessions are cached, and deleting only the database row
    # would leave the cached copy signed in. If the cache cannot be reached the error rolls
    # the whole ending back, so the session is still listed and can be ended again later,
    # rather than gone from the list while its cached copy would come back with the cache.
    import_module(settings.SESSION_ENGINE).SessionStore().delete(session_key)
