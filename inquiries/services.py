"""Writes of medical inquiries: the state machine, two-person approval, delivery and the
escalation of overdue inquiries.

open → assigned → (in review →) approved → delivered → closed; open or assigned → cancelled.
Every transition goes through `_move`, which refuses an illegal one with a message, records
who moved it and when, and writes the audit trail.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from compliance.audit_chain import stored_snapshot
from compliance.engine import records_refusals, screen, violations_record
from compliance.models import CheckedText, ViolationOutcome
from compliance.services import audit_changed, audit_created
from interactions.models import FollowUpKind
from interactions.services import follow_up_create

from .deadlines import add_business_days, add_months
from .models import (
    Delivery,
    DocumentedInterest,
    Escalation,
    InquiryEvent,
    InquiryPolicy,
    InquiryResponse,
    InquiryStatus,
    MedicalInquiry,
    ResponseReview,
    ServiceLevel,
    StandardResponse,
    Urgency,
)

logger = logging.getLogger(__name__)
S = InquiryStatus
# action: (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "assign": (frozenset({S.OPEN, S.ASSIGNED}), S.ASSIGNED),
    "draft_custom": (frozenset({S.ASSIGNED}), S.IN_REVIEW),
    "use_standard": (frozenset({S.ASSIGNED}), S.APPROVED),
    "approve": (frozenset({S.IN_REVIEW}), S.APPROVED),
    "reject": (frozenset({S.IN_REVIEW}), S.ASSIGNED),
    "deliver": (frozenset({S.APPROVED}), S.DELIVERED),
    "close": (frozenset({S.DELIVERED}), S.CLOSED),
    "cancel": (frozenset({S.OPEN, S.ASSIGNED}), S.CANCELLED),
}
ACTION_LABELS = {
    "assign": "assigned",
    "draft_custom": "given a custom response",
    "use_standard": "answered with a standard response",
    "approve": "approved",
    "reject": "sent back",
    "deliver": "marked delivered",
    "close": "closed",
    "cancel": "cancelled",
}
DEFAULT_SERVICE_LEVELS = {Urgency.STANDARD: 5, Urgency.URGENT: 1}
# Fields the KOL's signature vouches for; after signing they no longer change.
SIGNED_FIELDS = ("kol", "question", "response_channel")
MAX_SIGNATURE_BYTES = 200_000

# The compliance engine's safety path: each hook is called, inside the transaction that
# saves the inquiry, for an inquiry flagged as mentioning a possible adverse event.
ADVERSE_EVENT_HOOKS: list[Callable[[MedicalInquiry], None]] = []


def steps_allowed(inquiry: MedicalInquiry) -> set[str]:
    """The transitions the inquiry's current status allows."""
    return {action for action, (sources, _) in TRANSITIONS.items() if inquiry.status in sources}


class IllegalTransition(ValidationError):
    """The inquiry is not in a state that allows this step."""


def deadline_for(urgency: str, raised_on: dt.date) -> dt.date:
    level = ServiceLevel.objects.filter(urgency=urgency).values_list("business_days", flat=True)
    days = level.first()
    if days is None:
        days = DEFAULT_SERVICE_LEVELS[urgency]
    return add_business_days(raised_on, days)


def _check_request(actor, *, kol, requested_at, unsolicited_attested, signature_png) -> None:
    if not actor.has_role(Role.MSL):
        raise PermissionDenied("Only MSLs raise inquiries and record documented interests.")
    problems: dict[str, list[str]] = {}
    if not unsolicited_attested:
        problems["unsolicited_attested"] = [
            "Attest that the KOL asked unprompted; a solicited request cannot be raised."
        ]
    if requested_at and requested_at > timezone.now():
        problems["requested_at"] = ["The request cannot have been made in the future."]
    if signature_png and len(signature_png) > MAX_SIGNATURE_BYTES:
        problems["signature"] = ["The signature image is too large; clear it and sign again."]
    elif not signature_png and InquiryPolicy.current().signature_required:
        problems["signature"] = ["The KOL's signature is required: ask them to sign on screen."]
    if problems:
        raise ValidationError(problems)


