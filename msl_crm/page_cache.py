"""Whole pages kept per session and thrown away the moment anything they read changes.

A page is stored with the tables its request read, each with its generation: a token that
every INSERT, UPDATE, DELETE or schema change of the table replaces when it commits (and,
for the connection that wrote, before that connection's next page). The database backends
(msl_crm/db/) replace the tokens, so views, Celery tasks, commands, bulk updates and raw
SQL all count. A stored page is served only while every table it read still has the
generation it was read under. The generations are taken before the request reads
anything: a change committed while a page is being built leaves that page stale from
birth, never served.

What no statement shows is bounded otherwise: the clock by a minute's lifetime and the day
in the key; writes from outside Django (psql, psycopg's copy()) and writes committed while
Redis was down by the same minute. A schema change (a migration), or a write to a table this
module cannot name, starts a new epoch, which every page depends on. A new release of the
code or templates has keys of its own.

A page is keyed on the session and its data, the CSRF cookie (or the API token), the host,
the path with its query and the htmx headers: nobody sees another's page or an old form
token. It is not stored when its request wrote, when messages wait to be shown, or when it
read a table this module does not know. A browser's hard reload (`Cache-Control: no-cache`)
builds it afresh."""

import hashlib
import json
import logging
import os
import re
import secrets
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, lru_cache, wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache as shared_cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from rest_framework.response import Response

LIFETIME_SECONDS = 60
# What may come before a statement's first word: blanks, comments, opening parentheses.
LEADING = re.compile(r"(?:\s|\(|--[^\n]*|/\*.*?\*/)*", re.S)
# The name after FROM, JOIN, INTO, UPDATE or TABLE: quoted (Django) or not (raw SQL).
# Aliases (U0, T3) follow it. A name that is no table of ours keeps the page from being
# stored; known tables named anywhere else in the statement (a comma join, a schema-
# qualified name, a column's qualifier) count too.
# Matched in the lower-cased statement: a case-blind pattern took twice as long.
TABLE = re.compile(r'\b(?:from|join|into|update|table)\s+"?([a-z_][a-z0-9_]*)"?')
WORD = re.compile(r"[a-z_][a-z0-9_]*")
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "WITH")
SCHEMA_CHANGES = ("CREATE", "ALTER", "DROP", "TRUNCATE", "COPY")
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
EPOCH = "epoch"
LONGEST_KEPT_STATEMENT = 8192
logger = logging.getLogger(__name__)


@dataclass
class Reading:
    """What one request read and whether it wrote: the page it builds is kept only if
    every table it read is known and it wrote nothing."""

    generations: dict[str, int]
    tables: set[str] = field(default_factory=set)
    wrote: bool = False
    outcome: str = "bypass"


_reading: ContextVar[Reading | None] = ContextVar("page_cache_reading", default=None)


# Reads and writes, seen on every connection (msl_crm/db/).


def watch_statements(execute, sql, params, many, context):
    sql_text = str(sql)
    start = LEADING.match(sql_text).end()
    head = sql_text[start : start + 8].upper()
    reading = _reading.get()
    if head.startswith("SELECT"):
        if reading is not None:
            reading.tables.update(_tables_named(sql_text))
        return execute(sql, params, many, context)
    schema = head.startswith(SCHEMA_CHANGES)
    if not (schema or head.startswith(WRITES)):
        return execute(sql, params, many, context)
    if reading is not None:
        reading.wrote = True
    result = execute(sql, params, many, context)
    tables = set(_tables_named(sql_text) & _known_tables())
    if schema or not tables:
        # A schema change, or a write to no table this module can name: every page.
        tables.add(EPOCH)
    connection = context["connection"]
    if connection.in_atomic_block or not connection.get_autocommit():
        # Other connections see these rows at the commit, which renews the tables. This
        # one sees them now: its next page renews them first (`_renew_unseen_writes`).
        connection.__dict__.setdefault("_page_cache_written", set()).update(tables)
        connection.__dict__.setdefault("_page_cache_unseen", set()).update(tables)
    else:
        _new_generations(tables)
    return result


def _tables_named(sql: str) -> frozenset[str]:
    # A bulk INSERT's kilobytes are read once; they would crowd the statements that repeat.
    if len(sql) > LONGEST_KEPT_STATEMENT:
        return _tables_in(sql)
    return _tables_in_kept(sql)


