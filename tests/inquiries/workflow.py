"""Moving an inquiry along its workflow through the services, as Medical Information does,
so each test starts from a state reached the real way (events, audit, responses)."""

import base64
import datetime as dt

from django.utils import timezone

from inquiries import services
from inquiries.models import InquiryStatus, MedicalInquiry

S = InquiryStatus

# A real 1x1 PNG, as the signature pad posts it.
PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PNG_DATA_URL = "data:image/png;base64," + base64.b64encode(PNG_BYTES).decode()


def raise_inquiry(msl, kol, **changes) -> MedicalInquiry:
    """An inquiry raised through the service, as the form would, with `changes` applied."""
    fields = {
        "kol": kol,
        "question": "Any data in pregnancy?",
        "response_channel": "email",
        "urgency": "standard",
        "unsolicited_attested": True,
        "requested_by": "Dr Alvarez",
        "requested_at": timezone.now() - dt.timedelta(hours=1),
        "request_setting": "one_to_one",
    }
    fields.update(changes)
    return services.inquiry_raise(actor=msl, **fields)


def bring_to(inquiry, status, *, author, reviewer) -> MedicalInquiry:
    """Take an open inquiry to `status`: assigned to `author`, who drafts a custom response
    that `reviewer` approves, then delivery and closing; or cancelled straight from open."""
    if status == S.CANCELLED:
        services.inquiry_cancel(actor=author, inquiry=inquiry, reason="Asked twice")
        return _fresh(inquiry)
    path = [S.ASSIGNED, S.IN_REVIEW, S.APPROVED, S.DELIVERED, S.CLOSED]
    steps = path[: path.index(status) + 1] if status != S.OPEN else []
    for step in steps:
        if step == S.ASSIGNED:
            services.inquiry_assign(actor=author, inquiry=inquiry, assignee=author)
        elif step == S.IN_REVIEW:
            services.response_custom(actor=author, inquiry=inquiry, text="Custom answer text.")
        elif step == S.APPROVED:
            pending = inquiry.responses.get(review="pending")
            services.response_review(actor=reviewer, response=pending, approve=True)
        elif step == S.DELIVERED:
            services.inquiry_deliver(
                actor=author,
                inquiry=inquiry,
                channel="email",
                delivered_on=timezone.localdate(),
                delivered_to="Dr Alvarez",
            )
        elif step == S.CLOSED:
            services.inquiry_close(actor=author, inquiry=inquiry)
    return _fresh(inquiry)


def _fresh(inquiry) -> MedicalInquiry:
    return MedicalInquiry.objects.get(pk=inquiry.pk)
