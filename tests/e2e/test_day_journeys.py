"""A day in each role, through the real pages of the seeded demo.

Each journey signs in, lands on the role's home page, checks it with axe-core (WCAG 2 A/AA)
and keeps a full-page screenshot in artifacts/screenshots/ for the CI artefact. Then:

- the MSL walks the twelve steps of /today/, logging a planned meeting on the way, and uses
  the page on a phone and with the keyboard alone;
- the manager opens the latest weekly report;
- Medical Information opens an unassigned inquiry and takes it (the full answer and delivery
  is test_inquiry_journey.py);
- compliance adds a blocking term in the admin, and the MSL's note with that word is refused
  with the explanation under the field (test_compliance_journey.py covers a seeded term while
  typing and the violation list);
- the viewer reads aggregates without names and is refused an interaction's page.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from compliance.models import RestrictedTerm, Violation
from interactions.models import Insight, Interaction, InteractionStatus
from kols.models import KOL
from tests.e2e.pages import assert_accessible, path_of, save_screenshot, sign_in
from tests.e2e.test_login_journeys import sign_out

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
STEPS = range(1, 13)


def land_home(page: Page, base_url: str, username: str, password: str, home: str) -> None:
    """Sign in, arrive on the role's home page, check it with axe and keep a screenshot."""
    sign_in(page, base_url, username, password)
    assert path_of(page) == home
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)
    save_screenshot(page, f"{username}-home")


def progress(page: Page, done: int) -> None:
    expect(page.get_by_test_id("progress-text")).to_have_text(f"{done} of 12 steps done")


def insights_today(page: Page) -> int:
    figure = page.get_by_test_id("step-5").locator(".step-figures li", has_text="insights captured")
    return int(figure.locator(".badge").inner_text())


def follow_main_link(page: Page, number: int) -> str:
    """Open the step card's main link, check the page it leads to (with axe), come back."""
    link = page.get_by_test_id(f"step-{number}").locator("a.btn-outline-primary").first
    target = link.get_attribute("href")
    with page.expect_navigation() as navigation:
        link.click()
    response = navigation.value
    assert response is not None
    assert response.ok, f"step {number}: {target} answered {response.status}"
    assert path_of(page) == target
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).not_to_be_empty()
    assert_accessible(page)
    page.go_back()
    assert path_of(page) == "/today/"
    return target


