"""A field force's worth of data, fast and repeatable: bulk inserts in batches (COPY for the
large tables on PostgreSQL), the same rows for the same seed. At scale 1: 50 MSLs in 5
teams, 2,000 institutions, 20,000 KOLs, 500,000 interactions, 1,000,000 insights, 50,000
inquiries and 200,000 follow-ups over three years, with seasonal peaks (congress seasons)
and one emerging topic.

Bench rows bypass the services (and so the audit trail): they stand for history, not for
actions anybody took here.
"""

import datetime as dt
import math
import random
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Team, Territory, User
from accounts.roles import Role
from catalog.models import InsightTopic, Product
from inquiries.models import InquiryStatus, MedicalInquiry
from interactions.last_meetings import last_meetings_refresh_all
from interactions.models import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Insight,
    InsightCategory,
    Interaction,
    InteractionStatus,
    Sentiment,
)
from kols.models import KOL, ConsentStatus, Institution
from kols.search import kols_search_text_refresh
from msl_crm.business_days import add_business_days
from msl_crm.table_generations import note_written

BATCH = 5000
YEARS = 3
BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 - a known password for bench users only
PREFIX = "bench"
FULL = {
    "teams": 5,
    "msls": 50,
    "institutions": 2000,
    "kols": 20000,
    "interactions": 500000,
    "insights": 1000000,
    "inquiries": 50000,
    "follow_ups": 200000,
}
FIRST = [
    "Anna",
    "Ben",
    "Chloe",
    "David",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kara",
    "Luis",
    "Maya",
    "Noah",
    "Olga",
    "Pavel",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
]
LAST = [
    "Adler",
    "Baker",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Huang",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Umar",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmer",
]
SPECIALTIES = [
    "Medical oncology",
    "Haematology",
    "Rheumatology",
    "Dermatology",
    "Pulmonology",
    "Gastroenterology",
    "Radiation oncology",
]
CITIES = ["Boston", "New York", "Chicago", "Houston", "Seattle", "Atlanta", "Denver", "Miami"]


@dataclass(frozen=True)
class Counts:
    teams: int
    msls: int
    institutions: int
    kols: int
    interactions: int
    insights: int
    inquiries: int
    follow_ups: int

    @classmethod
    def at(cls, scale: float) -> "Counts":
        return cls(
            **{
                name: max(1 if name == "teams" else 2, round(value * scale))
                for name, value in FULL.items()
            }
        )


