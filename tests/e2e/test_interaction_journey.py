"""An MSL plans a meeting, logs it with two KOLs, adds two insights inline, plans a
follow-up, submits, and finds it on the KOL's briefing."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interactions.models import Insight, Interaction, InteractionStatus
from kols.models import KOL
from tests.e2e.pages import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_plan_log_capture_insights_follow_up_submit(
    live_server, demo_users, open_context, browser_log
):
    first, second = KOL.objects.filter(territory__code="US-NE-01", do_not_contact=False).exclude(
        consent_status="withdrawn"
    )[:2]
    page = open_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, live_server.url, "msl", demo_users)

    # Plan it for tomorrow.
    page.goto(live_server.url + "/interactions/new/")
    # Search as you type narrows the list; what was chosen stays chosen.
    page.locator("#kol-filter").fill(first.last_name)
    expect(page.locator(f'#id_kols option[value="{first.pk}"]')).to_be_visible()
    expect(page.locator(f'#id_kols option[value="{second.pk}"]')).to_be_hidden()
    page.locator("#id_kols").select_option([str(first.pk)])
    page.locator("#kol-filter").fill(second.last_name)
    page.locator("#id_kols").select_option([str(first.pk), str(second.pk)])
    expect(page.locator("#kols-chosen")).to_contain_text(first.display_name)
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    page.locator("#id_planned_at").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("status")).to_have_text("Planned")
    interaction = Interaction.objects.get(
        owner__username="msl", status=InteractionStatus.PLANNED, kols=first
    )

    # The meeting took place: log it.
    page.get_by_role("link", name="Edit").click()
    page.locator("#id_channel").select_option("in_person")
    earlier = timezone.localtime() - dt.timedelta(hours=1)
    page.locator("#id_occurred_at").fill(earlier.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_notes").fill("Discussed sequencing after progression.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("status")).to_have_text("Draft")

    for text, kol in (("Few options after relapse.", first), ("Wants real-world data.", second)):
        page.locator("#id_kol").select_option(str(kol.pk))
        page.locator("#id_topic").select_option(index=1)
        page.locator("#id_category").select_option("unmet_need")
        page.locator("#id_sentiment").select_option("negative")
        page.locator("#id_text").fill(text)
        page.get_by_role("button", name="Add insight").click()
        expect(page.get_by_test_id("insights")).to_contain_text(text)
    assert Insight.objects.filter(interaction=interaction).count() == 2

    page.locator("#id_kind").select_option("send_material")
    page.locator("#id_description").fill("Send the pivotal trial summary")
    page.locator("#id_due_date").fill((timezone.localdate() + dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Add follow-up").click()
    expect(page.locator(".messages")).to_contain_text("Follow-up added.")

    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_test_id("status")).to_have_text("Submitted")

    page.goto(f"{live_server.url}/kols/{first.pk}/")
    expect(page.locator("#section-interactions").locator("..")).to_contain_text("Submitted")
    expect(page.locator("main")).to_contain_text("Send the pivotal trial summary")
    browser_log.assert_clean()
