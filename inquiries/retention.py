"""What retention clears in this app: the question, the requester and the signature of
answered or cancelled inquiries past the policy's period."""

from compliance.retention import REMOVED, pseudonymise

from .models import ACTIVE_STATUSES, MedicalInquiry


def inquiries_pseudonymise(*, cutoff) -> dict[str, int]:
    return {
        "inquiries": pseudonymise(
            MedicalInquiry.objects.filter(created_at__lt=cutoff)
            .exclude(status__in=ACTIVE_STATUSES)
            .exclude(question=REMOVED),
            {"question": REMOVED, "requested_by": REMOVED, "signature_png": None},
        )
    }
