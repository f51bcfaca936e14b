"""Compliance rules evaluated when a regulated record is submitted.

Each check takes the record and returns its problems as {field: [messages]}, the shape
`interactions.services.SUBMISSION_CHECKS` expects.
"""

from .models import RequirableInteractionField, RequiredInteractionField

MANY_TO_MANY_FIELDS = frozenset(
    {
        RequirableInteractionField.TOPICS,
        RequirableInteractionField.PRODUCTS,
        RequirableInteractionField.INTERNAL_ATTENDEES,
        RequirableInteractionField.MATERIALS,
    }
)


def required_interaction_fields(interaction) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    required = RequiredInteractionField.objects.filter(interaction_type=interaction.type)
    type_label = interaction.get_type_display().lower()
    for rule in required:
        if rule.field in MANY_TO_MANY_FIELDS:
            missing = not getattr(interaction, rule.field).exists()
        else:
            missing = getattr(interaction, rule.field) in (None, "")
        if missing:
            label = rule.get_field_display()
            problems.setdefault(rule.field, []).append(
                f"{label} is required for {type_label} interactions."
            )
    return problems


def off_label_needs_an_inquiry(interaction) -> dict[str, list[str]]:
    """Off-label discussion is allowed only in answer to an unsolicited request, so it must
    be linked to an inquiry raised from this interaction."""
    if not interaction.off_label_discussed:
        return {}
    if interaction.inquiries.filter(unsolicited_attested=True).exists():
        return {}
    return {
        "off_label_discussed": [
            "Off-label discussion needs a linked unsolicited inquiry: raise the KOL's "
            "question as an inquiry from this interaction, then submit."
        ]
    }
