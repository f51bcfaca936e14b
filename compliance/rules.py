"""Compliance rules evaluated when a regulated record is submitted.

Each check takes the record and returns its problems as {field: [messages]}, the shape
`interactions.services.SUBMISSION_CHECKS` expects.
"""

from django.utils import timezone

from .models import ProductCertification, RequirableInteractionField, RequiredInteractionField

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


def products_need_certification(interaction) -> dict[str, list[str]]:
    """An MSL logs a discussion of a product only while certified for it."""
    if interaction.occurred_at is None:
        return {}
    on = timezone.localdate(interaction.occurred_at)
    discussed = list(interaction.products.all())
    if not discussed:
        return {}
    certified = set(
        ProductCertification.objects.filter(
            user_id=interaction.owner_id,
            product__in=discussed,
            certified_on__lte=on,
            expires_on__gte=on,
        ).values_list("product_id", flat=True)
    )
    missing = [product for product in discussed if product.pk not in certified]
    if not missing:
        return {}
    return {
        "products": [
            f"You were not certified to discuss {product.name} on {on:%Y-%m-%d}; complete "
            "the product training (or ask compliance to record it) before logging it."
            for product in missing
        ]
    }
