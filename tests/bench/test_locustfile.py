"""The load test's locust file runs headless against a live server, so it cannot rot."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from bench.generate import Counts

SCALE = 0.002
LOCUSTFILE = Path(__file__).resolve().parents[2] / "bench" / "locustfile.py"


def run_locust(server_url: str, *options: str, users: str, seconds: int, msls: int):
    """The locust file, headless, as the README runs it but briefer."""
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            users,
            "--spawn-rate",
            users,
            "--run-time",
            f"{seconds}s",
            "--host",
            server_url,
            "--only-summary",
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        env={**os.environ, "BENCH_MSLS": str(msls)},
    )


@pytest.mark.django_db(transaction=True)
def test_the_locust_users_sign_in_and_work_without_an_error(live_server, tmp_path):
    call_command("seed_bench", "--scale", str(SCALE))
    # The live server's threads share SQLite's in-memory test database, which locks a
    # table against a second writer: concurrent users are for PostgreSQL's run.
    users = "6" if connection.vendor == "postgresql" else "1"

    finished = run_locust(
        live_server.url,
        "--csv",
        str(tmp_path / "locust"),
        "--json-file",
        str(tmp_path / "final"),
        users=users,
        seconds=12,
        msls=Counts.at(SCALE).msls,
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    with open(tmp_path / "locust_stats.csv") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    assert int(rows["Aggregated"]["Failure Count"]) == 0
    assert int(rows["sign in"]["Request Count"]) == int(users)
    # Beyond signing in (a form and a POST each), the users went on to their pages.
    assert int(rows["Aggregated"]["Request Count"]) > 3 * int(users)
    # How the page cache answered each page read, counted over the same requests as locust's
    # final figures (its CSV is rewritten once a second, its JSON once at the end); this
    # server sends no timing header (SERVER_TIMING is off), which the tally says.
    final = json.loads((tmp_path / "final.json").read_text())
    pages_read = {
        entry["name"]: entry["num_requests"] for entry in final if entry["method"] == "GET"
    }
    with open(tmp_path / "locust_page_cache.csv") as tally:
        answered = {row["Name"]: row for row in csv.DictReader(tally)}
    assert {name: int(row["Requests"]) for name, row in answered.items()} == pages_read
    assert all(row["unknown"] == row["Requests"] for row in answered.values())


@pytest.mark.django_db(transaction=True)
def test_a_user_who_cannot_sign_in_fails_the_run_whatever_is_reset(live_server):
    """--reset-stats forgets the ramp's failures; a refused sign-in must still fail the run."""
    # bench-msl-000, whom this test never made.
    finished = run_locust(live_server.url, "--reset-stats", users="1", seconds=4, msls=1)

    assert finished.returncode == 1
    assert "could not sign in; the run fails" in finished.stderr
