"""Reads of the catalog that other apps call."""

import datetime as dt

from django.db.models import Q, QuerySet

from .models import ApprovedMaterial, InsightTopic, MaterialUse, TherapeuticArea


def therapeutic_area_list() -> QuerySet[TherapeuticArea]:
    return TherapeuticArea.objects.order_by("name")


def insight_topic_choices() -> QuerySet[InsightTopic]:
    """Leaf topics, as the insight form offers them, with their parents in one query."""
    return (
        InsightTopic.objects.filter(is_active=True, parent__isnull=False)
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def materials_offerable(
    *, on: dt.date | None = None, include_reactive: bool | Q = False
) -> QuerySet[ApprovedMaterial]:
    """Materials an MSL may share: never an expired one; reactive-only ones only when the
    conversation answers an unsolicited request. `include_reactive` may be a condition
    naming which reactive-only ones that request covers."""
    materials = ApprovedMaterial.objects.offerable(on=on)
    if include_reactive is False:
        materials = materials.filter(use=MaterialUse.PROACTIVE)
    elif isinstance(include_reactive, Q):
        materials = materials.filter(
            Q(use=MaterialUse.PROACTIVE) | (Q(use=MaterialUse.REACTIVE_ONLY) & include_reactive)
        ).distinct()
    return materials.select_related("therapeutic_area").prefetch_related("products")
