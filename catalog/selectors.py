"""Reads of the catalog that other apps call."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.scoping import sees_everything

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


def material_opens_for(user, material: ApprovedMaterial, *, on: dt.date | None = None) -> bool:
    """Whether `user` may open the material's file or follow its link on that day. Outside
    its approval period only those who review everything (compliance) do: an interaction's
    record still names what was shared, but the material is not handed out again."""
    return material.is_offerable(on or timezone.localdate()) or sees_everything(user)