def log_a_meeting(page: Page) -> Interaction:
    """Step 4: log today's planned meeting ("Log it"), or an unplanned one in person; add an
    insight and a follow-up on the interaction's page, and submit."""
    conduct = page.get_by_test_id("step-4")
    log_it = conduct.get_by_role("link", name="Log it")
    earlier = timezone.localtime() - dt.timedelta(minutes=30)
    if log_it.count():
        log_it.first.click()
        expect(page.locator("#id_channel")).to_be_visible()
    else:
        conduct.get_by_role("link", name="In person").click()
        kol = KOL.objects.filter(territory__code="US-NE-01", do_not_contact=False).exclude(
            consent_status="withdrawn"
        )[0]
        page.locator("#kol-filter").fill(kol.last_name)
        page.locator("#id_kols").select_option([str(kol.pk)])
    page.locator("#id_channel").select_option("in_person")
    page.locator("#id_occurred_at").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_notes").fill("Walked through the second-line data; questions on dosing.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("status")).to_have_text("Draft")
    interaction = Interaction.objects.get(pk=int(path_of(page).strip("/").split("/")[-1]))

    page.locator("#id_kol").select_option(index=1)
    page.locator("#id_topic").select_option(index=1)
    page.locator("#id_category").select_option("unmet_need")
    page.locator("#id_sentiment").select_option("neutral")
    page.locator("#id_text").fill("Asks for dosing guidance in elderly patients.")
    page.get_by_role("button", name="Add insight").click()
    expect(page.get_by_test_id("insights")).to_contain_text("dosing guidance in elderly")

    page.locator("#id_kind").select_option("send_material")
    page.locator("#id_description").fill("Send the dosing summary")
    page.locator("#id_due_date").fill((timezone.localdate() + dt.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Add follow-up").click()
    expect(page.locator(".messages")).to_contain_text("Follow-up added.")

    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    assert Insight.objects.filter(interaction=interaction).count() == 1
    return interaction


def test_msl_walks_the_twelve_steps_of_the_day(live_server, demo_users, open_context, browser_log):
    page = open_context(viewport=DESKTOP).new_page()
    land_home(page, live_server.url, "msl", demo_users, "/today/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sarah")
    expect(page.get_by_test_id(re.compile(r"^step-\d+$"))).to_have_count(12)
    progress(page, 0)
    insights_before = insights_today(page)

    visited = []
    for number in STEPS:
        visited.append(follow_main_link(page, number))
        if number == 4:
            interaction = log_a_meeting(page)
            page.goto(live_server.url + "/today/")
            # The day counts the insight just captured.
            assert insights_today(page) == insights_before + 1
        tick = page.get_by_test_id(f"tick-{number}")
        expect(tick).to_have_attribute("aria-pressed", "false")
        tick.click()
        progress(page, number)
        expect(page.get_by_test_id(f"tick-{number}")).to_have_attribute("aria-pressed", "true")
    assert Interaction.objects.get(pk=interaction.pk).status == InteractionStatus.SUBMITTED
    assert len(set(visited)) >= 10, visited  # steps 5/11 and 2/12 share a page

    # The ticks are stored, not only swapped into the page.
    page.reload()
    progress(page, 12)
    expect(page.locator(".today-step.is-done")).to_have_count(12)

    # On a phone: nothing wider than the screen, every step's title on screen and legible.
    phone = open_context(viewport=PHONE).new_page()
    sign_in(phone, live_server.url, "msl", demo_users)
    progress(phone, 12)
    scroll_width = phone.evaluate("() => document.scrollingElement.scrollWidth")
    assert scroll_width <= PHONE["width"] + 1, f"the page scrolls sideways ({scroll_width}px)"
    for number in STEPS:
        title = phone.get_by_test_id(f"step-{number}").get_by_role("heading", level=2)
        expect(title).to_be_visible()
        box = title.bounding_box()
        assert box["x"] >= 0, f"step {number}'s title starts off screen"
        assert box["x"] + box["width"] <= PHONE["width"] + 1, f"step {number}'s title is cut"
        size = float(title.evaluate("el => getComputedStyle(el).fontSize").removesuffix("px"))
        assert size >= 16, f"step {number}'s title is {size}px"
    save_screenshot(phone, "msl-home-phone")

    # With the keyboard alone: Tab from the top reaches a tick; Enter and Space toggle it,
    # and the focus stays on the button the swap replaced.
    phone.locator("body").focus()
    focused = ""
    for _ in range(40):
        phone.keyboard.press("Tab")
        focused = phone.evaluate("() => document.activeElement.dataset.testid || ''")
        if focused.startswith("tick-"):
            break
    assert focused == "tick-1", f"Tab from the top reached {focused!r}, not the first tick"
    phone.keyboard.press("Enter")
    progress(phone, 11)
    expect(phone.get_by_test_id("tick-1")).to_have_attribute("aria-pressed", "false")
    expect(phone.get_by_test_id("tick-1")).to_be_focused()
    # htmx wires up the swapped-in form when it settles (its class changes then); a key
    # pressed before that would post the plain form and reload the page, as no hand can.
    expect(phone.get_by_test_id("tick-1")).to_have_class(re.compile(r"\bbtn-outline-success\b"))
    phone.keyboard.press("Space")
    progress(phone, 12)
    expect(phone.get_by_test_id("tick-1")).to_have_attribute("aria-pressed", "true")
    expect(phone.get_by_test_id("tick-1")).to_be_focused()
    browser_log.assert_clean()


def test_manager_opens_the_latest_weekly_report(live_server, demo_users, open_context, browser_log):
    page = open_context(viewport=DESKTOP).new_page()
    land_home(page, live_server.url, "manager", demo_users, "/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Insight dashboard")

    latest = page.get_by_role("link", name="Open the full report")
    if not latest.count():  # no report yet: build last week's, as the page offers
        page.get_by_role("button", name="Run last week's report now").click()
        expect(page.locator(".messages")).to_contain_text("is being built")
    week = page.locator("#emerging-heading").inner_text().rsplit(" ", 1)[-1]
    latest.click()
    assert re.fullmatch(r"/reports/\d+/", path_of(page))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(week)
    assert_accessible(page)
    browser_log.assert_clean()


def test_medical_information_takes_an_unassigned_inquiry(
    live_server, demo_users, open_context, browser_log
):
    page = open_context(viewport=DESKTOP).new_page()
    land_home(page, live_server.url, "medinfo", demo_users, "/inquiries/")

    page.goto(live_server.url + "/inquiries/?view=unassigned")
    first = page.get_by_test_id("inquiry-link").first
    number = first.inner_text()
    first.click()
    assert re.fullmatch(r"/inquiries/\d+/", path_of(page))
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    assert_accessible(page)
    page.locator("#id_assignee").select_option(label="Priya Raman")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Assigned to Priya Raman.")).to_be_visible()
    browser_log.assert_clean()


def test_compliance_blocks_a_word_that_the_msl_then_cannot_save(
    live_server, demo_users, open_context, browser_log
):
    page = open_context(viewport=DESKTOP).new_page()
    land_home(page, live_server.url, "compliance", demo_users, "/compliance/")

    page.goto(live_server.url + "/admin/compliance/restrictedterm/add/")
    page.locator("#id_pattern").fill("guaranteed")
    page.locator("#id_match_kind").select_option("word")
    page.get_by_label("Interaction notes").check()
    page.locator("#id_severity").select_option("block")
    page.locator("#id_purpose").select_option("restricted")
    page.locator("#id_explanation").fill("Outcomes cannot be promised; that is promotional.")
    page.locator("#id_suggestion").fill("was associated with")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    term = RestrictedTerm.objects.get(pattern="guaranteed")
    assert term.fields == ["interaction_notes"]
    assert term.severity == "block"
    page.goto(live_server.url + "/compliance/")
    sign_out(page)

    sign_in(page, live_server.url, "msl", demo_users)
    kol = KOL.objects.filter(territory__code="US-NE-01", do_not_contact=False).exclude(
        consent_status="withdrawn"
    )[0]
    page.goto(live_server.url + "/interactions/new/?channel=phone")
    page.locator("#kol-filter").fill(kol.last_name)
    page.locator("#id_kols").select_option([str(kol.pk)])
    page.locator("#id_notes").fill("Told her a response is guaranteed with the new regimen.")
    page.get_by_role("button", name="Save").click()

    notes = page.locator("#id_notes")
    expect(notes).to_have_class(re.compile(r"\bis-invalid\b"))
    error = page.locator("div:has(> #id_notes) > .invalid-feedback")
    expect(error).to_contain_text("Outcomes cannot be promised")
    expect(error).to_contain_text("was associated with")
    expect(error.locator("mark")).to_have_text("guaranteed")
    assert_accessible(page)  # the refused form, with its errors, is still accessible
    assert not Interaction.objects.filter(notes__contains="guaranteed").exists()
    violation = Violation.objects.filter(user__username="msl", term=term).get()
    assert violation.outcome == "blocked"
    browser_log.assert_clean()


def test_viewer_reads_aggregates_and_is_refused_an_interaction(
    live_server, demo_users, open_context, browser_log
):
    interaction = Interaction.objects.filter(status=InteractionStatus.SUBMITTED).first()
    page = open_context(viewport=DESKTOP).new_page()
    land_home(page, live_server.url, "viewer", demo_users, "/reports/")
    main = page.locator("main")
    expect(main).to_contain_text("Interactions per MSL per week")
    for name in ("Sarah Chen", "James Okafor"):
        expect(main).not_to_contain_text(name)

    response = page.goto(f"{live_server.url}/interactions/{interaction.pk}/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot open this page")
    expect(main).not_to_contain_text(interaction.notes[:30] or "-")
    browser_log.assert_clean()
