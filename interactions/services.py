"""Writes of interactions, insights and follow-ups: the lifecycle rules live here.

planned → draft → submitted → locked. The owner edits until the lock window closes; after
that, only an amendment with a reason. Submitted interactions are never deleted.
"""

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from catalog.models import MaterialUse
from catalog.selectors import materials_offerable
from compliance.audit_chain import snapshot, stored_snapshot
from compliance.engine import RuleRefusal, records_refusals, screen, violations_record
from compliance.models import (
    AuditAction,
    CheckedText,
    CompliancePolicy,
    SafetyReport,
    ViolationOutcome,
)
from compliance.safety import safety_report_open
from compliance.services import (
    AuditItem,
    audit_changed,
    audit_created,
    audit_deleted,
    audit_record_many,
)
from kols.models import KOL, ConsentStatus

from .models import (
    Amendment,
    FollowUp,
    FollowUpStatus,
    Insight,
    Interaction,
    InteractionStatus,
)

EDITABLE_FIELDS = frozenset(
    {
        "type",
        "channel",
        "planned_at",
        "occurred_at",
        "duration_minutes",
        "location",
        "objectives",
        "notes",
        "off_label_discussed",
        "adverse_event_mentioned",
    }
)
RELATION_FIELDS = ("kols", "internal_attendees", "topics", "products", "materials_shared")

# The compliance engine adds its checks here (restricted terms, off-label needs an inquiry,
# certifications, required fields per type): each takes the interaction about to be
# submitted and returns the problems, as {field: [messages]}.
SUBMISSION_CHECKS: list[Callable[[Interaction], dict[str, list[str]]]] = []


# Which reactive-only materials an interaction may share is for the inquiries app to say
# (a linked unsolicited inquiry, a valid documented interest): each callable takes the
# interaction (None while it is new) and its KOLs and returns a condition on materials.
# The KOLs may be a queryset not yet run (the form's chosen ones): a condition uses them
# inside its own query rather than listing them, which would cost a query of its own.
REACTIVE_MATERIAL_GROUNDS: list[Callable[[Interaction | None, Iterable[KOL]], Q]] = []


class InteractionConflict(Exception):
    """Someone else saved the interaction after this user opened it."""


def lock_window() -> dt.timedelta:
    """Compliance sets it in the compliance policy (the environment gives the default)."""
    return dt.timedelta(hours=CompliancePolicy.current().lock_window_hours)


def check_contactable(kols: Iterable[KOL]) -> None:
    problems = []
    for kol in kols:
        if kol.do_not_contact:
            problems.append(f"{kol.display_name} has asked not to be contacted.")
        elif kol.consent_status == ConsentStatus.WITHDRAWN:
            problems.append(f"{kol.display_name} has withdrawn consent.")
    if problems:
        raise ValidationError({"kols": problems})


def shareable_materials(interaction: Interaction | None, kols: Iterable[KOL]):
    """Unexpired materials this interaction may share, reactive-only ones included where an
    unsolicited request covers them. `kols` is a list or a queryset, never a one-pass
    iterator: the grounds may use it more than once."""
    grounds = Q(pk__in=[])
    for condition in REACTIVE_MATERIAL_GROUNDS:
        grounds |= condition(interaction, kols)
    return materials_offerable(include_reactive=grounds)


def check_materials(interaction: Interaction | None, kols: Iterable[KOL], materials) -> None:
    materials = _records(materials)
    if not materials:
        return
    allowed = set(
        shareable_materials(interaction, kols)
        .filter(pk__in=[material.pk for material in materials])
        .values_list("pk", flat=True)
    )
    problems = []
    for material in materials:
        if material.pk in allowed:
            continue
        if material.use == MaterialUse.REACTIVE_ONLY and material.expires_on > timezone.localdate():
            problems.append(
                f"{material} is reactive-only: share it only in answer to an unsolicited "
                "inquiry raised from this interaction, or on a KOL's valid documented interest."
            )
        else:
            problems.append(f"{material} has expired or is not yet approved.")
    if problems:
        raise ValidationError({"materials_shared": problems})


def check_not_backdated(occurred_at: dt.datetime | None, *, now: dt.datetime) -> None:
    if occurred_at is None:
        return
    limit = CompliancePolicy.current().max_backdate_days
    if occurred_at < now - dt.timedelta(days=limit):
        message = f"An interaction cannot be logged more than {limit} days after it happened."
        raise ValidationError({"occurred_at": message})


