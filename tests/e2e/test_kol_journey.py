"""An MSL prepares for a meeting: finds the KOL, reads the briefing, corrects a detail."""

import re

import pytest
from playwright.sync_api import expect

from kols.models import KOL
from tests.e2e.pages import path_of, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_msl_searches_opens_the_briefing_and_edits_a_kol(
    live_server, demo_users, open_context, browser_log
):
    kol = KOL.objects.filter(territory__code="US-NE-01", do_not_contact=False).first()
    page = open_context().new_page()
    sign_in(page, live_server.url, "msl", demo_users)

    page.locator('#main-nav [data-section="kols"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("KOL directory")
    page.locator("#id_q").fill(f"{kol.first_name} {kol.last_name}")
    # Results follow the typing (htmx) and the address keeps the search, with no reload.
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(kol.first_name)))
    link = page.get_by_test_id("kol-link").filter(has_text=kol.display_name).first
    expect(link).to_be_visible()
    link.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(kol.display_name)
    expect(page.get_by_role("heading", name="Interactions timeline")).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Phone").fill("+1 617 555 0199")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".messages")).to_contain_text("was updated")
    assert path_of(page) == f"/kols/{kol.pk}/"
    expect(page.locator("main")).to_contain_text("+1 617 555 0199")
    kol.refresh_from_db()
    assert kol.phone == "+1 617 555 0199"
    browser_log.assert_clean()


def test_a_kol_outside_the_msls_territories_is_not_found(live_server, demo_users, open_context):
    foreign = KOL.objects.filter(territory__code="US-W-01").first()
    page = open_context().new_page()
    sign_in(page, live_server.url, "msl", demo_users)

    response = page.goto(f"{live_server.url}/kols/{foreign.pk}/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
