"""Writes of KOLs. Every one is validated in full and lands in the audit trail."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from compliance.audit_chain import snapshot, stored_snapshot
from compliance.models import AuditAction
from compliance.services import audit_changed, audit_created, audit_record

from .models import KOL, KOL_EDITABLE_FIELDS, ConsentStatus, EngagementPlan, Interest
from .selectors import kol_personal_data

KOL_FIELDS = frozenset(KOL_EDITABLE_FIELDS)


def interests_from_names(names: Iterable[str]) -> list[Interest]:
    """The interests named, created when new; case and spacing never make a second tag."""
    interests: dict[str, Interest] = {}
    for raw in names:
        name = " ".join(raw.split())
        if not name or name.lower() in interests:
            continue
        interest = Interest.objects.filter(name__iexact=name).first()
        interests[name.lower()] = interest or Interest.objects.create(name=name[:80])
    return list(interests.values())


@transaction.atomic
def kol_create(*, actor, therapeutic_areas=(), interests: Iterable[str] = (), **fields) -> KOL:
    _check_fields(fields)
    kol = KOL(**fields)
    kol.full_clean()
    kol.save()
    kol.therapeutic_areas.set(therapeutic_areas)
    kol.interests.set(interests_from_names(interests))
    audit_created(actor=actor, instance=kol)
    return kol


@transaction.atomic
def kol_update(
    *,
    actor,
    kol: KOL,
    therapeutic_areas=None,
    interests: Iterable[str] | None = None,
    reason: str = "",
    **fields,
) -> KOL:
    _check_fields(fields)
    before = stored_snapshot(kol)
    for name, value in fields.items():
        setattr(kol, name, value)
    kol.full_clean()
    kol.save()
    if therapeutic_areas is not None:
        kol.therapeutic_areas.set(therapeutic_areas)
    if interests is not None:
        kol.interests.set(interests_from_names(interests))
    audit_changed(actor=actor, instance=kol, before=before, reason=reason)
    return kol


@transaction.atomic
def kol_erase(*, actor, kol: KOL, reason: str) -> KOL:
    """Erase a person on request (GDPR art. 17): pseudonymise who they are, keep what was
    learnt from them (insights count towards aggregates) and the audit trail."""
    if not reason.strip():
        raise ValueError("An erasure needs a reason.")
    before = stored_snapshot(kol)
    kol.first_name, kol.last_name = "Erased", f"KOL {kol.pk}"
    for name in ("credentials", "npi", "national_id", "national_id_type", "email", "phone"):
        setattr(kol, name, "")
    kol.city = ""
    kol.consent_status = ConsentStatus.WITHDRAWN
    kol.consent_source = "Erasure request"
    kol.consent_date = timezone.localdate()
    kol.do_not_contact = True
    kol.erased_at = timezone.now()
    kol.save()
    kol.interests.clear()
    kol.affiliations.all().delete()
    kol.engagement_plans.update(objectives="(erased)")
    after = snapshot(kol)
    # The trail cannot forget, so the erasure entry must not repeat what is being erased.
    changes = {
        name: {"before": "(erased)", "after": after[name]}
        for name in after
        if after[name] != before.get(name)
    }
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=kol,
        changes=changes,
        reason=f"Personal data erased: {reason}",
    )
    return kol


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - KOL_FIELDS
    if unknown:
        raise ValueError(f"KOL fields not changeable here: {sorted(unknown)}")


@transaction.atomic
def engagement_plan_save(*, actor, plan: EngagementPlan) -> EngagementPlan:
    """Create or change a KOL's plan for a year (one per KOL and year)."""
    before = stored_snapshot(plan) if plan.pk else None
    if plan.owner_id is None:
        plan.owner = actor
    plan.full_clean()
    plan.save()
    if before is None:
        audit_created(actor=actor, instance=plan)
    else:
        audit_changed(actor=actor, instance=plan, before=before)
    return plan


@transaction.atomic
def kol_export_personal_data(*, actor, kol: KOL) -> dict:
    """The answer to an access request, recorded in the audit trail (who read out whose data)."""
    data = kol_personal_data(kol)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        target=kol,
        changes={"sections": {"before": None, "after": sorted(data)}},
        reason="Personal data exported (access request)",
    )
    return data
