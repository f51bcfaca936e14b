"""Each demo user signs in, lands on the role's home page inside our layout, and signs out.

The browser's console is watched throughout: the pages run under a strict Content Security
Policy, and anything inline that slipped in would show up there as a refusal.
"""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from accounts.access import SECTIONS
from tests.e2e.pages import path_of, sign_in

pytestmark = [
    pytest.mark.e2e,
    # The live server needs a transactional database, which is emptied after each test;
    # the serialized rollback puts back what the migrations created (the role groups).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ALL_SECTIONS = frozenset(section.key for section in SECTIONS)


@dataclass(frozen=True)
class Journey:
    username: str
    home: str  # the path `/` sends this user to
    sees: frozenset[str]  # sections that must be in the navigation
    hidden: frozenset[str]  # sections that must not be

    def __str__(self) -> str:
        return self.username


JOURNEYS = [
    Journey(
        "msl",
        "/today/",
        sees=frozenset({"today", "kols", "interactions", "follow_ups"}),
        hidden=frozenset({"reports", "compliance"}),
    ),
    Journey(
        "msl2",
        "/today/",
        sees=frozenset({"today", "kols", "inquiries"}),
        hidden=frozenset({"reports", "compliance"}),
    ),
    Journey(
        "manager",
        "/reports/",
        sees=frozenset({"reports", "follow_ups", "interactions"}),
        hidden=frozenset({"today", "compliance"}),
    ),
    Journey(
        "medinfo",
        "/inquiries/",
        sees=frozenset({"inquiries", "literature", "kols"}),
        hidden=frozenset({"today", "reports", "compliance"}),
    ),
    Journey(
        "compliance",
        "/compliance/",
        sees=frozenset({"compliance", "reports", "interactions"}),
        hidden=frozenset({"today", "follow_ups", "literature"}),
    ),
    Journey("viewer", "/reports/", sees=frozenset({"reports"}), hidden=ALL_SECTIONS - {"reports"}),
    # The superuser has no role: `/` sends it to the Django admin, and it may open everything.
    Journey("admin", "/admin/", sees=ALL_SECTIONS, hidden=frozenset()),
]


def nav_sections(page: Page) -> set[str]:
    return set(
        page.locator("#main-nav [data-section]").evaluate_all(
            "links => links.map(link => link.dataset.section)"
        )
    )


def sign_out(page: Page) -> None:
    """Sign out through the user menu of our layout."""
    user_menu = page.locator("#user-menu")
    logout = page.get_by_test_id("logout")
    expect(logout).to_be_hidden()
    user_menu.click()
    expect(user_menu).to_have_attribute("aria-expanded", "true")
    expect(logout).to_be_visible()
    logout.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("alert")).to_contain_text("You have been signed out.")
    expect(page.locator("#user-menu")).to_have_count(0)


@pytest.mark.parametrize("journey", JOURNEYS, ids=str)
def test_demo_user_signs_in_lands_home_and_signs_out(
    journey, live_server, demo_users, open_context, browser_log
):
    page = open_context().new_page()

    sign_in(page, live_server.url, journey.username, demo_users)

    assert path_of(page) == journey.home
    if journey.username == "admin":
        # The admin has its own layout; show ours on a section page, then sign out from it.
        expect(page.get_by_role("heading", level=1)).to_have_text("Site administration")
        page.goto(live_server.url + "/today/")
        assert path_of(page) == "/today/"
        current = "today"
    else:
        current = journey.home.strip("/")

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).not_to_be_empty()
    shown = nav_sections(page)
    assert journey.sees <= shown, f"{journey} should see {sorted(journey.sees - shown)}"
    assert not journey.hidden & shown, f"{journey} should not see {sorted(journey.hidden & shown)}"
    expect(page.locator(f'#main-nav [data-section="{current}"]')).to_have_attribute(
        "aria-current", "page"
    )

    sign_out(page)

    # Signed out for real: the home page asks for a login again.
    page.goto(live_server.url + "/")
    assert path_of(page) == "/accounts/login/"
    browser_log.assert_clean()


def test_phone_navigation_folds_behind_the_toggler(
    live_server, demo_users, open_context, browser_log
):
    page = open_context(viewport={"width": 390, "height": 844}).new_page()

    sign_in(page, live_server.url, "msl", demo_users)
    assert path_of(page) == "/today/"

    toggler = page.locator(".navbar-toggler")
    today_link = page.locator('#main-nav [data-section="today"]')
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(today_link).to_be_hidden()
    expect(page.locator("#user-menu")).to_be_hidden()

    toggler.click()

    expect(toggler).to_have_attribute("aria-expanded", "true")
    # Bootstrap swaps `collapsing` for `show` once the slide-down ends; clicking the user menu
    # while it still slides can miss it, as a tap on a moving target would.
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(today_link).to_be_visible()
    expect(page.locator('#main-nav [data-section="events"]')).to_be_visible()
    expect(page.locator("#user-menu")).to_be_visible()
    sign_out(page)
    browser_log.assert_clean()


def test_browser_log_sees_what_the_policy_refuses(live_server, open_context, browser_log):
    """The journeys above pass only if the watch they rely on can see a refusal at all.

    Chromium rewords its CSP messages now and then ("Refused to ..." became "... violates the
    following Content Security Policy directive"); this fails if the wording escapes us.
    """
    page = open_context().new_page()
    page.goto(live_server.url + "/accounts/login/")

    page.evaluate(
        """() => {
            const style = document.createElement("style");
            style.textContent = "body { color: red; }";
            document.head.append(style);
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true;";
            document.head.append(script);
            setTimeout(() => { throw new Error("uncaught on purpose"); });
        }"""
    )

    expect(page.locator("body")).not_to_have_css("color", "rgb(255, 0, 0)")
    assert page.evaluate("() => window.inlineRan") is None
    # Console and error events reach Python asynchronously; waiting lets them in.
    for _ in range(40):
        if len(browser_log.csp_violations()) == 2 and browser_log.page_errors:
            break
        page.wait_for_timeout(50)
    assert len(browser_log.csp_violations()) == 2, browser_log.console
    assert any("uncaught on purpose" in error for error in browser_log.page_errors)
