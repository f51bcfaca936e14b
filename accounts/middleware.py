"""Sign-in policies applied to every request: session time limits, the second factor, and
no caching of pages that show personal data."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

from .mfa import mfa_enabled, mfa_required

SESSION_STARTED = "_signed_in_at"
SESSION_SEEN = "_last_seen_at"
# Set at sign-in ("verify", "setup" or ""), so a user without MFA costs no query per page.
SESSION_MFA_STEP = "_mfa_step"
# The last-seen time is written at most this often, so a page view is not also a write.
SEEN_RESOLUTION_SECONDS = 60
OPEN_PREFIXES = (
    "/static/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/mfa/",
    "/healthz",
    "/readyz",
)


class SessionLimitsMiddleware:
    """Ends a session idle for SESSION_IDLE_TIMEOUT seconds, or older than
    SESSION_ABSOLUTE_TIMEOUT, whatever the cookie says; a session from before sign-in
    recorded its start (and its MFA step) is ended too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            # A session without a recorded start (made before these limits) counts as too old.
            started = request.session.get(SESSION_STARTED, 0)
            seen = request.session.get(SESSION_SEEN, started)
            if now - seen > settings.SESSION_IDLE_TIMEOUT or (
                now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
                response = redirect(f"{reverse('accounts:login')}?next={request.path}")
                # MessageMiddleware comes later in the chain and never sees this request:
                # the message is stored here, in the fresh session or a cookie.
                storage = default_storage(request)
                storage.add(messages.INFO, "Your session ended; please sign in again.")
                storage.update(response)
                return response
            if now - seen > SEEN_RESOLUTION_SECONDS:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class MFARequiredMiddleware:
    """After the password, the second factor: asked of everyone who turned it on, and set
    up first by those whose role requires it. The admin site is behind it too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        step = request.session.get(SESSION_MFA_STEP) if hasattr(request, "session") else None
        if (
            step
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not user.is_verified()
        ):
            name = "accounts:mfa_verify" if step == "verify" else "accounts:mfa_setup"
            return redirect(f"{reverse(name)}?next={request.path}")
        return self.get_response(request)


def mfa_step(user) -> str:
    if mfa_enabled(user):
        return "verify"
    return "setup" if mfa_required(user) else ""


class NoStoreMiddleware:
    """Pages for signed-in people show personal data: never kept by a browser or proxy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