@records_refusals
@transaction.atomic
def inquiry_raise(
    *, actor, signature_png: bytes | None = None, acknowledged=False, **fields
) -> MedicalInquiry:
    _check_request(
        actor,
        kol=fields.get("kol"),
        requested_at=fields.get("requested_at"),
        unsolicited_attested=fields.get("unsolicited_attested"),
        signature_png=signature_png,
    )
    warnings = screen(
        {CheckedText.INQUIRY_QUESTION: fields.get("question", "")},
        acknowledged=acknowledged,
        adverse_event_flagged=fields.get("adverse_event_mentioned", False),
    )
    interaction = fields.get("interaction")
    if interaction is not None and interaction.owner_id != actor.pk:
        raise PermissionDenied("An inquiry is raised from one's own interaction.")
    now = timezone.now()
    inquiry = MedicalInquiry(raised_by=actor, **fields)
    inquiry.deadline = deadline_for(inquiry.urgency, timezone.localdate(now))
    if signature_png:
        inquiry.signature_png, inquiry.signed_at = signature_png, now
    inquiry.full_clean(exclude=["signature_png"])
    inquiry.save()
    InquiryEvent.objects.create(inquiry=inquiry, actor=actor, to_status=S.OPEN, occurred_at=now)
    audit_created(actor=actor, instance=inquiry)
    violations_record(
        actor=actor, hits=warnings, outcome=ViolationOutcome.ACKNOWLEDGED, record=inquiry
    )
    if inquiry.adverse_event_mentioned:
        for hook in ADVERSE_EVENT_HOOKS:
            hook(inquiry)
    return inquiry


@records_refusals
@transaction.atomic
def inquiry_update(
    *, actor, inquiry: MedicalInquiry, acknowledged=False, **fields
) -> MedicalInquiry:
    """The raising MSL corrects an inquiry nobody has picked up yet; a signed one keeps the
    question, the KOL and the delivery method the KOL signed for."""
    inquiry = MedicalInquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.raised_by_id != actor.pk:
        raise PermissionDenied("Only the MSL who raised an inquiry corrects it.")
    if inquiry.status != S.OPEN:
        raise ValidationError("Medical Information is working on this inquiry; ask them instead.")
    requested_at = fields.get("requested_at")
    if requested_at and requested_at > timezone.now():
        raise ValidationError({"requested_at": "The request cannot have been made in the future."})
    if inquiry.is_signed:
        changed = [
            name
            for name in SIGNED_FIELDS
            if name in fields and fields[name] != getattr(inquiry, name)
        ]
        if changed:
            labels = ", ".join(MedicalInquiry._meta.get_field(n).verbose_name for n in changed)
            raise ValidationError(f"The KOL signed this inquiry, so these cannot change: {labels}.")
    warnings = screen(
        {CheckedText.INQUIRY_QUESTION: fields.get("question", inquiry.question)},
        acknowledged=acknowledged,
        adverse_event_flagged=fields.get(
            "adverse_event_mentioned", inquiry.adverse_event_mentioned
        ),
    )
    before = stored_snapshot(inquiry)
    for name, value in fields.items():
        setattr(inquiry, name, value)
    if inquiry.urgency != before["urgency"]:
        inquiry.deadline = deadline_for(inquiry.urgency, timezone.localdate(inquiry.created_at))
    inquiry.full_clean(exclude=["signature_png"])
    inquiry.save()
    audit_changed(actor=actor, instance=inquiry, before=before)
    violations_record(
        actor=actor, hits=warnings, outcome=ViolationOutcome.ACKNOWLEDGED, record=inquiry
    )
    if inquiry.adverse_event_mentioned and not before["adverse_event_mentioned"]:
        for hook in ADVERSE_EVENT_HOOKS:
            hook(inquiry)
    return inquiry


@transaction.atomic
def inquiry_sign(*, actor, inquiry: MedicalInquiry, signature_png: bytes) -> MedicalInquiry:
    inquiry = MedicalInquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.raised_by_id != actor.pk:
        raise PermissionDenied("The KOL signs on the screen of the MSL who raised the inquiry.")
    if inquiry.is_signed:
        raise ValidationError("The KOL has already signed this inquiry.")
    if inquiry.status != S.OPEN:
        # The signature attests the request as it was made, before anyone worked on it.
        raise IllegalTransition(
            "The KOL signs while the inquiry is open; Medical Information has already "
            "picked this one up."
        )
    if not signature_png:
        raise ValidationError({"signature": "Ask the KOL to sign in the box first."})
    if len(signature_png) > MAX_SIGNATURE_BYTES:
        raise ValidationError({"signature": "The signature image is too large; sign again."})
    before = stored_snapshot(inquiry)
    inquiry.signature_png, inquiry.signed_at = signature_png, timezone.now()
    inquiry.save(update_fields=["signature_png", "signed_at"])
    audit_changed(actor=actor, instance=inquiry, before=before, reason="Signed by the KOL")
    return inquiry


