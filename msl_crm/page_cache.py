"""Whole pages kept per session and thrown away the moment anything they read changes.

A page is stored with the tables its request read, each with its generation (see
msl_crm/table_generations.py), and served only while every table it read still has the
generation it was read under. The generations are taken before the request reads anything:
a change committed while a page is being built leaves that page stale from birth, never
served.

What no statement shows is bounded otherwise: the clock by a minute's lifetime and the day
in the key; writes from outside Django and writes committed while Redis was down by the
same minute. A new release of the code or templates has keys of its own.

A page is keyed on the session and its data, the CSRF cookie (or the API token), the host,
the path with its query and the htmx headers: nobody sees another's page or an old form
token. It is not stored when its request wrote, when messages wait to be shown, or when it
read a table the generations do not know. A browser's hard reload (`Cache-Control:
no-cache`) builds it afresh."""

import hashlib
import json
import logging
import os
import time
from functools import cache, wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache as shared_cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from rest_framework.response import Response

from .table_generations import (
    EPOCH,
    Reading,
    current_generations,
    recording,
    renew_unseen_writes,
)

LIFETIME_SECONDS = 60
# Sessions are in the key already; the session row is rewritten every minute of activity.
NOT_DEPENDENCIES = {"django_session"}
# Folders of no code or template of ours, skipped when telling one release from another.
NOT_CODE = {
    ".git",
    ".venv",
    "node_modules",
    "staticfiles",
    "media",
    "private-media",
    "bench-results",
    "vendor",  # installed from package-lock.json, which counts
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
}
CODE = (".py", ".html", ".txt", ".css", ".js", ".json")
logger = logging.getLogger(__name__)


# The request: generations first, then the view through `page_cached`.


class PageCacheMiddleware:
    """Takes every table's generation before anything of a cached page's request is read
    (the user and the session are read by the middleware that follows)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (settings.PAGE_CACHE and request.method == "GET" and _is_cached_view(request)):
            return self.get_response(request)
        try:
            renew_unseen_writes()
            generations = current_generations()
        except Exception:
            logger.exception("Page cache unavailable; the page is built")
            return self.get_response(request)
        request.page_cache = Reading(generations)
        with recording(request.page_cache):
            return self.get_response(request)


def _is_cached_view(request) -> bool:
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    if getattr(view, "page_cached", False):
        return True
    # An API list: DRF keeps the class and the method each HTTP verb maps to.
    view_class = getattr(view, "cls", None)
    return bool(
        getattr(view_class, "page_cached", False)
        and (getattr(view, "actions", None) or {}).get("get") == "list"
    )


def page_cached(view):
    """Serve the view's page from the cache while nothing it read has changed. Put it
    inside the access checks, so they run on every request."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        return serve(request, lambda: view(request, *args, **kwargs), who=_session_identity)

    cached_view.page_cached = True
    return cached_view


def serve(request, build, *, who, rebuild=None, keep=None):
    """The stored copy of this request's page, or `build()` stored for next time.
    `rebuild(entry)` and `keep(response)` turn a stored entry into a response and back
    (plain HTTP responses by default)."""
    reading = getattr(request, "page_cache", None)
    if reading is None or not request.user.is_authenticated or len(messages.get_messages(request)):
        return build()
    identity = who(request)
    if identity is None:
        return build()
    key = _page_key(request, identity)
    if not _asks_for_fresh_copy(request):
        try:
            entry = shared_cache.get(key)
        except Exception:
            logger.exception("Page cache unavailable; the page is built")
            return build()
        if (
            entry is not None
            and time.time() - entry["built_at"] < LIFETIME_SECONDS
            and _still_current(entry["generations"], reading.generations)
        ):
            reading.outcome = "hit"
            return (rebuild or _response_from)(entry)
    reading.outcome = "miss"
    built_at = time.time()
    response = build()
    kept = (keep or _kept_response)(response)
    if kept is not None and _may_store(request, reading):
        dependencies = (reading.tables - NOT_DEPENDENCIES) | {EPOCH}
        generations = {table: reading.generations[table] for table in dependencies}
        try:
            entry = {**kept, "generations": generations, "built_at": built_at}
            shared_cache.set(key, entry, LIFETIME_SECONDS)
        except Exception:
            logger.exception("Page cache unavailable; the page was not stored")
    return response


def _session_identity(request) -> list[str] | None:
    csrf_secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not csrf_secret:
        # The page's form token would be made from a secret only this response sets.
        return None
    session = request.session
    data = {name: value for name, value in session.items() if not name.startswith("_last_seen")}
    return [
        session.session_key or "",
        hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest(),
        csrf_secret,
    ]


def _page_key(request, identity: list[str]) -> str:
    parts = [
        str(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]),
        _code_version(),
        request.get_host(),
        str(request.user.pk),
        *identity,
        request.get_full_path(),
        timezone.localdate().isoformat(),
        *(
            request.headers.get(name, "")
            for name in (
                "Accept",
                "HX-Request",
                "HX-Target",
                "HX-Trigger",
                "HX-Trigger-Name",
                "HX-Boosted",
                "HX-History-Restore-Request",
            )
        ),
    ]
    return "page-cache:page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


@cache
def _code_version() -> str:
    """A page built by the previous release is never served by this one (a deploy may fix
    what a page shows, or rename the static files it links): the names, sizes and times of
    the code, templates, static sources and pinned front-end packages."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name not in NOT_CODE)
        for name in sorted(files):
            if name.endswith(CODE):
                path = Path(folder, name)
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(root)} {stat.st_size} {stat.st_mtime_ns}\n".encode()
                )
    return digest.hexdigest()


def _asks_for_fresh_copy(request) -> bool:
    return "no-cache" in request.headers.get("Cache-Control", "") or (
        "no-cache" in request.headers.get("Pragma", "")
    )


def _still_current(stored: dict[str, int], current: dict[str, int]) -> bool:
    return all(current.get(table) == generation for table, generation in stored.items())


def _may_store(request, reading: Reading) -> bool:
    storage = messages.get_messages(request)
    shown_or_added = getattr(storage, "used", False) or len(storage)
    unknown = reading.tables - NOT_DEPENDENCIES - reading.generations.keys()
    # The page's form token is made from the secret in the cookie the browser sent, or a
    # new one this response sets, which another request would not have.
    used_secret = request.META.get("CSRF_COOKIE")
    new_csrf_secret = used_secret and used_secret != request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    return not (reading.wrote or shown_or_added or unknown or new_csrf_secret)


def _kept_response(response) -> dict | None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    return {"content": response.content, "headers": dict(response.headers)}


def _response_from(entry: dict) -> HttpResponse:
    return HttpResponse(entry["content"], headers=entry["headers"])


def outcome(request) -> str:
    reading = getattr(request, "page_cache", None)
    return reading.outcome if reading is not None else "none"


def api_list_cached(list_method):
    """`page_cached` for a DRF viewset's list: it runs after DRF has authenticated the
    caller and checked permissions, keyed on the API token or session, and keeps the
    serialised data (DRF renders it for the caller's Accept header)."""

    @wraps(list_method)
    def cached_list(self, request, *args, **kwargs):
        def identity(req):
            secret = req.headers.get("Authorization", "")
            if secret:
                return [hashlib.sha256(secret.encode()).hexdigest()]
            return _session_identity(req)

        return serve(
            request._request,
            lambda: list_method(self, request, *args, **kwargs),
            who=identity,
            rebuild=lambda entry: Response(entry["data"]),
            keep=lambda response: {"data": response.data} if response.status_code == 200 else None,
        )

    return cached_list
