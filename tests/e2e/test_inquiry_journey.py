"""An MSL raises an off-label inquiry that the KOL signs on a phone; Medical Information
answers it from a standard response and records the delivery; the MSL sees it delivered and
finds the follow-up to confirm it with the KOL."""

import pytest
from playwright.sync_api import expect

from inquiries.models import InquiryPolicy, InquiryStatus, MedicalInquiry
from kols.models import KOL
from tests.e2e.pages import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

QUESTION = "Is there any data on use in patients with severe hepatic impairment?"


def draw_signature(page) -> None:
    canvas = page.locator("[data-signature-canvas]")
    canvas.scroll_into_view_if_needed()  # the mouse only reaches what is on screen
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 20, box["y"] + 40 + (step % 3) * 25)
    page.mouse.up()


def test_raise_answer_deliver_and_follow_up(live_server, demo_users, open_context, browser_log):
    InquiryPolicy.objects.update_or_create(pk=1, defaults={"signature_required": True})
    kol = KOL.objects.filter(territory__code="US-NE-01", do_not_contact=False).exclude(
        consent_status="withdrawn"
    )[0]

    msl_page = open_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(msl_page, live_server.url, "msl", demo_users)
    msl_page.goto(f"{live_server.url}/kols/{kol.pk}/")
    msl_page.get_by_role("link", name="Raise an inquiry").click()
    expect(msl_page.locator("#id_kol")).to_have_value(str(kol.pk))
    msl_page.locator("#id_question").fill(QUESTION)
    msl_page.locator("#id_product").select_option(index=1)
    msl_page.locator("#id_off_label").check()
    msl_page.locator("#id_response_channel").select_option("email")
    msl_page.locator("#id_requested_by").fill(kol.display_name)
    msl_page.locator("#id_request_setting").select_option("one_to_one")
    msl_page.locator("#id_unsolicited_attested").check()

    # Without the KOL's signature the admin's rule refuses it, and nothing typed is lost.
    msl_page.get_by_role("button", name="Raise inquiry").click()
    expect(msl_page.get_by_text("The KOL's signature is required")).to_be_visible()
    expect(msl_page.locator("#id_question")).to_have_value(QUESTION)
    draw_signature(msl_page)
    msl_page.get_by_role("button", name="Raise inquiry").click()
    expect(msl_page.get_by_text("raised; Medical Information answers by")).to_be_visible()
    inquiry = MedicalInquiry.objects.get(question=QUESTION)
    assert inquiry.off_label
    assert inquiry.is_signed
    expect(msl_page.get_by_alt_text("The KOL's signature")).to_be_visible()

    mi_page = open_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(mi_page, live_server.url, "medinfo", demo_users)
    mi_page.goto(live_server.url + "/inquiries/?view=unassigned")
    mi_page.get_by_role("link", name=f"#{inquiry.pk}", exact=True).click()
    expect(mi_page.get_by_test_id("question")).to_have_text(QUESTION)
    mi_page.locator("#id_assignee").select_option(label="Priya Raman")
    mi_page.get_by_role("button", name="Assign").click()
    expect(mi_page.get_by_text("Assigned to Priya Raman.")).to_be_visible()
    mi_page.locator("#id_standard_response").select_option(index=1)
    mi_page.get_by_role("button", name="Answer with this response").click()
    expect(mi_page.get_by_text("ready to deliver")).to_be_visible()
    mi_page.locator("#id_delivered_to").fill(f"{kol.display_name}, by e-mail")
    mi_page.get_by_role("button", name="Record delivery").click()
    expect(mi_page.get_by_test_id("delivery")).to_contain_text("Delivered by e-mail")

    msl_page.goto(f"{live_server.url}/inquiries/{inquiry.pk}/")
    expect(msl_page.get_by_text("Delivered", exact=True).first).to_be_visible()
    expect(msl_page.get_by_test_id("response")).to_contain_text("Pre-approved")
    msl_page.goto(live_server.url + "/follow-ups/")
    expect(msl_page.get_by_test_id("follow-ups")).to_contain_text(
        f"answer to inquiry #{inquiry.pk} arrived"
    )
    assert MedicalInquiry.objects.get(pk=inquiry.pk).status == InquiryStatus.DELIVERED
    browser_log.assert_clean()
