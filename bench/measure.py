"""Measure the key pages of a running server: p50/p95 server time, the time it waited on the
database (both from its Server-Timing header) and the query count, each time as a ratio to
a floor page measured in the same run."""

import datetime as dt
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.utils import timezone

from accounts.models import User
from api.services import token_create
from kols.models import KOL
from msl_crm.days import day_start
from reports.services import last_complete_week, trend_report_build

from .generate import BENCH_PASSWORD, PREFIX

SERVER_TIME = re.compile(r"app;dur=([0-9.]+)")
DATABASE_TIME = re.compile(r"db;dur=([0-9.]+)")
CACHE_OUTCOME = re.compile(r'cache;desc="(\w+)"')
# A browser's hard reload: the page is built afresh, as when anything it shows has changed.
FRESH = {"Cache-Control": "no-cache"}
# Not counted: enough requests to reach every gunicorn worker of a small server, whose first
# request of a page loads its templates and opens its database connection. Every page is
# first requested in turn, WARM_UPS rounds, so that the first page measured (the floor) does
# not meet a worker that has served nothing yet; then each page has WARM_UPS of its own.
WARM_UPS = 8
FLOOR = "/bench/floor/"
# Not one of the pages the targets are set for: the frame every page has, so that a page's
# ratio to the floor can be read as the frame's share and its own.
LAYOUT = "/bench/layout/"


@dataclass
class Figure:
    name: str
    role: str
    samples_ms: list[float] = field(default_factory=list)
    # Of each request, the time spent waiting on the database (Server-Timing `db`).
    database_ms: list[float] = field(default_factory=list)
    queries: set[int] = field(default_factory=set)
    statuses: set[int] = field(default_factory=set)
    outcomes: set[str] = field(default_factory=set)

    def p(self, quantile: float) -> float:
        return _quantile(self.samples_ms, quantile)

    def summary(self, floor: "Figure | None", built: "Figure | None" = None) -> dict:
        """`self` as the page is served; `built`, where the page cache could serve it,
        the same page built afresh every time; `floor`, the floor page requested alongside
        (None for the floor itself)."""
        p50, p95 = self.p(0.5), self.p(0.95)
        floor_p95 = (floor or self).p(0.95)
        row = {
            "page": self.name,
            "role": self.role,
            "requests": len(self.samples_ms),
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "queries": _most(self.queries),
            "statuses": sorted(self.statuses),
            "cache": sorted(self.outcomes),
            "p95_vs_floor": round(p95 / floor.p(0.95), 2) if floor else 1.0,
            "floor_p95_ms": round(floor_p95, 2),
        }
        # Each request waits on the database for part of its time, so the database's p95 is
        # the least the page's p95 could be with no Python of its own.
        database = built if built is not None else self
        if database.database_ms:
            database_p95 = _quantile(database.database_ms, 0.95)
            row["database_p95_ms"] = round(database_p95, 2)
            row["database_p95_vs_floor"] = round(database_p95 / floor_p95, 2)
        if built is not None:
            row.update(
                {
                    "queries_from_cache": row["queries"],
                    "queries": _most(built.queries),
                    "built_p50_ms": round(built.p(0.5), 2),
                    "built_p95_ms": round(built.p(0.95), 2),
                    "built_p95_vs_floor": round(built.p(0.95) / floor.p(0.95), 2),
                    "statuses": sorted(self.statuses | built.statuses),
                }
            )
        return row