def _tables_in(sql: str) -> frozenset[str]:
    lowered = sql.lower()
    return frozenset(TABLE.findall(lowered)) | (frozenset(WORD.findall(lowered)) & _known_tables())


# Kept per statement text (the values travel apart): reading a kilobyte-long SELECT for
# table names costs 50 µs, and a page sends the same statements every time.
_tables_in_kept = lru_cache(maxsize=2048)(_tables_in)


def committed(connection) -> None:
    connection.__dict__.pop("_page_cache_unseen", None)
    connection.__dict__.pop("_transaction_memo", None)
    _new_generations(connection.__dict__.pop("_page_cache_written", set()))


def transaction_began(connection) -> None:
    connection.__dict__.pop("_transaction_memo", None)


def rolled_back(connection) -> None:
    connection.__dict__.pop("_page_cache_unseen", None)
    connection.__dict__.pop("_transaction_memo", None)
    connection.__dict__.pop("_page_cache_written", None)


def _renew_unseen_writes() -> None:
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the proxy
    _new_generations(connection.__dict__.pop("_page_cache_unseen", set()))


def cached_while_unchanged(key: str, models, build, timeout: int):
    """What `build()` reads from these models' tables, kept under `key` until a committed
    statement writes to one of them: for caches of what the tables hold (the compliance
    configuration). The generations and the copy come in one round trip; a copy is stored
    with the generations taken before it was read, so one built while a change commits is
    never served after it."""
    key = f"{key}:{connections[DEFAULT_DB_ALIAS].settings_dict['NAME']}"
    tables = [model._meta.db_table for model in models]
    generations, kept = _generations_with(tables, key)
    if kept is not None and kept[0] == generations:
        return kept[1]
    value = build()
    shared_cache.set(key, (generations, value), timeout)
    return value


def transaction_memo(name: str, read):
    """`read()` once per transaction: what a transaction read stays the same for the rest
    of it. Outside a transaction, every call reads."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        return read()
    memo = connection.__dict__.setdefault("_transaction_memo", {})
    if name not in memo:
        memo[name] = read()
    return memo[name]


def written_in_this_transaction(*models) -> bool:
    """Has the open transaction written to one of these tables (not yet committed, so not
    for any cache)?"""
    connection = connections[DEFAULT_DB_ALIAS]
    written = connection.__dict__.get("_page_cache_written", set())
    return connection.in_atomic_block and any(model._meta.db_table in written for model in models)


def note_read(*models) -> None:
    """For reads served from elsewhere than the database (another cache) on a page's behalf."""
    reading = _reading.get()
    if reading is not None:
        reading.tables.update(model._meta.db_table for model in models)


def _new_generations(tables: set[str]) -> None:
    # Whether or not this process serves pages from the cache (a worker, a shell): others do.
    if not tables:
        return
    try:
        shared_cache.set_many({_generation_key(t): _token() for t in tables}, None)
    except Exception:
        # The write stands; pages that read the table may be served until their lifetime ends.
        logger.exception("Page cache generations not renewed for %s", sorted(tables))


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
            _renew_unseen_writes()
            generations = _current_generations()
        except Exception:
            logger.exception("Page cache unavailable; the page is built")
            return self.get_response(request)
        reading = Reading(generations)
        request.page_cache = reading
        token = _reading.set(reading)
        try:
            return self.get_response(request)
        finally:
            _reading.reset(token)


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


def _current_generations() -> dict[str, int]:
    return _generations_with()[0]


def _generations_with(tables=None, key: str | None = None) -> tuple[dict[str, int], object]:
    """The tables' generations and, read with them in the same round trip, `key`'s value."""
    keys = {_generation_key(table): table for table in (*(tables or _known_tables()), EPOCH)}
    found = shared_cache.get_many([*keys, key] if key else list(keys))
    value = found.pop(key, None) if key else None
    missing = [name for name in keys if name not in found]
    if missing:
        for name in missing:
            shared_cache.add(name, _token(), None)
        found.update(shared_cache.get_many(missing))
    return {keys[name]: generation for name, generation in found.items()}, value


def _token() -> int:
    # An integer: Redis keeps it as it is, so reading a hundred of them unpickles nothing.
    return secrets.randbits(62)


@cache
def _known_tables() -> frozenset[str]:
    return frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True))


def _generation_key(table: str) -> str:
    # Tests and the benchmark share one Redis with other databases.
    return f"page-cache:{connections[DEFAULT_DB_ALIAS].settings_dict['NAME']}:{table}"


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
