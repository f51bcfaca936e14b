"""Answering an inquiry: custom text needs a second Medical Information user, standard
responses only while approved and unexpired, nothing goes out unapproved, and delivery
leaves the raising MSL a follow-up. Only Medical Information works inquiries."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from inquiries import services
from inquiries.models import (
    Delivery,
    InquiryResponse,
    InquiryStatus,
    MedicalInquiry,
    ResponseReview,
)
from inquiries.services import IllegalTransition
from interactions.models import FollowUp, FollowUpStatus
from tests.factories import MedicalInquiryFactory, StandardResponseFactory
from tests.inquiries.workflow import bring_to

pytestmark = pytest.mark.django_db

S = InquiryStatus
THURSDAY_NOON = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def reload(inquiry) -> MedicalInquiry:
    return MedicalInquiry.objects.get(pk=inquiry.pk)


def select_options(html: str, name: str) -> set[int]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, f"no <select name={name!r}> on the page"
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select.group(0))}


@pytest.fixture
def in_review(inquiry, medinfo, medinfo2):
    """In review with a custom response medinfo wrote."""
    return bring_to(inquiry, S.IN_REVIEW, author=medinfo, reviewer=medinfo2)


# --- two-person approval ---------------------------------------------------------------


def test_the_author_cannot_approve_their_own_response(in_review, medinfo):
    pending = in_review.responses.get()

    with pytest.raises(ValidationError) as refused:
        services.response_review(actor=medinfo, response=pending, approve=True)

    assert refused.value.messages == [
        "A second Medical Information colleague must review your response."
    ]
    assert reload(in_review).status == S.IN_REVIEW
    assert InquiryResponse.objects.get(pk=pending.pk).review == ResponseReview.PENDING


def test_the_database_refuses_a_reviewer_who_is_the_author(in_review, medinfo):
    pending = in_review.responses.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        InquiryResponse.objects.filter(pk=pending.pk).update(
            reviewer=medinfo, review=ResponseReview.APPROVED
        )

    assert InquiryResponse.objects.get(pk=pending.pk).reviewer is None


def test_a_second_medical_information_user_approves(in_review, medinfo2):
    pending = in_review.responses.get()

    approved = services.response_review(actor=medinfo2, response=pending, approve=True)

    assert (approved.review, approved.reviewer) == (ResponseReview.APPROVED, medinfo2)
    assert approved.reviewed_at is not None
    assert reload(in_review).status == S.APPROVED


def test_a_response_is_reviewed_only_once(in_review, medinfo2, medinfo):
    pending = in_review.responses.get()
    services.response_review(actor=medinfo2, response=pending, approve=True)

    with pytest.raises(ValidationError, match="already been reviewed"):
        services.response_review(actor=medinfo2, response=pending, approve=False, note="No")


def test_a_rejection_needs_a_note(in_review, medinfo2):
    pending = in_review.responses.get()

    with pytest.raises(ValidationError) as refused:
        services.response_review(actor=medinfo2, response=pending, approve=False, note="  ")

    assert refused.value.message_dict == {"review_note": ["Say what needs to change."]}
    assert reload(in_review).status == S.IN_REVIEW


def test_the_author_is_not_offered_the_review_form(client, in_review, medinfo):
    client.force_login(medinfo)

    page = client.get(f"/inquiries/{in_review.pk}/").content.decode()

    assert f'action="/inquiries/{in_review.pk}/review/"' not in page


def test_the_author_is_told_the_response_awaits_a_colleague(client, in_review, medinfo):
    # The template has this hint for exactly this reader; it sits inside the "Next step"
    # card, which is only drawn when some form is offered, and the author has none.
    client.force_login(medinfo)

    page = client.get(f"/inquiries/{in_review.pk}/").content.decode()

    assert "Your response awaits a second Medical Information colleague." in page


def test_the_second_reviewer_approves_on_the_page(client, in_review, medinfo2):
    client.force_login(medinfo2)
    page = client.get(f"/inquiries/{in_review.pk}/").content.decode()
    assert f'action="/inquiries/{in_review.pk}/review/"' in page

    response = client.post(
        f"/inquiries/{in_review.pk}/review/", {"decision": "approve"}, follow=True
    )

    assert "Approved; ready to deliver." in response.content.decode()
    assert reload(in_review).status == S.APPROVED


def test_sending_back_without_a_note_on_the_page_is_refused(client, in_review, medinfo2):
    client.force_login(medinfo2)

    response = client.post(f"/inquiries/{in_review.pk}/review/", {"decision": "reject"})

    assert response.status_code == 400
    assert "Say what needs to change." in response.content.decode()
    assert reload(in_review).status == S.IN_REVIEW


def test_the_author_posting_a_review_is_refused(client, in_review, medinfo):
    client.force_login(medinfo)

    response = client.post(f"/inquiries/{in_review.pk}/review/", {"decision": "approve"})

    assert response.status_code == 400
    assert reload(in_review).status == S.IN_REVIEW


def test_a_custom_response_needs_text(inquiry, medinfo, medinfo2):
    inquiry = bring_to(inquiry, S.ASSIGNED, author=medinfo, reviewer=medinfo2)

    with pytest.raises(ValidationError) as refused:
        services.response_custom(actor=medinfo, inquiry=inquiry, text="   ")

    assert "custom_text" in refused.value.message_dict
    assert not inquiry.responses.exists()


# --- standard responses ----------------------------------------------------------------


def test_an_expired_standard_response_is_refused(inquiry, medinfo, medinfo2):
    inquiry = bring_to(inquiry, S.ASSIGNED, author=medinfo, reviewer=medinfo2)
    today = timezone.localdate()
    expired = StandardResponseFactory(
        approved_on=today - dt.timedelta(days=400), expires_on=today - dt.timedelta(days=1)
    )

    with pytest.raises(ValidationError) as refused:
        services.response_from_standard(actor=medinfo, inquiry=inquiry, standard_response=expired)

    (message,) = refused.value.message_dict["standard_response"]
    assert f"expired on {expired.expires_on:%Y-%m-%d}" in message
    assert reload(inquiry).status == S.ASSIGNED
    assert not inquiry.responses.exists()


def test_a_standard_response_expiring_today_can_no_longer_be_used(inquiry, medinfo, medinfo2):
    inquiry = bring_to(inquiry, S.ASSIGNED, author=medinfo, reviewer=medinfo2)
    today = timezone.localdate()
    last_day = StandardResponseFactory(approved_on=today - dt.timedelta(days=30), expires_on=today)

    with pytest.raises(ValidationError):
        services.response_from_standard(actor=medinfo, inquiry=inquiry, standard_response=last_day)


def test_the_page_offers_only_usable_standard_responses(client, inquiry, medinfo, medinfo2):
    inquiry = bring_to(inquiry, S.ASSIGNED, author=medinfo, reviewer=medinfo2)
    today = timezone.localdate()
    usable = StandardResponseFactory()
    expired = StandardResponseFactory(
        approved_on=today - dt.timedelta(days=400), expires_on=today - dt.timedelta(days=1)
    )
    not_yet = StandardResponseFactory(
        approved_on=today + dt.timedelta(days=1), expires_on=today + dt.timedelta(days=300)
    )
    client.force_login(medinfo)

    page = client.get(f"/inquiries/{inquiry.pk}/").content.decode()

    offered = select_options(page, "standard_response")
    assert usable.pk in offered
    assert expired.pk not in offered
    assert not_yet.pk not in offered


def test_posting_an_expired_standard_response_is_refused_on_the_page(
    client, inquiry, medinfo, medinfo2
):
    inquiry = bring_to(inquiry, S.ASSIGNED, author=medinfo, reviewer=medinfo2)
    today = timezone.localdate()
    expired = StandardResponseFactory(
        approved_on=today - dt.timedelta(days=400), expires_on=today - dt.timedelta(days=1)
    )
    client.force_login(medinfo)

    response = client.post(f"/inquiries/{inquiry.pk}/standard/", {"standard_response": expired.pk})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert reload(inquiry).status == S.ASSIGNED


# --- delivery --------------------------------------------------------------------------


def test_an_inquiry_in_review_cannot_be_delivered(in_review, medinfo):
    with pytest.raises(IllegalTransition):
        services.inquiry_deliver(
            actor=medinfo,
            inquiry=in_review,
            channel="email",
            delivered_on=timezone.localdate(),
            delivered_to="Dr Alvarez",
        )

    assert reload(in_review).status == S.IN_REVIEW
    assert not Delivery.objects.exists()
    assert not FollowUp.objects.exists()


def test_nothing_leaves_without_an_approved_response(inquiry, medinfo):
    # An approved status without an approved response (a hand-edited row) still may not go.
    MedicalInquiry.objects.filter(pk=inquiry.pk).update(status=S.APPROVED, assignee=medinfo)
    inquiry = reload(inquiry)

    with pytest.raises(ValidationError, match=r"Nothing leaves without an approved response\."):
        services.inquiry_deliver(
            actor=medinfo,
            inquiry=inquiry,
            channel="email",
            delivered_on=timezone.localdate(),
            delivered_to="Dr Alvarez",
        )

    assert reload(inquiry).status == S.APPROVED
    assert not Delivery.objects.exists()


def test_a_delivery_cannot_be_recorded_ahead_of_time(inquiry, medinfo, medinfo2):
    inquiry = bring_to(inquiry, S.APPROVED, author=medinfo, reviewer=medinfo2)

    with pytest.raises(ValidationError) as refused:
        services.inquiry_deliver(
            actor=medinfo,
            inquiry=inquiry,
            channel="email",
            delivered_on=timezone.localdate() + dt.timedelta(days=1),
            delivered_to="Dr Alvarez",
        )

    assert "delivered_on" in refused.value.message_dict
    assert reload(inquiry).status == S.APPROVED


def test_delivery_asks_the_raising_msl_to_confirm_two_business_days_later(
    msl, kol, medinfo, medinfo2
):
    with time_machine.travel(THURSDAY_NOON, tick=False):
        inquiry = MedicalInquiryFactory(raised_by=msl, kol=kol)
        inquiry = bring_to(inquiry, S.DELIVERED, author=medinfo, reviewer=medinfo2)

    follow_up = FollowUp.objects.get()
    assert follow_up.owner == msl
    assert follow_up.inquiry == inquiry
    assert follow_up.kol == kol
    assert follow_up.status == FollowUpStatus.OPEN
    assert follow_up.due_date == dt.date(2026, 11, 30), "Thursday + 2 business days = Monday"
    assert follow_up.description == (
        f"Confirm with {kol.display_name} that the answer to inquiry #{inquiry.pk} arrived"
    )


def test_the_msl_sees_the_delivery_follow_up(client, inquiry, msl, medinfo, medinfo2):
    inquiry = bring_to(inquiry, S.DELIVERED, author=medinfo, reviewer=medinfo2)
    client.force_login(msl)

    follow_ups = client.get("/follow-ups/").content.decode()
    detail = client.get(f"/inquiries/{inquiry.pk}/").content.decode()

    assert f"that the answer to inquiry #{inquiry.pk} arrived" in follow_ups
    assert f'href="/inquiries/{inquiry.pk}/"' in follow_ups
    assert "Your follow-ups" in detail
    assert f"that the answer to inquiry #{inquiry.pk} arrived" in detail


def test_delivering_on_the_page_shows_the_delivery(client, inquiry, medinfo, medinfo2):
    inquiry = bring_to(inquiry, S.APPROVED, author=medinfo, reviewer=medinfo2)
    client.force_login(medinfo)

    response = client.post(
        f"/inquiries/{inquiry.pk}/deliver/",
        {
            "channel": "letter",
            "delivered_on": timezone.localdate().isoformat(),
            "delivered_to": "Dr Alvarez",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "Delivery recorded; the MSL has a follow-up" in page
    assert "Delivered by letter to Dr Alvarez" in page
    assert reload(inquiry).status == S.DELIVERED


# --- only Medical Information works inquiries ------------------------------------------


@pytest.fixture
def assigned(inquiry, medinfo, medinfo2):
    return bring_to(inquiry, S.ASSIGNED, author=medinfo, reviewer=medinfo2)


SERVICE_STEPS = {
    "assign": lambda actor, inquiry, people: services.inquiry_assign(
        actor=actor, inquiry=inquiry, assignee=people["medinfo"]
    ),
    "use_standard": lambda actor, inquiry, people: services.response_from_standard(
        actor=actor, inquiry=inquiry, standard_response=StandardResponseFactory()
    ),
    "draft_custom": lambda actor, inquiry, people: services.response_custom(
        actor=actor, inquiry=inquiry, text="My own answer"
    ),
    "deliver": lambda actor, inquiry, people: services.inquiry_deliver(
        actor=actor,
        inquiry=inquiry,
        channel="email",
        delivered_on=timezone.localdate(),
        delivered_to="Dr Alvarez",
    ),
    "close": lambda actor, inquiry, people: services.inquiry_close(actor=actor, inquiry=inquiry),
}


@pytest.mark.parametrize("persona", ["msl", "manager", "compliance_user"])
@pytest.mark.parametrize("step", list(SERVICE_STEPS))
def test_only_medical_information_works_an_inquiry(
    request, assigned, medinfo, organisation, persona, step
):
    actor = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        SERVICE_STEPS[step](actor, assigned, {"medinfo": medinfo})

    assert reload(assigned).status == S.ASSIGNED


def test_only_medical_information_reviews(in_review, msl):
    with pytest.raises(PermissionDenied):
        services.response_review(actor=msl, response=in_review.responses.get(), approve=True)


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("assign", S.OPEN),
        ("standard", S.ASSIGNED),
        ("custom", S.ASSIGNED),
        ("review", S.IN_REVIEW),
        ("deliver", S.APPROVED),
        ("close", S.DELIVERED),
    ],
)
@pytest.mark.parametrize("persona", ["msl", "manager", "compliance_user"])
def test_over_http_a_non_medical_information_user_gets_403(
    client, request, inquiry, medinfo, medinfo2, organisation, persona, action, status
):
    inquiry = bring_to(inquiry, status, author=medinfo, reviewer=medinfo2)
    data = {
        "assign": {"assignee": medinfo.pk},
        "standard": {"standard_response": StandardResponseFactory().pk},
        "custom": {"custom_text": "My own answer"},
        "review": {"decision": "approve"},
        "deliver": {
            "channel": "email",
            "delivered_on": timezone.localdate().isoformat(),
            "delivered_to": "Dr Alvarez",
        },
        "close": {},
    }[action]
    client.force_login(request.getfixturevalue(persona))

    response = client.post(f"/inquiries/{inquiry.pk}/{action}/", data)

    assert response.status_code == 403
    assert reload(inquiry).status == status


def test_the_raising_msl_is_offered_no_medical_information_step(client, inquiry, msl):
    client.force_login(msl)

    page = client.get(f"/inquiries/{inquiry.pk}/").content.decode()

    for action in ("assign", "standard", "custom", "deliver", "close"):
        assert f'action="/inquiries/{inquiry.pk}/{action}/"' not in page
    assert f'action="/inquiries/{inquiry.pk}/cancel/"' in page
