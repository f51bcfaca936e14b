"""The load test's locust file runs headless against a live server, so it cannot rot."""

import csv
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


@pytest.mark.django_db(transaction=True)
def test_the_locust_users_sign_in_and_work_without_an_error(live_server, tmp_path):
    call_command("seed_bench", "--scale", str(SCALE))
    locust = Path(sys.executable).with_name("locust")
    # The live server's threads share SQLite's in-memory test database, which locks a
    # table against a second writer: concurrent users are for PostgreSQL's run.
    users = "6" if connection.vendor == "postgresql" else "1"

    finished = subprocess.run(
        [
            str(locust),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            users,
            "--spawn-rate",
            users,
            "--run-time",
            "12s",
            "--host",
            live_server.url,
            "--csv",
            str(tmp_path / "locust"),
            "--reset-stats",
            "--only-summary",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "BENCH_MSLS": str(Counts.at(SCALE).msls)},
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    with open(tmp_path / "locust_stats.csv") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    assert int(rows["Aggregated"]["Failure Count"]) == 0
    # The figures start again once every user has signed in and opened a first page.
    assert f"All {users} users at work: figures reset" in finished.stderr
    assert int(rows["sign in"]["Request Count"]) == 0
    assert int(rows["Aggregated"]["Request Count"]) > 0
    # How the page cache answered each page read, counted with locust's own figures; this
    # server sends no timing header (SERVER_TIMING is off), which the tally says.
    with open(tmp_path / "locust_page_cache.csv") as tally:
        answered = {row["Name"]: row for row in csv.DictReader(tally)}
    pages_read = {
        name: int(row["Request Count"])
        for name, row in rows.items()
        if row["Type"] == "GET" and int(row["Request Count"])
    }
    assert pages_read
    assert {name: int(row["Requests"]) for name, row in answered.items()} == pages_read
    assert all(row["unknown"] == row["Requests"] for row in answered.values())
