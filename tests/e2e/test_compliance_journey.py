"""An MSL's note hits a blocked term while typing, the save shows the suggestion, the MSL
fixes the wording and submits; the compliance user finds the violation on /compliance/."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compliance.models import RestrictedTerm, Violation
from interactions.models import Interaction, InteractionStatus
from kols.models import KOL
from tests.e2e.pages import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_blocked_wording_is_fixed_before_submitting(
    live_server, demo_users, open_context, browser_log
):
    RestrictedTerm.objects.filter(pattern="cure").update(is_active=True)
    kol = KOL.objects.filter(territory__code="US-NE-01", do_not_contact=False).exclude(
        consent_status="withdrawn"
    )[0]
    page = open_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, live_server.url, "msl", demo_users)

    page.goto(live_server.url + "/interactions/new/")
    page.locator("#kol-filter").fill(kol.last_name)
    page.locator("#id_kols").select_option([str(kol.pk)])
    page.locator("#id_channel").select_option("in_person")
    earlier = timezone.localtime() - dt.timedelta(hours=1)
    page.locator("#id_occurred_at").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    # Typed, not filled: the live check listens to typing.
    page.locator("#id_notes").press_sequentially("The KOL believes it may cure most patients.")
    live = page.get_by_test_id("live-check")
    expect(live).to_contain_text("Not allowed")
    expect(live.locator("mark")).to_have_text("cure")

    page.get_by_role("button", name="Save").click()
    error = page.locator(".invalid-feedback", has_text="Suggested wording")
    expect(error).to_contain_text("durable response in the studied population")
    expect(error.locator("mark")).to_have_text("cure")
    assert not Interaction.objects.filter(owner__username="msl", kols=kol).exists()

    page.locator("#id_notes").fill(
        "The KOL believes it may give a durable response in the studied population."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("status")).to_have_text("Draft")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    assert Interaction.objects.get(owner__username="msl", kols=kol).status == (
        InteractionStatus.SUBMITTED
    )
    violation = Violation.objects.filter(user__username="msl", matched_text="cure").latest("pk")
    assert violation.outcome == "blocked"

    compliance = open_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(compliance, live_server.url, "compliance", demo_users)
    compliance.goto(live_server.url + "/compliance/?outcome=blocked")
    first_row = compliance.get_by_test_id("violations").locator("tbody tr").first
    expect(first_row).to_contain_text("Sarah Chen")
    expect(first_row).to_contain_text("cure")
    expect(first_row).to_contain_text("Blocked")
    browser_log.assert_clean()
