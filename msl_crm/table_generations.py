"""Every table's generation: a token that every INSERT, UPDATE, DELETE or schema change of
the table replaces when it commits (and, for the connection that wrote, before that
connection's next page). The database backends (msl_crm/db/) hand every statement to
`watch_statements`, so views, Celery tasks, commands, bulk updates and raw SQL all count. A
cache of what tables held keeps the generations it was read under and is good only while
they still hold: whole pages (msl_crm/page_cache.py) and the compliance configuration
(`cached_while_unchanged`).

A schema change (a migration), or a write to a table this module cannot name, starts a new
epoch, which every cached thing depends on. Writes from outside Django (psql, or psycopg's
copy() unless its caller says so with `note_written`) and writes committed while Redis was
down renew nothing: the caches' lifetimes bound them."""

import logging
import re
import secrets
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, lru_cache

from django.apps import apps
from django.core.cache import cache as shared_cache
from django.db import DEFAULT_DB_ALIAS, connections

# What may come before a statement's first word: blanks, comments, opening parentheses.
LEADING = re.compile(r"(?:\s|\(|--[^\n]*|/\*.*?\*/)*", re.S)
# The name after FROM, JOIN, INTO, UPDATE or TABLE: quoted (Django) or not (raw SQL).
# Aliases (U0, T3) follow it. A name that is no table of ours keeps a page from being
# stored (msl_crm/page_cache.py); known tables named anywhere else in the statement (a
# comma join, a schema-qualified name, a column's qualifier) count too.
# Matched in the lower-cased statement: a case-blind pattern took twice as long.
TABLE = re.compile(r'\b(?:from|join|into|update|table)\s+"?([a-z_][a-z0-9_]*)"?')
WORD = re.compile(r"[a-z_][a-z0-9_]*")
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "WITH")
SCHEMA_CHANGES = ("CREATE", "ALTER", "DROP", "TRUNCATE", "COPY")
EPOCH = "epoch"
LONGEST_KEPT_STATEMENT = 8192
logger = logging.getLogger(__name__)


@dataclass
class Reading:
    """What one request read and whether it wrote, with the generations taken before it
    read anything (a page it builds is kept only if every table it read is known and it
    wrote nothing), and what the page cache did with it."""

    generations: dict[str, int]
    tables: set[str] = field(default_factory=set)
    wrote: bool = False
    outcome: str = "bypass"


_reading: ContextVar[Reading | None] = ContextVar("table_reading", default=None)


@contextmanager
def recording(reading: Reading):
    """Within the block, what the request's statements read and write goes to `reading`."""
    token = _reading.set(reading)
    try:
        yield reading
    finally:
        _reading.reset(token)


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
        # A schema change, or a write to no table this module can name: everything cached.
        tables.add(EPOCH)
    _written(context["connection"], tables)
    return result


def note_written(*models) -> None:
    """For rows no statement shows being written (psycopg's COPY): the models' tables are
    renewed as a statement's write would renew them, and a page that wrote is not kept."""
    if (reading := _reading.get()) is not None:
        reading.wrote = True
    _written(connections[DEFAULT_DB_ALIAS], {model._meta.db_table for model in models})


def _written(connection, tables: set[str]) -> None:
    if connection.in_atomic_block or not connection.get_autocommit():
        # Other connections see these rows at the commit, which renews the tables. This
        # one sees them now: its next page renews them first (`renew_unseen_writes`).
        connection.__dict__.setdefault("_generations_written", set()).update(tables)
        connection.__dict__.setdefault("_generations_unseen", set()).update(tables)
    else:
        _new_generations(tables)


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
    connection.__dict__.pop("_generations_unseen", None)
    connection.__dict__.pop("_transaction_memo", None)
    _new_generations(connection.__dict__.pop("_generations_written", set()))


def transaction_began(connection) -> None:
    connection.__dict__.pop("_transaction_memo", None)


def rolled_back(connection) -> None:
    connection.__dict__.pop("_generations_unseen", None)
    connection.__dict__.pop("_transaction_memo", None)
    connection.__dict__.pop("_generations_written", None)


def renew_unseen_writes() -> None:
    connection = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the proxy
    _new_generations(connection.__dict__.pop("_generations_unseen", set()))


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
    written = connection.__dict__.get("_generations_written", set())
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
        logger.exception("Table generations not renewed for %s", sorted(tables))


def current_generations() -> dict[str, int]:
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
    # Tests and the benchmark share one Redis with other databases. The prefix is older than
    # this module: processes of the last release, still running during a deploy, renew
    # the same keys.
    return f"page-cache:{connections[DEFAULT_DB_ALIAS].settings_dict['NAME']}:{table}"
