"""What retention clears in this app: the notes of locked interactions and the quotes of
their insights, once past the policy's period."""

from compliance.retention import REMOVED, pseudonymise

from .models import Insight, Interaction, InteractionStatus


def interactions_pseudonymise(*, cutoff) -> dict[str, int]:
    return {
        "interactions": pseudonymise(
            Interaction.objects.filter(
                status=InteractionStatus.LOCKED, occurred_at__lt=cutoff
            ).exclude(notes=REMOVED),
            {"notes": REMOVED, "objectives": REMOVED, "location": ""},
        ),
        "insights": pseudonymise(
            Insight.objects.filter(
                created_at__lt=cutoff, interaction__status=InteractionStatus.LOCKED
            ).exclude(text=REMOVED),
            {"text": REMOVED},
        ),
    }