@contextmanager
def _keeping_given_times(*models):
    """bulk_create would stamp every row with now: history needs its own times."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False)
    ]
    saved = [(field, field.auto_now_add, field.auto_now) for field in fields]
    for field in fields:
        field.auto_now_add = field.auto_now = False
    try:
        yield
    finally:
        for field, now_add, now in saved:
            field.auto_now_add, field.auto_now = now_add, now


def bench_exists() -> bool:
    return User.objects.filter(username__startswith=f"{PREFIX}-msl-").exists()


@transaction.atomic
def generate(scale: float, *, seed: int = 2026, now: dt.datetime | None = None, log=print):
    counts = Counts.at(scale)
    rng = random.Random(seed)  # noqa: S311 - repeatable data, not a secret
    now = now or timezone.now()
    start = now - dt.timedelta(days=365 * YEARS)
    topics = list(InsightTopic.objects.filter(parent__isnull=False).order_by("pk"))
    products = list(Product.objects.order_by("pk"))
    if not topics or not products:
        raise RuntimeError("Seed the catalog first (seed_bench does: catalog.demo).")

    with _keeping_given_times(
        User, Team, Territory, Institution, KOL, Interaction, Insight, MedicalInquiry, FollowUp
    ):
        msls, managers, medinfo = _people(counts, rng, now)
        territories = _territories(counts, msls, managers, now)
        institutions = _institutions(counts, rng, now)
        kols_by_territory = _kols(counts, rng, territories, institutions, now)
        log(
            f"people, {len(institutions)} institutions, "
            f"{sum(map(len, kols_by_territory.values()))} KOLs"
        )
        interactions = _interactions(counts, rng, msls, kols_by_territory, start, now)
        last_meetings_refresh_all()
        log(f"{len(interactions)} interactions")
        _insights(counts, rng, interactions, topics, now)
        log(f"{counts.insights} insights")
        _inquiries(counts, rng, interactions, products, medinfo, now)
        _follow_ups(counts, rng, interactions, now)
        log(f"{counts.inquiries} inquiries, {counts.follow_ups} follow-ups")
    return counts


def _people(counts, rng, now):
    password = make_password(BENCH_PASSWORD)
    users = (
        [
            User(
                username=f"{PREFIX}-msl-{n:03d}",
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                password=password,
                date_joined=now,
            )
            for n in range(counts.msls)
        ]
        + [
            User(
                username=f"{PREFIX}-manager-{n:02d}",
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                password=password,
                date_joined=now,
            )
            for n in range(counts.teams)
        ]
        + [
            User(
                username=f"{PREFIX}-medinfo",
                first_name="Mia",
                last_name="Info",
                password=password,
                date_joined=now,
            ),
            User(
                username=f"{PREFIX}-compliance",
                first_name="Carl",
                last_name="Check",
                password=password,
                date_joined=now,
            ),
            User(
                username=f"{PREFIX}-viewer",
                first_name="Vera",
                last_name="View",
                password=password,
                date_joined=now,
            ),
        ]
    )
    User.objects.bulk_create(users, batch_size=BATCH)
    users = list(User.objects.filter(username__startswith=f"{PREFIX}-").order_by("username"))
    by_name = {user.username: user for user in users}
    msls = [by_name[f"{PREFIX}-msl-{n:03d}"] for n in range(counts.msls)]
    managers = [by_name[f"{PREFIX}-manager-{n:02d}"] for n in range(counts.teams)]
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    membership = [(user, Role.MSL) for user in msls] + [(user, Role.MANAGER) for user in managers]
    membership += [
        (by_name[f"{PREFIX}-medinfo"], Role.MEDICAL_INFORMATION),
        (by_name[f"{PREFIX}-compliance"], Role.COMPLIANCE),
        (by_name[f"{PREFIX}-viewer"], Role.VIEWER),
    ]
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=groups[role].pk) for user, role in membership
    )
    return msls, managers, by_name[f"{PREFIX}-medinfo"]


def _territories(counts, msls, managers, now):
    Team.objects.bulk_create(
        Team(name=f"Bench team {n + 1}", manager=manager, created_at=now, updated_at=now)
        for n, manager in enumerate(managers)
    )
    teams = list(Team.objects.filter(name__startswith="Bench team ").order_by("pk"))
    team_of = {msl.pk: teams[n % len(teams)] for n, msl in enumerate(msls)}
    Team.members.through.objects.bulk_create(
        Team.members.through(team_id=team_of[msl.pk].pk, user_id=msl.pk) for msl in msls
    )
    Territory.objects.bulk_create(
        Territory(
            name=f"Bench territory {n + 1}",
            code=f"BN-{n + 1:04d}",
            region=f"Region {team_of[msl.pk].pk % 5 + 1}",
            country="US",
            team=team_of[msl.pk],
            created_at=now,
            updated_at=now,
        )
        for n, msl in enumerate(msls)
    )
    territories = list(Territory.objects.filter(code__startswith="BN-").order_by("code"))
    Territory.assignees.through.objects.bulk_create(
        Territory.assignees.through(territory_id=territory.pk, user_id=msl.pk)
        for territory, msl in zip(territories, msls, strict=True)
    )
    return list(zip(territories, msls, strict=True))


def _institutions(counts, rng, now):
    Institution.objects.bulk_create(
        (
            Institution(
                name=f"Bench {rng.choice(CITIES)} Medical Center {n + 1}",
                type=rng.choice(["academic", "community", "cancer_center", "practice"]),
                city=rng.choice(CITIES),
                country="US",
            )
            for n in range(counts.institutions)
        ),
        batch_size=BATCH,
    )
    return list(Institution.objects.filter(name__startswith="Bench ").values_list("pk", flat=True))


def _kols(counts, rng, territories, institutions, now):
    tiers = [1] * 10 + [2] * 30 + [3] * 60
    KOL.objects.bulk_create(
        (
            KOL(
                first_name=rng.choice(FIRST),
                last_name=f"{rng.choice(LAST)}{n % 997}",
                specialty=rng.choice(SPECIALTIES),
                institution_id=rng.choice(institutions),
                city=rng.choice(CITIES),
                country="US",
                territory=territories[n % len(territories)][0],
                tier=rng.choice(tiers),
                consent_status=ConsentStatus.GRANTED,
                created_at=now,
                updated_at=now,
            )
            for n in range(counts.kols)
        ),
        batch_size=BATCH,
    )
    by_territory: dict[int, list[int]] = {}
    rows = KOL.objects.filter(territory__code__startswith="BN-").values_list("territory", "pk")
    for territory_id, pk in rows:
        by_territory.setdefault(territory_id, []).append(pk)
    kols_search_text_refresh(pk for pks in by_territory.values() for pk in pks)
    return {msl.pk: by_territory.get(territory.pk, []) for territory, msl in territories}


def _seasonal_moment(rng, start, now) -> dt.datetime:
    """Spring and autumn congress seasons bring more meetings; August and December fewer."""
    span = (now - start).total_seconds()
    while True:
        moment = start + dt.timedelta(seconds=rng.random() * span)
        weight = 1 + 0.5 * math.cos((moment.timetuple().tm_yday - 120) / 365 * 4 * math.pi)
        if rng.random() * 1.5 < weight:
            return moment


@dataclass(frozen=True)
class Logged:
    """What the later generators need of an interaction, without keeping the model."""

    pk: int
    owner_id: int
    occurred_at: dt.datetime
    kol_ids: tuple[int, ...]


def _interactions(counts, rng, msls, kols_by_msl, start, now) -> list[Logged]:
    lock_after = dt.timedelta(days=7)
    logged_rows: list[Logged] = []
    for first in range(0, counts.interactions, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, counts.interactions)):
            owner = msls[n % len(msls)]
            when = _seasonal_moment(rng, start, now - dt.timedelta(hours=1))
            recent = now - when < lock_after
            status = (
                rng.choice([InteractionStatus.DRAFT, InteractionStatus.SUBMITTED])
                if recent
                else InteractionStatus.LOCKED
            )
            logged = status != InteractionStatus.DRAFT
            rows.append(
                Interaction(
                    owner=owner,
                    type=rng.choice(["one_to_one"] * 6 + ["group", "virtual", "congress"]),
                    channel=rng.choice(["in_person", "video", "phone"]),
                    occurred_at=when,
                    duration_minutes=rng.choice([30, 45, 60]),
                    notes="Discussed recent data.",
                    status=status,
                    first_submitted_at=when + dt.timedelta(hours=2) if logged else None,
                    submitted_at=when + dt.timedelta(hours=2) if logged else None,
                    locked_at=when + lock_after if status == InteractionStatus.LOCKED else None,
                    created_at=when,
                    updated_at=when,
                )
            )
        links = []
        for interaction in _insert(Interaction, rows, with_keys=True):
            pool = kols_by_msl[interaction.owner_id]
            chosen = tuple(
                sorted({rng.choice(pool) for _ in range(1 if rng.random() < 0.85 else 2)})
            )
            links += [
                Interaction.kols.through(interaction_id=interaction.pk, kol_id=kol)
                for kol in chosen
            ]
            logged_rows.append(
                Logged(interaction.pk, interaction.owner_id, interaction.occurred_at, chosen)
            )
        _insert(Interaction.kols.through, links)
    return logged_rows


def _insights(counts, rng, interactions, topics, now):
    emerging = topics[len(topics) // 2]
    emerging_since = now - dt.timedelta(weeks=8)
    categories, sentiments = InsightCategory.values, Sentiment.values
    batch = []
    for n in range(counts.insights):
        interaction = interactions[n % len(interactions)]
        at = interaction.occurred_at + dt.timedelta(hours=1)
        topic = emerging if at > emerging_since and rng.random() < 0.2 else rng.choice(topics)
        batch.append(
            Insight(
                interaction_id=interaction.pk,
                kol_id=rng.choice(interaction.kol_ids),
                author_id=interaction.owner_id,
                topic=topic,
                category=rng.choice(categories),
                sentiment=rng.choice(sentiments),
                importance=rng.choice([1, 2, 2, 3]),
                text="The KOL described how practice is changing.",
                created_at=at,
            )
        )
        if len(batch) == BATCH:
            _insert(Insight, batch)
            batch = []
    _insert(Insight, batch)


def _inquiries(counts, rng, interactions, products, medinfo, now):
    rows = []
    for n in range(counts.inquiries):
        interaction = interactions[(n * 7) % len(interactions)]
        asked = interaction.occurred_at
        recent = now - asked < dt.timedelta(days=10)
        status = (
            rng.choice([InquiryStatus.OPEN, InquiryStatus.ASSIGNED])
            if recent
            else (InquiryStatus.CLOSED)
        )
        rows.append(
            MedicalInquiry(
                kol_id=interaction.kol_ids[0],
                raised_by_id=interaction.owner_id,
                product=rng.choice(products),
                interaction_id=interaction.pk,
                unsolicited_attested=True,
                requested_by="The KOL",
                requested_at=asked,
                request_setting="one_to_one",
                question="Is there data in this population?",
                response_channel="email",
                urgency=rng.choice(["standard"] * 9 + ["urgent"]),
                deadline=add_business_days(asked.date(), 5),
                status=status,
                assignee=medinfo if status != InquiryStatus.OPEN else None,
                delivered_at=asked + dt.timedelta(days=3)
                if status == InquiryStatus.CLOSED
                else None,
                closed_at=asked + dt.timedelta(days=4) if status == InquiryStatus.CLOSED else None,
                created_at=asked,
            )
        )
    _insert(MedicalInquiry, rows)


def _follow_ups(counts, rng, interactions, now):
    today = now.date()
    rows = []
    for n in range(counts.follow_ups):
        interaction = interactions[(n * 3) % len(interactions)]
        due = interaction.occurred_at.date() + dt.timedelta(days=rng.randint(3, 30))
        done = due < today - dt.timedelta(days=5) or rng.random() < 0.3
        rows.append(
            FollowUp(
                owner_id=interaction.owner_id,
                kind=rng.choice(FollowUpKind.values),
                description="Send the publication we discussed",
                due_date=due,
                status=FollowUpStatus.DONE if done else FollowUpStatus.OPEN,
                interaction_id=interaction.pk,
                kol_id=interaction.kol_ids[0],
                done_at=interaction.occurred_at + dt.timedelta(days=2) if done else None,
                created_at=interaction.occurred_at,
            )
        )
    _insert(FollowUp, rows)


def _insert(model, objects: list, *, with_keys: bool = False) -> list:
    """The objects' rows written, their primary keys set first where `with_keys` asks.

    On PostgreSQL by COPY: Django's bulk INSERT spent about 60 % of the seed building its
    statements and adapting each value (profiled at scale 0.1), where COPY takes the rows
    as they are. The values go as the objects hold them, without Django's conversion to
    database values: right for these models' fields (text, numbers, dates, aware
    datetimes, keys, bytes), wrong for one that converts (a naive datetime, an encrypted
    field), which would need `get_db_prep_save` first.
    """
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=BATCH)
    if with_keys:
        for instance, key in zip(objects, _keys_reserved(model, len(objects)), strict=True):
            instance.pk = key
    fields = [field for field in model._meta.concrete_fields if with_keys or not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for instance in objects:
            copy.write_row([getattr(instance, field.attname) for field in fields])
    note_written(model)
    return objects


def _keys_reserved(model, count: int) -> list[int]:
    """`count` keys taken from the table's own sequence, so later rows never meet them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [key for (key,) in cursor.fetchall()]
