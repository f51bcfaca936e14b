"""The iCalendar feed of a user's planned meetings and follow-up due dates, behind a secret
address the user can rotate (which cuts off every calendar subscribed to the old one)."""

import datetime as dt
import hashlib
import secrets

import icalendar
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import CalendarFeed, FollowUp, FollowUpStatus, Interaction, InteractionStatus

FEED_PAST = dt.timedelta(days=30)
FEED_FUTURE = dt.timedelta(days=180)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_rotate(*, user) -> str:
    """A new secret for the user's feed; returns it once, only its hash is stored."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": _hash(token)})
    return token


def calendar_feed_owner(token: str):
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def calendar_for(user, *, now: dt.datetime | None = None) -> bytes:
    now = now or timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//MSL CRM//Field medical calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "MSL CRM")
    host = (settings.ALLOWED_HOSTS or ["msl-crm"])[0].lstrip(".")
    meetings = (
        Interaction.objects.filter(
            owner=user,
            status=InteractionStatus.PLANNED,
            planned_at__range=(now - FEED_PAST, now + FEED_FUTURE),
        )
        .prefetch_related("kols")
        .order_by("planned_at")
    )
    for interaction in meetings:
        event = icalendar.Event()
        event.add("uid", f"interaction-{interaction.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", interaction.planned_at)
        event.add(
            "dtend",
            interaction.planned_at + dt.timedelta(minutes=interaction.duration_minutes or 60),
        )
        names = ", ".join(kol.display_name for kol in interaction.kols.all()) or "KOL meeting"
        event.add("summary", f"{interaction.get_type_display()}: {names}")
        if interaction.location:
            event.add("location", interaction.location)
        calendar.add_component(event)
    follow_ups = FollowUp.objects.filter(
        owner=user,
        status=FollowUpStatus.OPEN,
        due_date__range=((now - FEED_PAST).date(), (now + FEED_FUTURE).date()),
    ).order_by("due_date")
    for follow_up in follow_ups:
        todo = icalendar.Event()
        todo.add("uid", f"follow-up-{follow_up.pk}@{host}")
        todo.add("dtstamp", now)
        todo.add("dtstart", follow_up.due_date)
        todo.add("dtend", follow_up.due_date + dt.timedelta(days=1))
        todo.add("summary", f"Follow-up: {follow_up.description}")
        calendar.add_component(todo)
    return calendar.to_ical()
