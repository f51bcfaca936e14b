"""Importing publications and trials, matching their people to KOLs, and the user's feed
actions (read, save to a KOL, share with the team)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .matching import best_match, candidate_index
from .models import (
    ClinicalTrial,
    Contributor,
    FeedEntry,
    FeedVisit,
    MatchStatus,
    Publication,
    WatchTopic,
)
from .pubmed import PersonRecord, PublicationRecord
from .trials import TrialRecord

PUBLICATION_FIELDS = ("title", "abstract", "journal", "published_on", "doi", "mesh_terms")
TRIAL_FIELDS = (
    "title",
    "status",
    "phase",
    "conditions",
    "interventions",
    "sponsor",
    "locations",
    "start_date",
    "completion_date",
)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"


@transaction.atomic
def publications_import(records: list[PublicationRecord]) -> ImportResult:
    return _import(Publication, "pmid", PUBLICATION_FIELDS, records, "authors", "publication")


@transaction.atomic
def trials_import(records: list[TrialRecord]) -> ImportResult:
    return _import(ClinicalTrial, "nct_id", TRIAL_FIELDS, records, "investigators", "trial")


def _import(model, key, fields, records, people_attr, link) -> ImportResult:
    """De-duplicated by the item's public id: a known item whose content changed is updated
    and marked so; a file that repeats an item imports it once."""
    by_key = {getattr(record, key): record for record in records}
    existing = {
        getattr(item, key): item for item in model.objects.filter(**{f"{key}__in": list(by_key)})
    }
    created = updated = unchanged = 0
    now = timezone.now()
    touched = []
    for value, record in by_key.items():
        item = existing.get(value)
        values = {name: getattr(record, name) for name in fields}
        values["search_text"] = search_text(values)
        if item is None:
            item = model.objects.create(**{key: value}, **values)
            created += 1
        elif any(getattr(item, name) != new for name, new in values.items()):
            for name, new in values.items():
                setattr(item, name, new)
            item.was_updated, item.changed_at = True, now
            item.save()
            updated += 1
        else:
            unchanged += 1
            continue
        touched.append((item, getattr(record, people_attr)))
    _replace_people(touched, link)
    return ImportResult(created, updated, unchanged)


def search_text(values: dict) -> str:
    parts = []
    for value in values.values():
        if isinstance(value, list):
            parts.extend(str(item) for item in value)
        elif isinstance(value, str):
            parts.append(value)
    return " ".join(" ".join(parts).lower().split())


def _replace_people(touched: list[tuple[object, list[PersonRecord]]], link: str) -> None:
    """The people of new and changed items, matched to KOLs; decisions already taken on a
    person (confirmed or rejected) are kept when the item is re-imported."""
    if not touched:
        return
    decided = {
        (getattr(row, f"{link}_id"), row.last_name, row.first_name): (row.kol_id, row.match_status)
        for row in Contributor.objects.filter(
            **{f"{link}__in": [item for item, _ in touched]},
            match_status__in=[MatchStatus.CONFIRMED, MatchStatus.REJECTED],
        )
    }
    Contributor.objects.filter(**{f"{link}__in": [item for item, _ in touched]}).delete()
    people = [person for _, item_people in touched for person in item_people]
    index = candidate_index(
        {person.last_name for person in people}, {person.orcid.upper() for person in people}
    )
    rows = []
    for item, people in touched:
        for position, person in enumerate(people):
            row = Contributor(
                **{link: item},
                position=position,
                last_name=person.last_name[:120],
                first_name=person.first_name[:120],
                affiliation=person.affiliation,
                orcid=person.orcid,
                role=person.role[:80],
            )
            previous = decided.get((item.pk, row.last_name, row.first_name))
            if previous:
                row.kol_id, row.match_status = previous
            else:
                kol, confidence = best_match(row, index)
                if kol is not None:
                    row.kol, row.match_confidence = kol, confidence
                    row.match_status = MatchStatus.SUGGESTED
            rows.append(row)
    Contributor.objects.bulk_create(rows)


@transaction.atomic
def match_decide(*, actor, contributor: Contributor, confirm: bool) -> Contributor:
    if contributor.kol_id is None:
        raise ValidationError("There is no suggested KOL to confirm or reject.")
    contributor.match_status = MatchStatus.CONFIRMED if confirm else MatchStatus.REJECTED
    contributor.save(update_fields=["match_status"])
    return contributor


def feed_entry(user, *, publication=None, trial=None) -> FeedEntry:
    entry, _ = FeedEntry.objects.get_or_create(user=user, publication=publication, trial=trial)
    return entry


def feed_mark_read(*, user, publication=None, trial=None, read: bool = True) -> FeedEntry:
    entry = feed_entry(user, publication=publication, trial=trial)
    entry.read_at = timezone.now() if read else None
    entry.save(update_fields=["read_at"])
    return entry


def feed_save_to_kol(*, user, kol, publication=None, trial=None) -> FeedEntry:
    entry = feed_entry(user, publication=publication, trial=trial)
    entry.saved_to.add(kol)
    return entry


def feed_share_with_team(*, user, team, publication=None, trial=None) -> FeedEntry:
    if not team.members.filter(pk=user.pk).exists() and team.manager_id != user.pk:
        raise PermissionDenied("You share with your own team.")
    entry = feed_entry(user, publication=publication, trial=trial)
    entry.shared_with = team
    entry.save(update_fields=["shared_with"])
    return entry


@transaction.atomic
def watch_topic_create(*, actor, team=None, products=(), **fields) -> WatchTopic:
    """A topic for the actor, or for a team the actor belongs to (then the team owns it)."""
    if team is not None and not team.members.filter(pk=actor.pk).exists():
        raise PermissionDenied("You watch topics for your own team only.")
    topic = WatchTopic(owner=None if team else actor, team=team, **fields)
    topic.full_clean()
    topic.save()
    topic.products.set(products)
    return topic


def feed_visit_record(user) -> None:
    """Remember this visit; what changes after the previous one shows as new."""
    now = timezone.now()
    visit = FeedVisit.objects.filter(user=user).first()
    if visit is None:
        FeedVisit.objects.create(user=user, previous_visit_at=None, last_visit_at=now)
        return
    visit.previous_visit_at, visit.last_visit_at = visit.last_visit_at, now
    visit.save(update_fields=["previous_visit_at", "last_visit_at"])


def feed_share_with_my_team(*, user, publication=None, trial=None):
    """Share with the user's team (the first by name if several); None when in no team."""
    team = user.teams.order_by("name").first()
    if team is None:
        return None
    return feed_share_with_team(user=user, team=team, publication=publication, trial=trial)