@transaction.atomic
def inquiry_assign(*, actor, inquiry: MedicalInquiry, assignee: User) -> MedicalInquiry:
    _require_medical_information(actor)
    if not assignee.has_role(Role.MEDICAL_INFORMATION):
        raise ValidationError({"assignee": "Inquiries are assigned to Medical Information."})
    return _move(actor, inquiry, "assign", assignee=assignee, note=f"To {assignee}")


@transaction.atomic
def response_from_standard(
    *, actor, inquiry: MedicalInquiry, standard_response: StandardResponse
) -> InquiryResponse:
    _require_medical_information(actor)
    if not standard_response.is_usable():
        raise ValidationError(
            {
                "standard_response": f"{standard_response} expired on "
                f"{standard_response.expires_on:%Y-%m-%d} (or is not yet approved) and "
                "cannot be used."
            }
        )
    inquiry = _move(actor, inquiry, "use_standard", note=str(standard_response))
    response = InquiryResponse.objects.create(
        inquiry=inquiry,
        standard_response=standard_response,
        author=actor,
        review=ResponseReview.APPROVED,
        reviewed_at=timezone.now(),
        review_note="Pre-approved standard response",
    )
    audit_created(actor=actor, instance=response)
    return response


@records_refusals
@transaction.atomic
def response_custom(
    *, actor, inquiry: MedicalInquiry, text: str, acknowledged=False
) -> InquiryResponse:
    _require_medical_information(actor)
    if not text.strip():
        raise ValidationError({"custom_text": "Write the response."})
    warnings = screen({CheckedText.CUSTOM_RESPONSE: text}, acknowledged=acknowledged)
    inquiry = _move(actor, inquiry, "draft_custom", note="Custom response awaiting review")
    response = InquiryResponse.objects.create(
        inquiry=inquiry, custom_text=text.strip(), author=actor, review=ResponseReview.PENDING
    )
    audit_created(actor=actor, instance=response)
    violations_record(
        actor=actor, hits=warnings, outcome=ViolationOutcome.ACKNOWLEDGED, record=response
    )
    return response


@transaction.atomic
def response_review(
    *, actor, response: InquiryResponse, approve: bool, note: str = ""
) -> InquiryResponse:
    """The second Medical Information user's decision on a custom response."""
    _require_medical_information(actor)
    response = InquiryResponse.objects.select_for_update().get(pk=response.pk)
    if response.review != ResponseReview.PENDING:
        raise ValidationError("This response has already been reviewed.")
    if response.author_id == actor.pk:
        raise ValidationError("A second Medical Information colleague must review your response.")
    if not approve and not note.strip():
        raise ValidationError({"review_note": "Say what needs to change."})
    before = stored_snapshot(response)
    _move(actor, response.inquiry, "approve" if approve else "reject", note=note)
    response.review = ResponseReview.APPROVED if approve else ResponseReview.REJECTED
    response.reviewer, response.reviewed_at, response.review_note = actor, timezone.now(), note
    response.save()
    audit_changed(actor=actor, instance=response, before=before)
    return response


@transaction.atomic
def inquiry_deliver(
    *, actor, inquiry: MedicalInquiry, channel: str, delivered_on: dt.date, delivered_to: str
) -> Delivery:
    """Record that the approved answer went out, and ask the MSL to confirm with the KOL."""
    _require_medical_information(actor)
    today = timezone.localdate()
    if delivered_on > today:
        raise ValidationError({"delivered_on": "A delivery cannot be recorded ahead of time."})
    if delivered_on < timezone.localdate(inquiry.created_at):
        raise ValidationError({"delivered_on": "The answer cannot precede the question."})
    approved = inquiry.responses.filter(review=ResponseReview.APPROVED).last()
    if approved is None and inquiry.status == S.APPROVED:
        raise ValidationError("Nothing leaves without an approved response.")
    inquiry = _move(
        actor,
        inquiry,
        "deliver",
        note=f"By {channel} to {delivered_to}",
        delivered_at=timezone.now(),
    )
    delivery = Delivery(
        inquiry=inquiry,
        response=approved,
        channel=channel,
        delivered_on=delivered_on,
        delivered_to=delivered_to,
        recorded_by=actor,
    )
    delivery.full_clean()
    delivery.save()
    audit_created(actor=actor, instance=delivery)
    # An off-label inquiry's follow-up names no KOL and hangs on no KOL page: managers see
    # their team's follow-ups, and must not learn from them whom the off-label question was.
    follow_up_create(
        actor=actor,
        owner=inquiry.raised_by,
        kind=FollowUpKind.OTHER,
        description=f"Confirm with the KOL that the answer to inquiry #{inquiry.pk} arrived"
        if inquiry.off_label
        else f"Confirm with {inquiry.kol.display_name} that the answer to inquiry "
        f"#{inquiry.pk} arrived",
        due_date=add_business_days(today, 2),
        kol=None if inquiry.off_label else inquiry.kol,
        inquiry=inquiry,
    )
    return delivery


