"""Reads of the catalog that other apps call."""

import datetime as dt

from django.db.models import QuerySet

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
    *, on: dt.date | None = None, include_reactive: bool = False
) -> QuerySet[ApprovedMaterial]:
    """Materials an MSL may share: never an expired one; reactive-only ones only when the
    conversation answers an unsolicited request."""
    materials = ApprovedMaterial.objects.offerable(on=on)
    if not include_reactive:
        materials = materials.filter(use=MaterialUse.PROACTIVE)
    return materials.select_related("therapeutic_area").prefetch_related("products")
