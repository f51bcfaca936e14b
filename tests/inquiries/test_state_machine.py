"""The inquiry state machine: open → assigned → (in review →) approved → delivered → closed,
open or assigned → cancelled. Every legal step is recorded (event and audit entry); every
illegal one is refused with a readable message and leaves the inquiry as it was, in the
service and over HTTP."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from compliance.models import AuditEntry
from inquiries import services
from inquiries.models import (
    InquiryResponse,
    InquiryStatus,
    MedicalInquiry,
    ResponseReview,
)
from inquiries.services import IllegalTransition
from tests.factories import StandardResponseFactory
from tests.inquiries.workflow import PNG_BYTES, PNG_DATA_URL, bring_to, raise_inquiry

pytestmark = pytest.mark.django_db

S = InquiryStatus


def audit_entries(inquiry):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get(app_label="inquiries", model="medicalinquiry"),
        object_id=str(inquiry.pk),
    )


def reload(inquiry) -> MedicalInquiry:
    return MedicalInquiry.objects.get(pk=inquiry.pk)


# --- the legal steps -------------------------------------------------------------------


def _assign(inquiry, people):
    services.inquiry_assign(actor=people["medinfo"], inquiry=inquiry, assignee=people["medinfo"])


def _reassign(inquiry, people):
    services.inquiry_assign(actor=people["medinfo"], inquiry=inquiry, assignee=people["medinfo2"])


def _use_standard(inquiry, people):
    services.response_from_standard(
        actor=people["medinfo"], inquiry=inquiry, standard_response=StandardResponseFactory()
    )


def _draft_custom(inquiry, people):
    services.response_custom(actor=people["medinfo"], inquiry=inquiry, text="Our answer.")


def _approve(inquiry, people):
    pending = inquiry.responses.get(review=ResponseReview.PENDING)
    services.response_review(actor=people["medinfo2"], response=pending, approve=True)


def _reject(inquiry, people):
    pending = inquiry.responses.get(review=ResponseReview.PENDING)
    services.response_review(
        actor=people["medinfo2"], response=pending, approve=False, note="Cite the label."
    )


def _deliver(inquiry, people):
    services.inquiry_deliver(
        actor=people["medinfo"],
        inquiry=inquiry,
        channel="email",
        delivered_on=timezone.localdate(),
        delivered_to="Dr Alvarez",
    )


def _close(inquiry, people):
    services.inquiry_close(actor=people["medinfo"], inquiry=inquiry)


def _cancel(inquiry, people):
    services.inquiry_cancel(actor=people["medinfo"], inquiry=inquiry, reason="Asked twice")


# (step, starting status, status it leads to, the user who takes it)
LEGAL = [
    (_assign, S.OPEN, S.ASSIGNED, "medinfo"),
    (_reassign, S.ASSIGNED, S.ASSIGNED, "medinfo"),
    (_use_standard, S.ASSIGNED, S.APPROVED, "medinfo"),
    (_draft_custom, S.ASSIGNED, S.IN_REVIEW, "medinfo"),
    (_approve, S.IN_REVIEW, S.APPROVED, "medinfo2"),
    (_reject, S.IN_REVIEW, S.ASSIGNED, "medinfo2"),
    (_deliver, S.APPROVED, S.DELIVERED, "medinfo"),
    (_close, S.DELIVERED, S.CLOSED, "medinfo"),
    (_cancel, S.OPEN, S.CANCELLED, "medinfo"),
    (_cancel, S.ASSIGNED, S.CANCELLED, "medinfo"),
]


@pytest.fixture
def people(medinfo, medinfo2):
    return {"medinfo": medinfo, "medinfo2": medinfo2}


@pytest.mark.parametrize(
    ("step", "start", "target", "actor"),
    LEGAL,
    ids=[f"{step.__name__[1:]}-from-{start}" for step, start, _, _ in LEGAL],
)
def test_a_legal_step_moves_the_inquiry_and_records_who_did_it(
    inquiry, people, step, start, target, actor
):
    inquiry = bring_to(inquiry, start, author=people["medinfo"], reviewer=people["medinfo2"])
    events_before = inquiry.events.count()
    audited_before = audit_entries(inquiry).count()

    step(inquiry, people)

    assert reload(inquiry).status == target
    assert inquiry.events.count() == events_before + 1
    event = inquiry.events.last()
    assert (event.actor, event.from_status, event.to_status) == (people[actor], start, target)
    assert audit_entries(inquiry).count() == audited_before + 1
    entry = audit_entries(inquiry).first()  # newest first
    assert entry.actor_user_id == people[actor].pk
    assert entry.action == "update"


def test_assigning_an_open_inquiry_names_the_assignee(inquiry, medinfo):
    services.inquiry_assign(actor=medinfo, inquiry=inquiry, assignee=medinfo)

    inquiry = reload(inquiry)
    assert inquiry.assignee == medinfo
    assert inquiry.events.last().note == f"To {medinfo}"
    assert audit_entries(inquiry).first().changes["status"] == {
        "before": "open",
        "after": "assigned",
    }


def test_reassigning_hands_the_inquiry_to_a_colleague(inquiry, medinfo, medinfo2):
    services.inquiry_assign(actor=medinfo, inquiry=inquiry, assignee=medinfo)

    services.inquiry_assign(actor=medinfo, inquiry=inquiry, assignee=medinfo2)

    inquiry = reload(inquiry)
    assert (inquiry.status, inquiry.assignee) == (S.ASSIGNED, medinfo2)
    assert list(inquiry.events.values_list("from_status", "to_status")) == [
        ("open", "assigned"),
        ("assigned", "assigned"),
    ]
    assert audit_entries(inquiry).first().changes["assignee"]["after"] == medinfo2.pk


def test_an_inquiry_cannot_be_assigned_outside_medical_information(inquiry, medinfo, msl2):
    with pytest.raises(ValidationError) as refused:
        services.inquiry_assign(actor=medinfo, inquiry=inquiry, assignee=msl2)

    assert "assigned to Medical Information" in str(refused.value.message_dict["assignee"])
    assert reload(inquiry).status == S.OPEN


def test_a_standard_response_approves_the_answer_at_once(inquiry, medinfo, medinfo2):
    inquiry = bring_to(inquiry, S.ASSIGNED, author=medinfo, reviewer=medinfo2)
    standard = StandardResponseFactory(title="Renal dosing")

    response = services.response_from_standard(
        actor=medinfo, inquiry=inquiry, standard_response=standard
    )

    assert (response.review, response.standard_response, response.author) == (
        ResponseReview.APPROVED,
        standard,
        medinfo,
    )
    assert reload(inquiry).status == S.APPROVED
    assert inquiry.events.last().note == str(standard)


def test_a_custom_response_waits_for_review(inquiry, medinfo, medinfo2):
    inquiry = bring_to(inquiry, S.ASSIGNED, author=medinfo, reviewer=medinfo2)

    response = services.response_custom(actor=medinfo, inquiry=inquiry, text="  Our answer.  ")

    assert (response.review, response.custom_text) == (ResponseReview.PENDING, "Our answer.")
    assert reload(inquiry).status == S.IN_REVIEW


def test_a_rejected_response_goes_back_to_the_assignee_with_the_note(inquiry, medinfo, medinfo2):
    inquiry = bring_to(inquiry, S.IN_REVIEW, author=medinfo, reviewer=medinfo2)

    _reject(inquiry, {"medinfo2": medinfo2})

    inquiry = reload(inquiry)
    assert inquiry.status == S.ASSIGNED
    assert inquiry.assignee == medinfo, "the author keeps the inquiry to redraft"
    assert inquiry.events.last().note == "Cite the label."
    rejected = inquiry.responses.get()
    assert (rejected.review, rejected.reviewer, rejected.review_note) == (
        ResponseReview.REJECTED,
        medinfo2,
        "Cite the label.",
    )


def test_delivering_records_when_and_how(inquiry, medinfo, medinfo2):
    inquiry = bring_to(inquiry, S.APPROVED, author=medinfo, reviewer=medinfo2)

    delivery = services.inquiry_deliver(
        actor=medinfo,
        inquiry=inquiry,
        channel="letter",
        delivered_on=timezone.localdate(),
        delivered_to="Dr Alvarez, Boston",
    )

    inquiry = reload(inquiry)
    assert inquiry.status == S.DELIVERED
    assert inquiry.delivered_at is not None
    assert delivery.response == inquiry.responses.get(review=ResponseReview.APPROVED)
    assert (delivery.channel, delivery.delivered_to, delivery.recorded_by) == (
        "letter",
        "Dr Alvarez, Boston",
        medinfo,
    )
    assert inquiry.events.last().note == "By letter to Dr Alvarez, Boston"


def test_closing_stamps_the_time(inquiry, medinfo, medinfo2):
    inquiry = bring_to(inquiry, S.DELIVERED, author=medinfo, reviewer=medinfo2)

    services.inquiry_close(actor=medinfo, inquiry=inquiry)

    inquiry = reload(inquiry)
    assert inquiry.status == S.CLOSED
    assert inquiry.closed_at is not None


def test_the_raising_msl_cancels_an_open_inquiry_with_a_reason(inquiry, msl):
    services.inquiry_cancel(actor=msl, inquiry=inquiry, reason="The KOL found the answer")

    inquiry = reload(inquiry)
    assert inquiry.status == S.CANCELLED
    assert inquiry.closed_at is not None
    event = inquiry.events.last()
    assert (event.actor, event.note) == (msl, "The KOL found the answer")


def test_a_cancellation_needs_a_reason(inquiry, msl):
    with pytest.raises(ValidationError) as refused:
        services.inquiry_cancel(actor=msl, inquiry=inquiry, reason="  ")

    assert "reason" in refused.value.message_dict
    assert reload(inquiry).status == S.OPEN


def test_raising_records_the_open_event_and_a_creation_audit(msl, kol):
    inquiry = raise_inquiry(msl, kol)

    event = inquiry.events.get()
    assert (event.actor, event.from_status, event.to_status) == (msl, "", S.OPEN)
    assert audit_entries(inquiry).get().action == "create"


def test_the_full_path_leaves_one_event_per_step(msl, kol, medinfo, medinfo2):
    inquiry = bring_to(raise_inquiry(msl, kol), S.CLOSED, author=medinfo, reviewer=medinfo2)

    assert list(inquiry.events.values_list("from_status", "to_status")) == [
        ("", "open"),
        ("open", "assigned"),
        ("assigned", "in_review"),
        ("in_review", "approved"),
        ("approved", "delivered"),
        ("delivered", "closed"),
    ]


# --- the illegal steps -----------------------------------------------------------------


def _approve_orphan(inquiry, people):
    # A pending response on an inquiry that is not in review (left behind by a data fix):
    # approving it must still respect the state machine.
    pending = InquiryResponse.objects.create(
        inquiry=inquiry, custom_text="Stray draft", author=people["medinfo"], review="pending"
    )
    services.response_review(actor=people["medinfo2"], response=pending, approve=True)


def _cancel_by_raiser(inquiry, people):
    services.inquiry_cancel(actor=inquiry.raised_by, inquiry=inquiry, reason="Not needed")


# (step, status the inquiry is in, the message)
ILLEGAL = [
    (_deliver, S.OPEN, "An inquiry that is open cannot be marked delivered."),
    (_deliver, S.IN_REVIEW, "An inquiry that is response in review cannot be marked delivered."),
    (_deliver, S.DELIVERED, "An inquiry that is delivered cannot be marked delivered."),
    (_close, S.ASSIGNED, "An inquiry that is assigned cannot be closed."),
    (_close, S.OPEN, "An inquiry that is open cannot be closed."),
    (_cancel, S.DELIVERED, "An inquiry that is delivered cannot be cancelled."),
    (_cancel, S.IN_REVIEW, "An inquiry that is response in review cannot be cancelled."),
    (_cancel, S.APPROVED, "An inquiry that is response approved cannot be cancelled."),
    (_cancel_by_raiser, S.CLOSED, "An inquiry that is closed cannot be cancelled."),
    (_approve_orphan, S.ASSIGNED, "An inquiry that is assigned cannot be approved."),
    (_assign, S.CLOSED, "An inquiry that is closed cannot be assigned."),
    (_assign, S.CANCELLED, "An inquiry that is cancelled cannot be assigned."),
    (_assign, S.IN_REVIEW, "An inquiry that is response in review cannot be assigned."),
    (
        _use_standard,
        S.OPEN,
        "An inquiry that is open cannot be answered with a standard response.",
    ),
    (
        _draft_custom,
        S.APPROVED,
        "An inquiry that is response approved cannot be given a custom response.",
    ),
]


@pytest.mark.parametrize(
    ("step", "status", "message"),
    ILLEGAL,
    ids=[f"{step.__name__[1:]}-when-{status}" for step, status, _ in ILLEGAL],
)
def test_an_illegal_step_is_refused_and_changes_nothing(inquiry, people, step, status, message):
    inquiry = bring_to(inquiry, status, author=people["medinfo"], reviewer=people["medinfo2"])
    events_before = inquiry.events.count()
    audited_before = audit_entries(inquiry).count()

    with pytest.raises(IllegalTransition) as refused:
        step(inquiry, people)

    assert refused.value.messages == [message]
    assert reload(inquiry).status == status
    assert inquiry.events.count() == events_before
    assert audit_entries(inquiry).count() == audited_before


# --- over HTTP -------------------------------------------------------------------------


def _http_data(action, people):
    today = timezone.localdate().isoformat()
    return {
        "assign": {"assignee": people["medinfo"].pk},
        "standard": {"standard_response": StandardResponseFactory().pk},
        "custom": {"custom_text": "Our answer."},
        "review": {"decision": "approve"},
        "deliver": {"channel": "email", "delivered_on": today, "delivered_to": "Dr Alvarez"},
        "close": {},
        "cancel": {"reason": "Asked twice"},
    }[action]


# (action posted, status the inquiry is in, what the page must say)
ILLEGAL_OVER_HTTP = [
    ("deliver", S.OPEN, "An inquiry that is open cannot be marked delivered."),
    ("close", S.ASSIGNED, "An inquiry that is assigned cannot be closed."),
    ("cancel", S.DELIVERED, "An inquiry that is delivered cannot be cancelled."),
    ("assign", S.CLOSED, "An inquiry that is closed cannot be assigned."),
    ("standard", S.OPEN, "An inquiry that is open cannot be answered with a standard response."),
    ("custom", S.APPROVED, "An inquiry that is response approved cannot be given a custom"),
    ("review", S.ASSIGNED, "There is no response waiting for review."),
]
HTTP_IDS = [f"{action}-when-{status}" for action, status, _ in ILLEGAL_OVER_HTTP]


@pytest.mark.parametrize(("action", "status", "message"), ILLEGAL_OVER_HTTP, ids=HTTP_IDS)
def test_an_illegal_step_over_http_is_a_400_not_a_500(
    client, inquiry, people, action, status, message
):
    inquiry = bring_to(inquiry, status, author=people["medinfo"], reviewer=people["medinfo2"])
    client.force_login(people["medinfo"])

    response = client.post(f"/inquiries/{inquiry.pk}/{action}/", _http_data(action, people))

    assert response.status_code == 400
    assert f"Inquiry #{inquiry.pk}" in response.content.decode(), "the inquiry page, re-rendered"
    assert reload(inquiry).status == status


@pytest.mark.parametrize(("action", "status", "message"), ILLEGAL_OVER_HTTP, ids=HTTP_IDS)
def test_an_illegal_step_over_http_says_why_on_the_page(
    client, inquiry, people, action, status, message
):
    # The refused form is only re-rendered when its step is offered in the current state,
    # which an illegal step by definition is not: the reason must still reach the user.
    inquiry = bring_to(inquiry, status, author=people["medinfo"], reviewer=people["medinfo2"])
    client.force_login(people["medinfo"])

    response = client.post(f"/inquiries/{inquiry.pk}/{action}/", _http_data(action, people))

    assert response.status_code == 400
    assert message in response.content.decode()


def test_signing_an_already_signed_inquiry_over_http_is_a_400(client, msl, inquiry):
    signed_at = timezone.now() - timezone.timedelta(hours=1)
    MedicalInquiry.objects.filter(pk=inquiry.pk).update(
        signature_png=PNG_BYTES, signed_at=signed_at
    )
    client.force_login(msl)

    response = client.post(f"/inquiries/{inquiry.pk}/sign/", {"signature": PNG_DATA_URL})

    assert response.status_code == 400
    assert reload(inquiry).signed_at == signed_at


def test_a_legal_step_over_http_redirects_to_the_inquiry(client, inquiry, medinfo):
    client.force_login(medinfo)

    response = client.post(
        f"/inquiries/{inquiry.pk}/assign/", {"assignee": medinfo.pk}, follow=True
    )

    assert response.redirect_chain[-1][0] == f"/inquiries/{inquiry.pk}/"
    assert f"Assigned to {medinfo}." in response.content.decode()
    assert reload(inquiry).status == S.ASSIGNED


def test_an_unknown_action_is_a_404(client, inquiry, medinfo):
    client.force_login(medinfo)

    assert client.post(f"/inquiries/{inquiry.pk}/teleport/").status_code == 404
    assert reload(inquiry).status == S.OPEN


def test_actions_answer_only_to_post(client, inquiry, medinfo):
    client.force_login(medinfo)

    assert client.get(f"/inquiries/{inquiry.pk}/close/").status_code == 405


def test_a_signed_inquiry_moves_like_any_other(msl, kol, medinfo, medinfo2):
    # The signature is binary: the audit trail must record the record around it all the same.
    inquiry = raise_inquiry(msl, kol, signature_png=PNG_BYTES)

    inquiry = bring_to(inquiry, S.CLOSED, author=medinfo, reviewer=medinfo2)

    assert inquiry.status == S.CLOSED
    assert audit_entries(inquiry).count() == 6


def test_signing_is_audited_by_the_images_digest(client, msl, inquiry):
    client.force_login(msl)

    response = client.post(f"/inquiries/{inquiry.pk}/sign/", {"signature": PNG_DATA_URL})

    assert response.status_code == 302
    inquiry = reload(inquiry)
    assert bytes(inquiry.signature_png) == PNG_BYTES
    entry = audit_entries(inquiry).first()
    assert entry.reason == "Signed by the KOL"
    assert entry.changes["signature_png"]["before"] is None
    assert entry.changes["signature_png"]["after"].startswith("sha256:")


def test_only_the_raiser_signs(client, medinfo, inquiry):
    client.force_login(medinfo)

    response = client.post(f"/inquiries/{inquiry.pk}/sign/", {"signature": PNG_DATA_URL})

    assert response.status_code == 403
    assert not reload(inquiry).is_signed


def test_the_kol_cannot_sign_once_medical_information_has_picked_it_up(
    client, msl, medinfo, inquiry
):
    # The page offers signing only while the inquiry is open: the signature attests the
    # request as it was made, not after Medical Information has started answering it.
    services.inquiry_assign(actor=medinfo, inquiry=inquiry, assignee=medinfo)
    client.force_login(msl)

    response = client.post(f"/inquiries/{inquiry.pk}/sign/", {"signature": PNG_DATA_URL})

    assert response.status_code == 400
    assert not reload(inquiry).is_signed