@records_refusals
@transaction.atomic
def interaction_create(
    *,
    actor,
    kols: Iterable[KOL] = (),
    relations=None,
    acknowledged=False,
    safety: dict | None = None,
    **fields,
) -> Interaction:
    _check_fields(fields)
    warnings = _screen_notes(fields, acknowledged=acknowledged)
    kols = list(kols)
    check_contactable(kols)
    check_not_backdated(fields.get("occurred_at"), now=timezone.now())
    relations = relations or {}
    if "materials_shared" in relations:
        check_materials(None, kols, relations["materials_shared"])
    interaction = Interaction(owner=actor, **fields)
    interaction.status = (
        InteractionStatus.PLANNED
        if interaction.planned_at and not interaction.occurred_at
        else InteractionStatus.DRAFT
    )
    # Neither of the two checks that would cost a query each can fail here: the owner is
    # the signed-in actor, and a planned or draft status always satisfies the only
    # constraint (interaction_submitted_has_time; a test fails if another is added). The
    # database enforces both anyway.
    interaction.full_clean(exclude=["owner"], validate_constraints=False)
    interaction.save()
    links = _new_links(kols, relations)
    for name, linked in links.items():
        _link_new(interaction, name, linked)
    # The links in hand are the ones just written, so the audit entry is built from them
    # rather than from a second read of each relation.
    audit_created(actor=actor, instance=interaction, related=links)
    _acknowledged(actor, warnings, interaction)
    _report_adverse_event(actor, interaction, safety)
    return interaction


@records_refusals
@transaction.atomic
def interaction_update(
    *,
    actor,
    interaction: Interaction,
    version: int,
    kols=None,
    relations=None,
    acknowledged=False,
    safety: dict | None = None,
    reason: str = "",
    **fields,
) -> Interaction:
    """Change an interaction its owner may still edit; refuse a save based on a stale copy.
    A submitted interaction changes only with a reason, kept in the audit trail."""
    _check_fields(fields)
    interaction = _locked_for_owner(actor, interaction, version)
    warnings = _screen_notes(
        fields,
        acknowledged=acknowledged,
        flagged=fields.get("adverse_event_mentioned", interaction.adverse_event_mentioned),
    )
    if interaction.status == InteractionStatus.LOCKED:
        raise ValidationError("This interaction is locked: change it with an amendment.")
    if interaction.status == InteractionStatus.SUBMITTED and _window_closed(interaction):
        raise ValidationError("The edit window has closed: change it with an amendment.")
    if interaction.status == InteractionStatus.SUBMITTED and not reason.strip():
        raise ValidationError(
            {"change_reason": "Say why a submitted interaction is being changed."}
        )
    before = stored_snapshot(interaction)
    now = timezone.now()
    if "occurred_at" in fields and fields["occurred_at"] != interaction.occurred_at:
        check_not_backdated(fields["occurred_at"], now=now)
    for name, value in fields.items():
        setattr(interaction, name, value)
    if interaction.status == InteractionStatus.PLANNED and interaction.occurred_at:
        interaction.status = InteractionStatus.DRAFT
    interaction.version += 1
    interaction.full_clean()
    interaction.save()
    if kols is not None:
        kols = list(kols)
        attending = set(interaction.kols.values_list("pk", flat=True))
        added = [kol for kol in kols if kol.pk not in attending]
        check_contactable(added)
        interaction.kols.set(kols)
    relations = relations or {}
    if "materials_shared" in relations:
        current = set(interaction.materials_shared.values_list("pk", flat=True))
        # What was shared under grounds that have since lapsed stays on the record.
        added = [m for m in relations["materials_shared"] if m.pk not in current]
        check_materials(interaction, interaction.kols.all(), added)
    for name, values in relations.items():
        getattr(interaction, _relation(name)).set(values)
    if interaction.status == InteractionStatus.SUBMITTED:
        enforce_submission_rules(interaction, now=now)
    audit_changed(actor=actor, instance=interaction, before=before, reason=reason)
    _acknowledged(actor, warnings, interaction)
    _report_adverse_event(actor, interaction, safety)
    return interaction


