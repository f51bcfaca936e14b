"""Fifty people using the CRM at once, against a server loaded by `seed_bench`.

    locust -f bench/locustfile.py --headless -u 50 -r 5 -t 90s --reset-stats \
        --host http://127.0.0.1:8000 --csv bench-results/locust

(as the README runs it: 50 users ramped in 10 s, each signing in and opening a first page,
then measured from the moment the last of them has done so, for at least 60 s).

Each simulated MSL signs in as its own bench MSL and goes through a day's pages with a
person's pauses between clicks; one in five simulated users is the manager reading reports
or Medical Information working the queue. Locust exits with 1 if any request failed.

With `--csv PREFIX` it also writes PREFIX_page_cache.csv: how each page was answered (from
the `Server-Timing` header a server started with SERVER_TIMING=true sends), counted from
the same moment as locust's own figures.
"""

import csv
import datetime as dt
import itertools
import logging
import os
import re
import threading
import time
from collections import Counter, defaultdict

from locust import HttpUser, between, events, task

# bench.generate.BENCH_PASSWORD: locust runs without Django, so it cannot import it.
PASSWORD = "bench-password-2026"  # noqa: S105 - the benchmark users only
KOL_LINK = re.compile(r'href="/kols/(\d+)/"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCH_WORDS = ["Xu", "Carter", "Oncology", "Boston", "Nguyen", "Cardiology"]

# As many MSLs as `seed_bench` made: 50 at scale 1, fewer at the tests' tiny scale.
MSLS = int(os.environ.get("BENCH_MSLS", "50"))
_next_msl = itertools.count()
_next_lock = threading.Lock()


def next_msl_username() -> str:
    with _next_lock:
        return f"bench-msl-{next(_next_msl) % MSLS:03d}"


# The page cache's answer to each request, by locust's name for it: "hit", "miss", "bypass"
# or "none" (see msl_crm/timing.py), "unknown" where the server sent no timing header.
CACHE_OUTCOME = re.compile(r'cache;desc="(\w+)"')
OUTCOMES = ("hit", "miss", "bypass", "none", "unknown")
cache_outcomes: defaultdict[str, Counter] = defaultdict(Counter)


@events.request.add_listener
def count_cache_outcome(request_type, name, response=None, exception=None, **kwargs):
    if response is None or request_type != "GET":
        return
    found = CACHE_OUTCOME.search(response.headers.get("Server-Timing", ""))
    cache_outcomes[name][found.group(1) if found else "unknown"] += 1


@events.reset_stats.add_listener
def forget_cache_outcomes(**kwargs):
    cache_outcomes.clear()


@events.spawning_complete.add_listener
def forget_cache_outcomes_with_the_stats(user_count, **kwargs):
    cache_outcomes.clear()  # --reset-stats resets locust's own figures here


# With --reset-stats, the figures start again once every user has signed in and opened a
# first page: fifty sign-ins in ten seconds (Argon2, 0.3 to 1 s of CPU each) queue for a
# while after the last user is spawned, and a morning's sign-ins are spread over an hour.
_users_at_work = itertools.count(1)


def user_at_work(environment) -> None:
    if next(_users_at_work) == environment.parsed_options.num_users and environment.reset_stats:
        environment.runner.stats.reset_all()
        cache_outcomes.clear()
        logging.info("All %s users at work: figures reset", environment.parsed_options.num_users)


@events.quitting.add_listener
def write_cache_outcomes(environment, **kwargs):
    prefix = getattr(environment.parsed_options, "csv_prefix", None)
    if not prefix:
        return
    measured = time.time() - environment.runner.stats.total.start_time
    logging.info("Figures measured over the last %.0f s", measured)
    with open(f"{prefix}_page_cache.csv", "w", newline="") as out:
        table = csv.writer(out)
        table.writerow(["Name", "Requests", *OUTCOMES, "Hit rate"])
        for name, counts in sorted(cache_outcomes.items()):
            total = sum(counts.values())
            rate = f"{counts['hit'] / total:.0%}" if total else ""
            table.writerow([name, total, *(counts[outcome] for outcome in OUTCOMES), rate])


class SignedInUser(HttpUser):
    abstract = True
    wait_time = between(2, 6)
    username = ""

    def on_start(self):
        self.sign_in(self.username or next_msl_username())
        self.begin_the_day()
        user_at_work(self.environment)

    def begin_the_day(self) -> None:
        """What a user opens first, before their tasks."""

    def _plain_cookies(self):
        # Production cookies are Secure; on the loopback the load test talks plain HTTP.
        for cookie in self.client.cookies:
            cookie.secure = False

    def csrf_token(self, path: str) -> str:
        response = self.client.get(path, name=f"{path} (form)")
        self._plain_cookies()
        found = CSRF_INPUT.search(response.text)
        return found.group(1) if found else ""

    def sign_in(self, username: str) -> None:
        token = self.csrf_token("/accounts/login/")
        self.post_form(
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
            refused=f"{username} could not sign in",
        )

    def post_form(self, path: str, data: dict, *, name: str, refused: str) -> None:
        """A form posted as a browser does; anything but the redirect after success fails."""
        with self.client.post(
            path,
            data=data,
            headers={"Referer": f"{self.host}{path}"},
            allow_redirects=False,
            catch_response=True,
            name=name,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{refused} (HTTP {response.status_code})")
        self._plain_cookies()

    def page(self, path: str, name: str | None = None):
        with self.client.get(path, name=name or path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
        self._plain_cookies()
        return response


class MSL(SignedInUser):
    weight = 9

    def begin_the_day(self) -> None:
        directory = self.page("/kols/", name="/kols/")
        self.kol_ids = KOL_LINK.findall(directory.text)[:10] or []

    @task(4)
    def today(self):
        self.page("/today/")

    @task(3)
    def search_kols(self):
        word = SEARCH_WORDS[len(self.kol_ids) % len(SEARCH_WORDS)]
        self.page(f"/kols/?q={word}", name="/kols/?q=")

    @task(3)
    def briefing(self):
        if self.kol_ids:
            self.page(f"/kols/{self.kol_ids[0]}/", name="/kols/<pk>/")

    @task(2)
    def interactions(self):
        self.page("/interactions/")

    @task(1)
    def log_interaction(self):
        if not self.kol_ids:
            return
        token = self.csrf_token("/interactions/new/")
        self.post_form(
            "/interactions/new/",
            {
                "csrfmiddlewaretoken": token,
                "kols": self.kol_ids[0],
                "type": "one_to_one",
                "channel": "phone",
                # The server's default TIME_ZONE is UTC; an hour ago is within any policy.
                "occurred_at": f"{dt.datetime.now(dt.UTC) - dt.timedelta(hours=1):%Y-%m-%dT%H:%M}",
                "duration_minutes": 20,
                "notes": "Load test: a short call about recent data.",
            },
            name="log an interaction (POST)",
            refused="not saved",
        )


class Manager(SignedInUser):
    weight = 1
    username = "bench-manager-00"

    @task
    def reports(self):
        self.page("/reports/")


class MedicalInformation(SignedInUser):
    weight = 1
    username = "bench-medinfo"

    @task
    def queue(self):
        self.page("/inquiries/")
