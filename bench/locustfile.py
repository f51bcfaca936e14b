"""Fifty people using the CRM at once, against a server loaded by `seed_bench`.

    locust -f bench/locustfile.py --headless -u 50 -r 5 -t 70s --reset-stats \
        --host http://127.0.0.1:8000 --csv bench-results/locust

(as the README runs it: 50 users ramped in 10 s, then measured for 60 s with all at work).

Each simulated MSL signs in as its own bench MSL and goes through a day's pages with a
person's pauses between clicks; one in ten simulated users is a manager reading reports or
Medical Information working the queue. Locust exits with 1 if any request failed.
"""

import datetime as dt
import itertools
import os
import re
import threading

from locust import HttpUser, between, task

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
