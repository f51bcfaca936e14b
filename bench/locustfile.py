"""Fifty people using the CRM at once, against a server loaded by `seed_bench`.

    locust -f bench/locustfile.py --headless -u 50 -r 1 -t 110s --reset-stats \
        --host http://127.0.0.1:8000 --csv bench-results/locust

(as the README runs it: 50 users spawned one a second, then measured for 60 s with all at
work; fifty Argon2 sign-ins, 0.3 to 1 s of CPU each, in ten seconds would still be queued
when the measured minute starts).

Each simulated MSL signs in as its own bench MSL and goes through a day's pages with a
person's pauses between clicks; one in five simulated users is the manager reading reports
or Medical Information working the queue. Locust exits with 1 if any request failed, and if
any sign-in did, ramp included.

With `--csv PREFIX` it also writes PREFIX_page_cache.csv: how each page was answered (from
the `Server-Timing` header a server started with SERVER_TIMING=true sends), counted over the
same requests as locust's own figures. It counts the requests of this process: run locust
in one process, as the README does, not with --processes or --master.
"""

import csv
import datetime as dt
import itertools
import logging
import os
import re
import threading
from collections import Counter, defaultdict

from locust import HttpUser, between, events, task
from locust.exception import StopUser

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
def count_cache_outcome(request_type, name, response=None, **kwargs):
    if response is None or request_type != "GET":
        return
    found = CACHE_OUTCOME.search(response.headers.get("Server-Timing", ""))
    cache_outcomes[name][found.group(1) if found else "unknown"] += 1


@events.init.add_listener
def reset_cache_outcomes_with_the_stats(environment, **kwargs):
    # Locust's own figures start again when the last user is spawned (--reset-stats), or in
    # the web UI; the tally follows them.
    environment.events.reset_stats.add_listener(cache_outcomes.clear)
    if environment.reset_stats:
        environment.events.spawning_complete.add_listener(
            lambda user_count, **kwargs: cache_outcomes.clear()
        )


@events.quitting.add_listener
def write_cache_outcomes(environment, **kwargs):
    prefix = getattr(environment.parsed_options, "csv_prefix", None)
    if not prefix:
        return
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
        signed_in = self.post_form(
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
            refused=f"{username} could not sign in",
        )
        if not signed_in:
            # --reset-stats forgets failures of the ramp; a user who never got in must not
            # leave a run that reads "no failure".
            logging.error("%s could not sign in; the run fails", username)
            self.environment.process_exit_code = 1
            raise StopUser()

    def post_form(self, path: str, data: dict, *, name: str, refused: str) -> bool:
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
        return response.status_code == 302

    def page(self, path: str, name: str | None = None):
        # Not following redirects: a page sending its user to sign in again is a failure.
        with self.client.get(
            path, name=name or path, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
        self._plain_cookies()
        return response


class MSL(SignedInUser):
    weight = 9

    def on_start(self):
        super().on_start()
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
