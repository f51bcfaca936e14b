"""Sign-in throttling per address, on top of django-axes' per (username, address) lock.

Axes stops guessing one person's password from one place without letting anyone lock the
real user out from elsewhere; this stops one address spraying many usernames. Its limit is
high, so colleagues behind one office address do not lock each other out.
"""

from django.conf import settings
from django.core.cache import cache

from compliance.context import client_ip


def _key(request) -> str:
    return f"sign-in-failures:{client_ip(request)}"


def address_blocked(request) -> bool:
    return cache.get(_key(request), 0) >= settings.SIGN_IN_FAILURES_PER_ADDRESS


def address_failed(request) -> None:
    key = _key(request)
    window = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, timeout=window)