def enforce_submission_rules(interaction: Interaction, *, now: dt.datetime) -> None:
    """What a submitted interaction must satisfy: checked when it is submitted, and again
    whenever a submitted or locked one is changed, so an edit or an amendment cannot undo
    what submission enforced."""
    problems: dict[str, list[str]] = {}
    if not interaction.kols.exists():
        problems.setdefault("kols", []).append("Add at least one KOL.")
    if interaction.occurred_at is None:
        problems.setdefault("occurred_at", []).append("Say when the interaction took place.")
    elif interaction.occurred_at > now:
        problems.setdefault("occurred_at", []).append("The interaction cannot be in the future.")
    if not interaction.channel:
        problems.setdefault("channel", []).append("Choose the channel.")
    # A term made blocking after the notes were saved still stops it; warnings were
    # acknowledged when the notes were saved.
    screen(
        {CheckedText.INTERACTION_NOTES: interaction.notes},
        acknowledged=True,
        adverse_event_flagged=interaction.adverse_event_mentioned,
        record=interaction,
    )
    rule_problems: dict[str, list[str]] = {}
    for check in SUBMISSION_CHECKS:
        for field, messages in check(interaction).items():
            rule_problems.setdefault(field, []).extend(messages)
    if rule_problems:
        merged = {
            field: problems.get(field, []) + rule_problems.get(field, [])
            for field in {*problems, *rule_problems}
        }
        raise RuleRefusal(merged, rule_problems=rule_problems, record=interaction)
    if problems:
        raise ValidationError(problems)


@records_refusals
@transaction.atomic
def interaction_submit(*, actor, interaction: Interaction, version: int) -> Interaction:
    interaction = _locked_for_owner(actor, interaction, version)
    if not interaction.is_editable_draft:
        raise ValidationError("Only a planned or draft interaction can be submitted.")
    now = timezone.now()
    enforce_submission_rules(interaction, now=now)
    before = stored_snapshot(interaction)
    interaction.status = InteractionStatus.SUBMITTED
    interaction.first_submitted_at = interaction.first_submitted_at or now
    interaction.submitted_at = now
    interaction.version += 1
    interaction.save()
    audit_changed(actor=actor, instance=interaction, before=before, reason="Submitted")
    return interaction


@transaction.atomic
def interactions_lock_due(*, now: dt.datetime | None = None) -> int:
    """Lock every submitted interaction whose edit window has closed (the beat task)."""
    now = now or timezone.now()
    due = list(
        Interaction.objects.select_for_update(skip_locked=True).filter(
            status=InteractionStatus.SUBMITTED, submitted_at__lte=now - lock_window()
        )
    )
    items = []
    for interaction in due:
        before = snapshot(interaction, many_to_many=False)
        interaction.status = InteractionStatus.LOCKED
        interaction.locked_at = now
        interaction.version += 1
        after = snapshot(interaction, many_to_many=False)
        changes = {k: {"before": before[k], "after": v} for k, v in after.items() if before[k] != v}
        items.append(AuditItem(AuditAction.UPDATE, interaction, changes, "Lock window closed"))
    Interaction.objects.bulk_update(due, ["status", "locked_at", "version"])
    audit_record_many(actor=None, items=items)
    return len(due)


@records_refusals
@transaction.atomic
def interaction_amend(
    *, actor, interaction: Interaction, reason: str, acknowledged=False, **fields
) -> Amendment:
    """Correct a locked interaction: the reason and the original values are kept."""
    _check_fields(fields)
    warnings = _screen_notes(fields, acknowledged=acknowledged)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the interaction is being amended."})
    interaction = _locked_for_owner(actor, interaction, version=None)
    if interaction.status != InteractionStatus.LOCKED:
        raise ValidationError("Only a locked interaction is amended; edit it directly.")
    before = stored_snapshot(interaction)
    for name, value in fields.items():
        setattr(interaction, name, value)
    interaction.version += 1
    interaction.full_clean()
    interaction.save()
    enforce_submission_rules(interaction, now=timezone.now())
    changes = {
        name: {"before": before.get(name), "after": value}
        for name, value in snapshot(interaction).items()
        if before.get(name) != value and name != "version"
    }
    if not changes:
        raise ValidationError("The amendment changes nothing.")
    amendment = Amendment.objects.create(
        interaction=interaction, author=actor, reason=reason, changes=changes
    )
    audit_changed(actor=actor, instance=interaction, before=before, reason=f"Amendment: {reason}")
    _acknowledged(actor, warnings, interaction)
    _report_adverse_event(actor, interaction, None)
    return amendment


