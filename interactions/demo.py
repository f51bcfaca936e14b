"""Demo interactions: months of meetings, insights and follow-ups for each demo MSL.

Written straight to the tables in bulk (not through the services) because it is history:
the lifecycle rules (no backdating beyond 30 days, the lock window) apply to new work, not
to a demo that pretends a team has been working for half a year. Deterministic.
"""

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from catalog.models import InsightTopic, Product
from compliance.models import TransferOfValue, ValueKind

from .models import (
    FollowUp,
    FollowUpKind,
    Insight,
    InsightCategory,
    Interaction,
    InteractionStatus,
    Sentiment,
)

NOTES = [
    "Discussed long-term outcomes data and how it fits the current treatment pathway.",
    "Reviewed the latest congress data; the KOL asked about use in elderly patients.",
    "Talked through sequencing after progression and the practical barriers to referral.",
    "Shared the safety management guide; questions on monitoring in community settings.",
    "Explored interest in investigator roles for the upcoming phase III programme.",
]
INSIGHTS = [
    "Few treatment options remain after second relapse, especially for frail patients.",
    "Community centres wait for guideline updates before changing practice.",
    "Prior authorisation delays treatment starts by several weeks.",
    "Peers are unsure how to grade and manage the immune-related adverse events.",
    "Trial eligibility criteria exclude many of the patients seen in practice.",
    "Competitor data on quality of life is being discussed at tumour boards.",
    "Nurses need practical education on infusion-related reactions.",
]


def seed(stdout) -> None:
    if Interaction.objects.exists():
        stdout.write("Interactions: already there, none added.")
        return
    rng = random.Random(4)  # noqa: S311 - repeatable demo data, not a secret
    topics = list(InsightTopic.objects.filter(parent__isnull=False))
    products = list(Product.objects.all())
    now = timezone.now()
    created = 0
    for msl in User.objects.filter(groups__name="MSL", territories__isnull=False).distinct():
        kols = [
            kol
            for territory in msl.territories.all()
            for kol in territory.kols.filter(do_not_contact=False).exclude(
                consent_status="withdrawn"
            )
        ]
        if not kols:
            continue
        for week in range(settings.DEMO_HISTORY_WEEKS, -2, -1):
            for _ in range(rng.randint(2, 4)):
                created += _meeting(rng, msl, kols, topics, products, now, week)
        created += _meetings_today(msl, kols)
    stdout.write(f"Interactions: {created} with insights and follow-ups for the demo MSLs.")


def _meetings_today(msl, kols) -> int:
    """Two meetings on today's agenda, so the MSL's day has briefings to read and logs to
    start: the most senior KOLs first."""
    today = timezone.localdate()
    senior = sorted(kols, key=lambda kol: (kol.tier, kol.pk))[:2]
    for kol, (hour, minute) in zip(senior, ((10, 0), (15, 30)), strict=False):
        interaction = Interaction.objects.create(
            owner=msl,
            type="one_to_one",
            channel="in_person",
            planned_at=timezone.make_aware(dt.datetime.combine(today, dt.time(hour, minute))),
            duration_minutes=45,
            location=kol.institution.name if kol.institution else "",
            objectives="Follow up on their questions about long-term outcomes.",
            status=InteractionStatus.PLANNED,
        )
        interaction.kols.set([kol])
    return len(senior)


def _meeting(rng, msl, kols, topics, products, now, week) -> int:
    when = now - dt.timedelta(weeks=week, days=rng.randint(0, 4), hours=rng.randint(1, 8))
    attendees = rng.sample(kols, k=rng.choice([1, 1, 1, 2]))
    if week < 0:
        status = InteractionStatus.PLANNED
    elif week == 0:
        status = rng.choice([InteractionStatus.DRAFT, InteractionStatus.SUBMITTED])
    else:
        status = InteractionStatus.LOCKED
    logged = status != InteractionStatus.PLANNED
    window = dt.timedelta(hours=settings.INTERACTION_LOCK_WINDOW_HOURS)
    interaction = Interaction.objects.create(
        owner=msl,
        type=rng.choice(["one_to_one", "one_to_one", "group", "virtual", "congress"]),
        channel=rng.choice(["in_person", "video", "phone"]),
        planned_at=when if status == InteractionStatus.PLANNED else None,
        occurred_at=when if logged else None,
        duration_minutes=rng.choice([30, 45, 60]),
        objectives="Understand current practice and share the latest data.",
        notes=rng.choice(NOTES) if logged else "",
        status=status,
        first_submitted_at=when + dt.timedelta(hours=2)
        if status in (InteractionStatus.SUBMITTED, InteractionStatus.LOCKED)
        else None,
        submitted_at=when + dt.timedelta(hours=2)
        if status in (InteractionStatus.SUBMITTED, InteractionStatus.LOCKED)
        else None,
        locked_at=when + window if status == InteractionStatus.LOCKED else None,
    )
    interaction.kols.set(attendees)
    chosen_topics = rng.sample(topics, k=2) if topics else []
    interaction.topics.set(chosen_topics)
    if products:
        interaction.products.set(rng.sample(products, k=1))
    if logged and chosen_topics:
        Insight.objects.bulk_create(
            Insight(
                interaction=interaction,
                kol=rng.choice(attendees),
                author=msl,
                topic=rng.choice(chosen_topics),
                category=rng.choice(list(InsightCategory)),
                sentiment=rng.choice(list(Sentiment)),
                importance=rng.choice([1, 2, 2, 3]),
                text=rng.choice(INSIGHTS),
            )
            for _ in range(rng.randint(1, 3))
        )
        Insight.objects.filter(interaction=interaction).update(created_at=when)
    if logged and interaction.type == "group" and rng.random() < 0.6:
        # A working lunch at a group meeting: the transfers-of-value totals have data.
        TransferOfValue.objects.create(
            interaction=interaction,
            kol=attendees[0],
            kind=ValueKind.MEAL,
            amount=Decimal(rng.choice(["18.50", "24.00", "32.75", "12.90"])),
            description="Working lunch",
            given_on=when.date(),
            recorded_by=msl,
        )
    if logged and week <= 3 and rng.random() < 0.5:
        due = (when + dt.timedelta(days=rng.randint(3, 14))).date()
        FollowUp.objects.create(
            owner=msl,
            kind=rng.choice(list(FollowUpKind)),
            description=rng.choice(
                ["Send the trial summary", "Book the next visit", "Answer the dosing question"]
            ),
            due_date=due,
            interaction=interaction,
            kol=attendees[0],
            status="done" if due < timezone.localdate() - dt.timedelta(days=3) else "open",
        )
    return 1
