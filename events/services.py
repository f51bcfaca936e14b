"""Writes of the events app. Every regulated write is audited in its own transaction; free
text is screened by the compliance engine like every other app's."""

import datetime as dt
import logging
import re
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from compliance.audit_chain import stored_snapshot
from compliance.engine import records_refusals, screen
from compliance.models import CertificationSource, CheckedText, ProductCertification
from compliance.services import audit_changed, audit_created, audit_deleted
from interactions.models import Insight, InteractionType
from interactions.services import interaction_create
from msl_crm.uploads import document_type

from .models import (
    Event,
    EventMeeting,
    ExpectedKOL,
    Expense,
    InsightComment,
    ItineraryItem,
    LearningRecord,
    Mention,
    MentionKind,
    MentionPreference,
    SharedInsight,
    Trip,
)

logger = logging.getLogger(__name__)
# A username may contain dots, but a mention never ends with one: "ask @msl." names msl.
MENTION = re.compile(r"(?<![\w@])@([\w.+-]{0,149}[\w+-])")


def _saved(actor, instance):
    instance.full_clean()
    instance.save()
    audit_created(actor=actor, instance=instance)
    return instance


@records_refusals
@transaction.atomic
def event_create(*, actor, attendees=(), acknowledged=False, **fields) -> Event:
    event = Event(organiser=actor, **fields)
    _screen_meeting_notes(event, acknowledged)
    _saved(actor, event)
    event.attendees.set({actor, *attendees})
    return event


@records_refusals
@transaction.atomic
def event_update(*, actor, event: Event, attendees=None, acknowledged=False, **fields) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not may_edit_event(actor, event):
        raise PermissionDenied("Only the organiser changes an event.")
    before = stored_snapshot(event)
    for name, value in fields.items():
        setattr(event, name, value)
    _screen_meeting_notes(event, acknowledged)
    event.full_clean()
    event.save()
    if attendees is not None:
        event.attendees.set({event.organiser, *attendees})
    audit_changed(actor=actor, instance=event, before=before)
    return event


def may_edit_event(user, event: Event) -> bool:
    return event.organiser_id == user.pk or user.is_superuser


def _screen_meeting_notes(event: Event, acknowledged: bool) -> None:
    if event.notes:
        screen({CheckedText.MEETING_NOTES: event.notes}, acknowledged=acknowledged)


@transaction.atomic
def expected_kol_add(*, actor, event: Event, kol, **fields) -> ExpectedKOL:
    if event.is_internal:
        raise ValidationError("KOLs are not expected at internal meetings.")
    if ExpectedKOL.objects.filter(event=event, kol=kol).exists():
        raise ValidationError({"kol": f"{kol} is already on this event's list."})
    return _saved(actor, ExpectedKOL(event=event, kol=kol, added_by=actor, **fields))


@transaction.atomic
def event_meeting_plan(
    *, actor, event: Event, kol, planned_at: dt.datetime, objectives="", location=""
) -> EventMeeting:
    """A KOL meeting at the event becomes the MSL's planned interaction, which shows in
    their agenda and calendar feed and is logged like any other."""
    if not actor.has_role(Role.MSL):
        # As on the interaction form and the API: only MSLs log interactions.
        raise PermissionDenied("Only MSLs plan KOL meetings.")
    if event.is_internal:
        raise ValidationError("KOL meetings are planned at external events.")
    day = timezone.localtime(planned_at).date()
    if not event.starts_on <= day <= event.ends_on:
        raise ValidationError(
            {
                "planned_at": f"Pick a time during the event ({event.starts_on:%Y-%m-%d} to "
                f"{event.ends_on:%Y-%m-%d})."
            }
        )
    interaction = interaction_create(
        actor=actor,
        kols=[kol],
        type=InteractionType.CONGRESS,
        planned_at=planned_at,
        location=location or event.location,
        objectives=objectives,
    )
    return _saved(actor, EventMeeting(event=event, interaction=interaction))


@transaction.atomic
def trip_create(*, actor, **fields) -> Trip:
    return _saved(actor, Trip(traveller=actor, **fields))


def _own_trip(actor, trip: Trip) -> None:
    if trip.traveller_id != actor.pk:
        raise PermissionDenied("Only the traveller changes a trip.")


@transaction.atomic
def itinerary_item_add(*, actor, trip: Trip, **fields) -> ItineraryItem:
    _own_trip(actor, trip)
    return _saved(actor, ItineraryItem(trip=trip, **fields))


@transaction.atomic
def expense_add(*, actor, trip: Trip, receipt=None, **fields) -> Expense:
    _own_trip(actor, trip)
    expense = Expense(trip=trip, **fields)
    if receipt:
        expense.receipt_content_type = _checked(receipt, "receipt")
        expense.receipt = receipt
    return _saved(actor, expense)


@transaction.atomic
def expense_delete(*, actor, expense: Expense) -> None:
    _own_trip(actor, expense.trip)
    audit_deleted(actor=actor, instance=expense)
    receipt = expense.receipt
    expense.delete()
    if receipt:
        transaction.on_commit(lambda: receipt.storage.delete(receipt.name))


def _checked(upload, field: str) -> str:
    try:
        return document_type(upload)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