@transaction.atomic
def inquiry_close(*, actor, inquiry: MedicalInquiry) -> MedicalInquiry:
    _require_medical_information(actor)
    return _move(actor, inquiry, "close", closed_at=timezone.now())


@transaction.atomic
def inquiry_cancel(*, actor, inquiry: MedicalInquiry, reason: str) -> MedicalInquiry:
    if not (actor.pk == inquiry.raised_by_id or actor.has_role(Role.MEDICAL_INFORMATION)):
        raise PermissionDenied("Only the raising MSL or Medical Information cancels an inquiry.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the inquiry is cancelled."})
    return _move(actor, inquiry, "cancel", note=reason, closed_at=timezone.now())


@transaction.atomic
def interest_record(*, actor, signature_png: bytes | None = None, **fields) -> DocumentedInterest:
    _check_request(
        actor,
        kol=fields.get("kol"),
        requested_at=fields.get("requested_at"),
        unsolicited_attested=fields.get("unsolicited_attested"),
        signature_png=signature_png,
    )
    interest = DocumentedInterest(raised_by=actor, **fields)
    months = InquiryPolicy.current().interest_validity_months
    interest.valid_until = add_months(timezone.localdate(interest.requested_at), months)
    if signature_png:
        interest.signature_png, interest.signed_at = signature_png, timezone.now()
    interest.full_clean(exclude=["signature_png"])
    interest.save()
    audit_created(actor=actor, instance=interest)
    return interest


def overdue_inquiries_escalate(*, today: dt.date | None = None) -> int:
    """E-mail the assignee and the Medical Information group about each overdue inquiry, at
    most once a day: the day's Escalation row is written in the same transaction as the
    mail is sent, so a failed send is retried on the next run and a sent one never is."""
    today = today or timezone.localdate()
    team = list(
        User.objects.filter(groups__name=Role.MEDICAL_INFORMATION, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    due = (
        MedicalInquiry.objects.overdue(today)
        .exclude(escalations__on_date=today)
        .select_related("assignee", "kol", "product")
    )
    sent = 0
    for inquiry in due:
        recipients = sorted({*team, *([inquiry.assignee.email] if inquiry.assignee else [])} - {""})
        if not recipients:
            continue
        try:
            with transaction.atomic():
                Escalation.objects.create(inquiry=inquiry, on_date=today)
                EmailMessage(
                    subject=f"Overdue: inquiry #{inquiry.pk} was due {inquiry.deadline:%Y-%m-%d}",
                    body=render_to_string(
                        "emails/inquiry_escalation.txt", {"inquiry": inquiry, "today": today}
                    ),
                    to=recipients,
                ).send()
        except IntegrityError:
            continue  # another worker escalated it a moment ago
        except Exception:
            logger.exception("Escalation of inquiry %s not sent; retried next run", inquiry.pk)
            continue
        sent += 1
    return sent


def _require_medical_information(actor) -> None:
    if not actor.has_role(Role.MEDICAL_INFORMATION):
        raise PermissionDenied("Only Medical Information works inquiries.")


def _move(actor, inquiry: MedicalInquiry, action: str, *, note: str = "", **changes):
    inquiry = MedicalInquiry.objects.select_for_update().select_related("kol").get(pk=inquiry.pk)
    allowed_from, target = TRANSITIONS[action]
    if inquiry.status not in allowed_from:
        raise IllegalTransition(
            f"An inquiry that is {inquiry.get_status_display().lower()} cannot be "
            f"{ACTION_LABELS[action]}."
        )
    before = stored_snapshot(inquiry)
    source = inquiry.status
    inquiry.status = target
    for name, value in changes.items():
        setattr(inquiry, name, value)
    inquiry.save()
    InquiryEvent.objects.create(
        inquiry=inquiry, actor=actor, from_status=source, to_status=target, note=note[:500]
    )
    audit_changed(actor=actor, instance=inquiry, before=before, reason=note)
    return inquiry