@transaction.atomic
def interaction_unlock(*, actor, interaction: Interaction, reason: str) -> Interaction:
    """Return a submitted or locked interaction to its owner as a draft (an admin's
    correction). The first-submitted time stays, so the record still shows when it was
    first reported."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the interaction is being unlocked."})
    interaction = Interaction.objects.select_for_update().get(pk=interaction.pk)
    if interaction.is_editable_draft:
        raise ValidationError(f"{interaction} is not submitted; there is nothing to unlock.")
    before = stored_snapshot(interaction)
    interaction.status = InteractionStatus.DRAFT
    interaction.submitted_at = None
    interaction.locked_at = None
    interaction.version += 1
    interaction.save()
    audit_changed(actor=actor, instance=interaction, before=before, reason=f"Unlocked: {reason}")
    return interaction


@transaction.atomic
def interaction_delete(*, actor, interaction: Interaction) -> None:
    interaction = _locked_for_owner(actor, interaction, version=None)
    if not interaction.is_editable_draft:
        raise ValidationError("A submitted interaction is never deleted.")
    audit_deleted(actor=actor, instance=interaction)
    interaction.delete()


@records_refusals
@transaction.atomic
def insight_add(
    *, actor, interaction: Interaction, kol: KOL, acknowledged=False, **fields
) -> Insight:
    interaction = _locked_for_owner(actor, interaction, version=None)
    warnings = screen(
        {CheckedText.INSIGHT_TEXT: fields.get("text", "")},
        acknowledged=acknowledged,
        adverse_event_flagged=interaction.adverse_event_mentioned,
    )
    if interaction.status == InteractionStatus.LOCKED:
        raise ValidationError("This interaction is locked: insights can no longer be added.")
    if not interaction.kols.filter(pk=kol.pk).exists():
        raise ValidationError({"kol": "The insight must come from a KOL who attended."})
    insight = Insight(interaction=interaction, kol=kol, author=actor, **fields)
    insight.full_clean()
    insight.save()
    audit_created(actor=actor, instance=insight)
    _acknowledged(actor, warnings, insight)
    return insight


@transaction.atomic
def follow_up_create(*, actor, owner=None, **fields) -> FollowUp:
    """A follow-up for `owner` (by default the actor: another app may plan one for an MSL,
    as Medical Information does when an answer is delivered)."""
    due = fields.get("due_date")
    if isinstance(due, dt.date) and due < timezone.localdate():
        # A follow-up born overdue is a typing error far more often than a plan.
        raise ValidationError({"due_date": "A new follow-up cannot be due in the past."})
    follow_up = FollowUp(owner=owner or actor, **fields)
    follow_up.full_clean()
    follow_up.save()
    audit_created(actor=actor, instance=follow_up)
    return follow_up


@transaction.atomic
def follow_up_complete(*, actor, follow_up: FollowUp) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.owner_id != actor.pk:
        raise PermissionDenied("Only the owner completes a follow-up.")
    if follow_up.status == FollowUpStatus.DONE:
        return follow_up
    before = stored_snapshot(follow_up)
    follow_up.status = FollowUpStatus.DONE
    follow_up.done_at = timezone.now()
    follow_up.save()
    audit_changed(actor=actor, instance=follow_up, before=before)
    return follow_up


def _screen_notes(fields: dict, *, acknowledged: bool, flagged: bool | None = None):
    if "notes" not in fields:
        return []
    if flagged is None:
        flagged = fields.get("adverse_event_mentioned", False)
    return screen(
        {CheckedText.INTERACTION_NOTES: fields["notes"]},
        acknowledged=acknowledged,
        adverse_event_flagged=flagged,
    )


@transaction.atomic
def adverse_event_report_unsaved(
    *, actor, kols, products, notes: str, safety: dict | None
) -> SafetyReport:
    """The interaction was refused (a blocked term, a missing field) but it mentions an
    adverse event: drug safety hears of it now, in its own transaction, rather than when
    the MSL gets the wording right. The next successful save links this report instead of
    opening a second one."""
    safety = safety or {}
    kols, products = list(kols), list(products)
    return safety_report_open(
        reporter=actor,
        learned_at=safety.get("learned_at") or timezone.now(),
        kol=kols[0] if kols else None,
        product=products[0] if products else None,
        patient=safety.get("patient", ""),
        event=safety.get("event") or notes,
    )


def _report_adverse_event(actor, interaction: Interaction, safety: dict | None) -> None:
    """A flagged interaction gets its safety report in the same transaction, once: the one
    already sent while an earlier attempt was refused, if there is one."""
    if not interaction.adverse_event_mentioned or interaction.safety_reports.exists():
        return
    safety = safety or {}
    sent_already = (
        SafetyReport.objects.select_for_update()
        .filter(
            pk=safety.get("report_id"),
            reporter=actor,
            interaction__isnull=True,
            inquiry__isnull=True,
            # Only the attempt the MSL is correcting now, not an abandoned one from before.
            created_at__gte=timezone.now() - dt.timedelta(hours=2),
        )
        .first()
        if safety.get("report_id")
        else None
    )
    if sent_already is not None:
        before = stored_snapshot(sent_already)
        sent_already.interaction = interaction
        sent_already.save(update_fields=["interaction"])
        audit_changed(actor=actor, instance=sent_already, before=before, reason="Linked on save")
        return
    safety_report_open(
        reporter=actor,
        learned_at=safety.get("learned_at")
        or interaction.occurred_at
        or interaction.planned_at
        or timezone.now(),
        kol=interaction.kols.first(),
        product=interaction.products.first(),
        interaction=interaction,
        patient=safety.get("patient", ""),
        event=safety.get("event") or interaction.notes,
    )


def _acknowledged(actor, warnings, record) -> None:
    violations_record(
        actor=actor, hits=warnings, outcome=ViolationOutcome.ACKNOWLEDGED, record=record
    )


def _locked_for_owner(actor, interaction: Interaction, version: int | None) -> Interaction:
    current = Interaction.objects.select_for_update().get(pk=interaction.pk)
    if current.owner_id != actor.pk:
        raise PermissionDenied("Nobody edits another MSL's interaction.")
    if version is not None and current.version != version:
        raise InteractionConflict(
            "Someone saved this interaction after you opened it, so your changes were not "
            "saved. Copy what you wrote, reload the page, and apply it again."
        )
    return current


def _window_closed(interaction: Interaction) -> bool:
    return interaction.submitted_at <= timezone.now() - lock_window()


def _new_links(kols: list[KOL], relations: dict) -> dict[str, list]:
    """Every relation of a new interaction with what it links, by field name: a relation
    the caller left out links nothing. Each record once, as the link table holds it."""
    given = {"kols": kols, **{_relation(name): values for name, values in relations.items()}}
    return {
        name: list({record.pk: record for record in _records(given.get(name, ()))}.values())
        for name in RELATION_FIELDS
    }


def _records(values) -> list:
    # A form gives an empty choice as its choices' queryset.none(), which Django compiles,
    # with every filter the choices have, before it finds it empty: milliseconds a field.
    if isinstance(values, QuerySet) and values.query.is_empty():
        return []
    return list(values)


def _link_new(interaction: Interaction, name: str, records: list) -> None:
    """Write a new interaction's links without first reading which exist, as add() does as
    soon as anything listens for link changes (last meetings, stale weeks). What listens
    counts logged interactions only, and a new one is planned or a draft."""
    field = Interaction._meta.get_field(name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    through.objects.bulk_create(
        through(**{f"{source}_id": interaction.pk, f"{target}_id": record.pk}) for record in records
    )


def _relation(name: str) -> str:
    if name not in RELATION_FIELDS:
        raise ValueError(f"Not an interaction relation: {name}")
    return name


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Interaction fields not changeable here: {sorted(unknown)}")


def follow_up_digests_send(*, today: dt.date | None = None) -> int:
    """E-mail each user with open follow-ups due today or overdue one list of them."""
    today = today or timezone.localdate()
    due = (
        FollowUp.objects.filter(status=FollowUpStatus.OPEN, due_date__lte=today)
        .exclude(owner__email="")
        .select_related("owner", "kol")
        .order_by("owner_id", "due_date", "pk")
    )
    by_owner: dict[int, list[FollowUp]] = {}
    for follow_up in due:
        by_owner.setdefault(follow_up.owner_id, []).append(follow_up)
    messages = []
    for follow_ups in by_owner.values():
        owner = follow_ups[0].owner
        overdue = sum(1 for follow_up in follow_ups if follow_up.due_date < today)
        context = {"owner": owner, "follow_ups": follow_ups, "today": today, "overdue": overdue}
        messages.append(
            EmailMessage(
                subject=f"Follow-ups: {len(follow_ups) - overdue} due today, {overdue} overdue",
                body=render_to_string("emails/follow_up_digest.txt", context),
                to=[owner.email],
            )
        )
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
    return len(messages)