@transaction.atomic
def learning_record_create(*, actor, certificate=None, **fields) -> LearningRecord:
    """A completed course or training. Completing a required training sets its expiry, and
    completing one tied to a product certifies the person to discuss that product."""
    record = LearningRecord(user=actor, **fields)
    if record.completed_on and record.completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "Record learning once it is completed."})
    requirement = record.requirement
    if requirement is not None:
        if not requirement.active:
            raise ValidationError({"requirement": "This training is no longer required."})
        if requirement.role not in actor.role_names:
            raise ValidationError({"requirement": "This training is not required of your role."})
        record.kind = record.kind or "training"
        if record.completed_on:
            record.expires_on = record.completed_on + relativedelta(
                months=requirement.valid_for_months
            )
    if certificate:
        record.certificate_content_type = _checked(certificate, "certificate")
        record.certificate = certificate
    record.full_clean()
    if requirement is not None and requirement.product_id:
        record.certification = _saved(
            actor,
            ProductCertification(
                user=actor,
                product=requirement.product,
                certified_on=record.completed_on,
                expires_on=record.expires_on,
                source=CertificationSource.LEARNING,
                note=requirement.title[:200],
            ),
        )
    record.save()
    audit_created(actor=actor, instance=record)
    return record


@transaction.atomic
def insight_share(*, actor, meeting: Event, insight: Insight) -> SharedInsight:
    """Bring one of the actor's insights (or one they may read) into a meeting they attend."""
    if not meeting.is_internal:
        raise ValidationError("Insights are shared into internal meetings.")
    if not meeting.attendees.filter(pk=actor.pk).exists():
        raise PermissionDenied("Only attendees share insights into a meeting.")
    shared, created = SharedInsight.objects.get_or_create(
        meeting=meeting, insight=insight, defaults={"shared_by": actor}
    )
    if created:
        audit_created(actor=actor, instance=shared)
    return shared


@records_refusals
@transaction.atomic
def comment_add(*, actor, insight: Insight, text: str, readers, acknowledged=False):
    """A comment on an insight. People named as @username who may read the insight (the
    `readers` queryset the caller's selector gives) get a mention: in the app at once, and
    by e-mail after the commit unless they turned that off."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write a comment first."})
    screen({CheckedText.COMMENT_TEXT: text}, acknowledged=acknowledged)
    named = {name.lower() for name in MENTION.findall(text)}
    mentioned = (
        list(readers.filter(username__in=_case_variants(named)).exclude(pk=actor.pk))
        if named
        else []
    )
    found = {user.username.lower() for user in mentioned} | {actor.username.lower()}
    unknown = sorted(named - found)
    if unknown:
        raise ValidationError(
            {
                "text": "Nobody who can read this insight is called "
                + ", ".join(f"@{name}" for name in unknown)
                + ". Check the spelling, or share the insight into a meeting they attend."
            }
        )
    comment = _saved(actor, InsightComment(insight=insight, author=actor, text=text))
    notified = [Mention(comment=comment, user=user) for user in mentioned]
    if insight.author_id != actor.pk and insight.author_id not in {u.pk for u in mentioned}:
        notified.append(
            Mention(comment=comment, user_id=insight.author_id, kind=MentionKind.ON_YOUR_INSIGHT)
        )
    mentions = Mention.objects.bulk_create(notified)
    ids = [mention.pk for mention in mentions]
    if ids:
        transaction.on_commit(lambda: mentions_email(ids))
    return comment


def _case_variants(names: set[str]):
    # Usernames are matched case-insensitively without a per-name query.
    return list(
        User.objects.filter(
            username__iregex=r"^(" + "|".join(re.escape(name) for name in names) + r")$"
        ).values_list("username", flat=True)
    )


def mentions_email(mention_ids: list[int]) -> int:
    """Send each mention's e-mail once; a failed send is logged and the mention stays in the
    app, where it was delivered already."""
    sent = 0
    mentions = Mention.objects.filter(pk__in=mention_ids, emailed_at__isnull=True).select_related(
        "user", "comment__author", "comment__insight"
    )
    for mention in mentions:
        user = mention.user
        if not user.email or not wants_mention_email(user):
            continue
        body = render_to_string("emails/mention.txt", {"mention": mention})
        try:
            send_mail(
                f"{mention.comment.author} {mention.get_kind_display().lower()}",
                body,
                None,
                [user.email],
            )
        except OSError:
            logger.warning("Mention e-mail to user %s failed; it stays in the app", user.pk)
            continue
        Mention.objects.filter(pk=mention.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def wants_mention_email(user) -> bool:
    preference = MentionPreference.objects.filter(user=user).first()
    return preference.email if preference else True


def mention_preference_set(*, user, email: bool) -> None:
    MentionPreference.objects.update_or_create(user=user, defaults={"email": email})


def mentions_mark_read(*, user, comment_ids=None) -> int:
    mentions = Mention.objects.filter(user=user, read_at__isnull=True)
    if comment_ids is not None:
        mentions = mentions.filter(comment_id__in=comment_ids)
    return mentions.update(read_at=timezone.now())


def hours_total(records) -> Decimal:
    return sum((record.hours for record in records), Decimal("0"))