def _quantile(samples: list[float], quantile: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    index = quantile * (len(ordered) - 1)
    low = int(index)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (index - low)


def _most(queries: set[int]) -> int | None:
    return max(queries) if queries else None


class Transport:
    """A signed-in browser: `requests` against a URL, or Django's test client in-process."""

    def __init__(self, base_url: str | None, client=None):
        self.base_url = base_url
        if client is not None:
            self.client = client
        else:
            import requests

            self.client = requests.Session()

    def _plain_cookies(self):
        # Production cookies are Secure; on the loopback the benchmark talks plain HTTP, so
        # the client (not the server) drops the flag to keep its session.
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path, headers=None):
        if self.base_url:
            response = self.client.get(self.base_url + path, headers=headers or {})
            self._plain_cookies()
            return response.status_code, response.headers, response.text
        response = self.client.get(path, headers=headers or {})
        return response.status_code, response.headers, response.content.decode()

    def post(self, path, data, headers=None):
        if self.base_url:
            response = self.client.post(
                self.base_url + path, data=data, headers=headers or {}, allow_redirects=False
            )
            self._plain_cookies()
            return response.status_code, response.headers, response.text
        response = self.client.post(path, data, headers=headers or {})
        return response.status_code, response.headers, response.content.decode()

    def csrf(self, path) -> str:
        _, _, body = self.get(path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        return found.group(1) if found else ""

    def sign_in(self, username: str) -> None:
        token = self.csrf("/accounts/login/")
        status, _, _ = self.post(
            "/accounts/login/",
            {"username": username, "password": BENCH_PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": (self.base_url or "http://testserver") + "/accounts/login/"},
        )
        if status != 302:
            raise RuntimeError(f"{username} could not sign in (HTTP {status}).")


def _record(figure: Figure, status: int, headers, wall_ms: float) -> None:
    figure.statuses.add(status)
    server_timing = headers.get("Server-Timing", "")
    timing = SERVER_TIME.search(server_timing)
    figure.samples_ms.append(float(timing.group(1)) if timing else wall_ms)
    if database := DATABASE_TIME.search(server_timing):
        figure.database_ms.append(float(database.group(1)))
    if outcome := CACHE_OUTCOME.search(server_timing):
        figure.outcomes.add(outcome.group(1))
    if headers.get("X-Query-Count"):
        figure.queries.add(int(headers["X-Query-Count"]))


def _timed(call, *args, **kwargs):
    began = time.perf_counter()
    status, headers, body = call(*args, **kwargs)
    return status, headers, body, (time.perf_counter() - began) * 1000


def run(*, base_url: str | None, requests_per_page: int, make_client=None) -> dict:
    """Every figure of the benchmark; `make_client` gives in-process clients (tests)."""
    msl = User.objects.get(username=f"{PREFIX}-msl-000")
    kol = KOL.objects.filter(territory__assignees=msl).order_by("pk").first()
    surname = re.sub(r"\d+$", "", kol.last_name)
    _, api_key = token_create(user=msl, name="Benchmark", days=1)
    plan = [
        ("floor", "msl", "GET", FLOOR),
        ("layout, nothing of its own", "msl", "GET", LAYOUT),
        ("/today/", "msl", "GET", "/today/"),
        ("/kols/ search", "msl", "GET", f"/kols/?q={surname}"),
        ("/kols/ search, every KOL", "compliance", "GET", f"/kols/?q={surname}"),
        ("KOL briefing", "msl", "GET", f"/kols/{kol.pk}/"),
        ("/interactions/", "msl", "GET", "/interactions/"),
        ("/interactions/, every MSL's", "compliance", "GET", "/interactions/"),
        ("log an interaction (POST)", "msl", "POST", "/interactions/new/"),
        ("/inquiries/ queue", "medinfo", "GET", "/inquiries/"),
        ("/reports/ dashboard", "manager-00", "GET", "/reports/"),
        ("API /api/v1/interactions/", "msl (token)", "API", "/api/v1/interactions/"),
    ]
    sessions = {}
    for role in ("msl", "medinfo", "manager-00", "compliance"):
        transport = Transport(base_url, make_client() if make_client else None)
        transport.sign_in(f"{PREFIX}-{role if role != 'msl' else 'msl-000'}")
        sessions[role] = transport
    api = Transport(base_url, make_client() if make_client else None)
    api_headers = {"Authorization": f"Bearer {api_key}"}
    for _ in range(WARM_UPS):
        for _name, role, method, path in plan:
            if method == "GET":
                sessions[role].get(path)
            elif method == "API":
                api.get(path, headers=api_headers)
    figures = []
    for name, role, method, path in plan:
        figure, built, floor = Figure(name, role), Figure(name, role), Figure("floor", "msl")
        transport = api if method == "API" else sessions[role]
        headers = api_headers if method == "API" else {}
        for attempt in range(requests_per_page + WARM_UPS):
            measured = attempt >= WARM_UPS
            if path != FLOOR:
                # The floor again, alongside: this machine's speed drifts within minutes,
                # and a ratio to a floor measured earlier in the run would carry the drift.
                status, answer, _, wall = _timed(sessions["msl"].get, FLOOR)
                if measured:
                    _record(floor, status, answer, wall)
            if method == "POST":
                status, answer, _, wall = _post_an_interaction(transport, base_url, path, kol)
                if measured:
                    _record(figure, status, answer, wall)
                continue
            if path != FLOOR:
                # Built afresh, then as served to someone coming back to it.
                fresh = {**headers, **FRESH}
                status, answer, _, wall = _timed(transport.get, path, headers=fresh)
                if measured:
                    _record(built, status, answer, wall)
            status, answer, _, wall = _timed(transport.get, path, headers=headers)
            if measured:
                _record(figure, status, answer, wall)
        figures.append((figure, built if built.samples_ms else None, floor))
    return {
        "pages": [
            figure.summary(floor if floor.samples_ms else None, built)
            for figure, built, floor in figures
        ],
        "trend_report": trend_report_figures(),
        "database": connection.vendor,
        "measured_at": timezone.now().isoformat(),
    }


def _post_an_interaction(transport, base_url, path, kol):
    token = transport.csrf(path)
    when = timezone.localtime() - dt.timedelta(hours=1)
    data = {
        "csrfmiddlewaretoken": token,
        "kols": kol.pk,
        "type": "one_to_one",
        "channel": "phone",
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 30,
        "notes": "Benchmark call about recent data.",
    }
    referer = {"Referer": (base_url or "http://testserver") + path}
    return _timed(transport.post, path, data, headers=referer)


def trend_report_figures() -> dict:
    """The weekly task over all the data against one raw GROUP BY of the same weeks."""
    week = last_complete_week()
    start = day_start(week - dt.timedelta(weeks=8))
    end = day_start(week + dt.timedelta(weeks=1))
    bucket = (
        "date_trunc('week', created_at)"
        if connection.vendor == "postgresql"
        else "strftime('%%Y-%%W', created_at)"
    )
    sql = (
        f"SELECT topic_id, {bucket}, COUNT(*) FROM interactions_insight "  # noqa: S608 - no input
        "WHERE created_at >= %s AND created_at < %s GROUP BY 1, 2"
    )

    def raw_group_by():
        with connection.cursor() as cursor:
            cursor.execute(sql, [start, end])
            cursor.fetchall()

    # The first run of the task also recounts the weeks changes have marked stale since
    # the last one; then both are timed five times and the medians compared, as a single
    # run on a shared machine varies by half.
    first_ms = _timed_ms(lambda: trend_report_build(week))
    raw = sorted(_timed_ms(raw_group_by) for _ in range(5))[2]
    task = sorted(_timed_ms(lambda: trend_report_build(week)) for _ in range(5))[2]
    return {
        "first_run_ms": round(first_ms, 1),
        "task_ms": round(task, 1),
        "raw_group_by_ms": round(raw, 1),
        "ratio": round(task / raw, 2) if raw else None,
    }


def _timed_ms(call) -> float:
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def write(results: dict, out: Path, *, machine: str) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    results = {**results, "machine": machine}
    json_path = out / "bench.json"
    json_path.write_text(json.dumps(results, indent=2))
    lines = [
        f"Measured {results['measured_at'][:16]} on {machine} ({results['database']}).",
        "",
        "Served: as a user coming back to the page gets it (from the page cache where it",
        "holds the page). Built: the same page built afresh each time (a hard reload, or",
        "the first visit after anything it shows has changed).",
        "",
        "Each page's ratios are to the floor page requested alongside it, request for",
        "request (its p95 in the floor column).",
        "",
        "Database: the p95 of the time each request (built afresh, where the page cache",
        "could serve it) waited on the database, the least its p95 could be with no Python.",
        "",
        "| page | role | served p50 ms | served p95 ms | x floor | from cache | "
        "built p95 ms | x floor | database p95 ms | x floor | floor p95 ms | "
        "queries built / served |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["pages"]:
        built = "built_p95_ms" in row
        lines.append(
            f"| {row['page']} | {row['role']} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['p95_vs_floor']} | {', '.join(row['cache']) or '-'} | "
            f"{row['built_p95_ms'] if built else '-'} | "
            f"{row['built_p95_vs_floor'] if built else '-'} | "
            f"{row.get('database_p95_ms', '-')} | {row.get('database_p95_vs_floor', '-')} | "
            f"{row['floor_p95_ms']} | "
            f"{row['queries']}{' / ' + str(row['queries_from_cache']) if built else ''} |"
        )
    trend = results["trend_report"]
    lines += [
        "",
        f"Weekly trend-report task: {trend['task_ms']} ms ({trend['first_run_ms']} ms on its "
        f"first run, recounting the weeks marked stale); one raw GROUP BY of the same weeks: "
        f"{trend['raw_group_by_ms']} ms (x {trend['ratio']}).",
    ]
    md_path = out / "bench.md"
    md_path.write_text("\n".join(lines) + "\n")
    return json_path, md_path
