"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

One browser is launched for the whole session; every test gets its own context (cookies,
storage) from pytest-playwright's `new_context`. The live server runs in a thread of this
process, so it shares the test database and the settings the fixtures change.
"""

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# How Chromium words a refused script, style, font or image on the console.
CSP_VIOLATION = re.compile(r"Content Security Policy|Refused to", re.IGNORECASE)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium rather than a browser downloaded by `playwright install`.

    A missing browser is an error, not a skip: a suite that silently skips its browser tests
    would look green while testing nothing.
    """
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}, which is missing. Install it with "
            "`sudo apt-get install chromium` (or `make browser`). Do not run `playwright "
            "install`: the tests drive the system Chromium only.",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def demo_users(live_server, settings):
    """The demo organisation from `seed_demo`, in the test database the live server reads.

    Returns the password every demo user signs in with.
    """
    # A handful of KOLs per territory shows every page; the full demo only costs time here.
    settings.DEMO_KOLS_PER_TERRITORY = 6
    settings.DEMO_HISTORY_WEEKS = 2
    call_command("seed_demo", stdout=io.StringIO())
    return settings.DEMO_PASSWORD


@dataclass
class BrowserLog:
    """What the browser said while a test ran: console messages, uncaught errors and
    sub-resources (stylesheets, scripts, fonts, images) that did not load."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_resources: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [message for message in self.console if CSP_VIOLATION.search(message)]

    def assert_clean(self) -> None:
        """No CSP refusal, no uncaught script error and no missing asset."""
        assert self.csp_violations() == [], "Content Security Policy refused something"
        assert self.page_errors == [], "uncaught errors in the page"
        assert self.failed_resources == [], "page assets that did not load"


@pytest.fixture
def browser_log():
    return BrowserLog()


@pytest.fixture
def open_context(new_context, browser_log):
    """Open a browser context whose console, page errors and failed assets go to
    `browser_log`; keyword arguments go to `browser.new_context` (e.g. viewport)."""

    def _open(**kwargs):
        context = new_context(**kwargs)
        context.on("console", lambda msg: browser_log.console.append(f"[{msg.type}] {msg.text}"))
        context.on("weberror", lambda error: browser_log.page_errors.append(str(error.error)))

        def on_response(response):
            if response.request.resource_type != "document" and response.status >= 400:
                browser_log.failed_resources.append(f"{response.status} {response.url}")

        def on_request_failed(request):
            # Leaving a page cancels what it was still fetching (often the favicon); that
            # is the browser moving on, not an asset that failed to load.
            if request.failure == "net::ERR_ABORTED":
                return
            browser_log.failed_resources.append(f"{request.failure} {request.url}")

        context.on("response", on_response)
        context.on("requestfailed", on_request_failed)
        return context

    return _open
