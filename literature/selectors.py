"""Reads of the literature: the user's feed, their watch topics, a KOL's publications."""

from django.db.models import Exists, Q, QuerySet, Subquery

from .models import (
    ClinicalTrial,
    Contributor,
    FeedEntry,
    FeedVisit,
    MatchStatus,
    Publication,
    WatchTopic,
)


def watch_topics_for(user) -> QuerySet[WatchTopic]:
    """The user's own topics and those of the teams they belong to or manage."""
    return (
        WatchTopic.objects.filter(Q(owner=user) | Q(team__members=user) | Q(team__manager=user))
        .distinct()
        .select_related("team", "therapeutic_area")
        .prefetch_related("products", "therapeutic_area__products")
    )


def topic_condition(topics) -> Q:
    """Any term of a topic matches, narrowed by the topic's products or therapeutic area."""
    condition = Q(pk__in=[])
    for topic in topics:
        matches = _any_of(topic.term_list())
        narrowing = topic.narrowing_terms()
        if narrowing:
            matches &= _any_of(narrowing)
        condition |= matches
    return condition


def _any_of(words) -> Q:
    condition = Q(pk__in=[])
    for word in words:
        condition |= Q(search_text__contains=word.lower())
    return condition


# The feed's two kinds of item and the field that links a FeedEntry or Contributor to each.
LINKS = {"publications": "publication", "trials": "trial"}


def feed_for(user, kind: str = "publications"):
    """Items matching any of the user's watch topics, most recently changed first, with the
    user's read state, in a fixed number of queries."""
    topics = list(watch_topics_for(user))
    model = Publication if kind == "publications" else ClinicalTrial
    link = LINKS[kind]
    shared = FeedEntry.objects.filter(
        Q(shared_with__members=user) | Q(shared_with__manager=user), **{f"{link}__isnull": False}
    ).exclude(user=user)
    items = model.objects.filter(topic_condition(topics) | Q(pk__in=shared.values(link))).order_by(
        "-changed_at", "-pk"
    )
    return items, link


def shared_by_colleagues(user, items, link: str) -> dict[int, list[str]]:
    """For each item, the colleagues who shared it with one of the user's teams."""
    entries = (
        FeedEntry.objects.filter(
            Q(shared_with__members=user) | Q(shared_with__manager=user),
            **{f"{link}__in": [item.pk for item in items]},
        )
        .exclude(user=user)
        .select_related("user")
        .distinct()
    )
    names: dict[int, list[str]] = {}
    for entry in entries:
        names.setdefault(getattr(entry, f"{link}_id"), []).append(
            entry.user.get_full_name() or entry.user.username
        )
    return names


def feed_states(user, items, link: str) -> dict[int, FeedEntry]:
    entries = FeedEntry.objects.filter(user=user, **{f"{link}__in": [item.pk for item in items]})
    return {getattr(entry, f"{link}_id"): entry for entry in entries.prefetch_related("saved_to")}


def previous_visit(user):
    visit = FeedVisit.objects.filter(user=user).first()
    return visit.previous_visit_at if visit else None


def new_since_previous_visit(user, items: QuerySet) -> QuerySet:
    """The feed's items changed since the user's previous visit; all of them before one. The
    visit is read in a subquery, so this costs no query of its own."""
    previous = FeedVisit.objects.filter(user=user, previous_visit_at__isnull=False).values(
        "previous_visit_at"
    )
    return items.filter(Q(changed_at__gt=Subquery(previous)) | ~Exists(previous))


def kol_literature(kol, user, *, limit: int = 5) -> dict:
    """For the KOL briefing: publications and trials where the KOL is a matched author or
    investigator (suggested or confirmed; rejected matches are gone), and those someone
    saved to the KOL from their feed."""
    matched = Contributor.objects.filter(kol=kol).exclude(match_status=MatchStatus.REJECTED)
    saved = FeedEntry.objects.filter(saved_to=kol)
    return {
        "publications": list(
            Publication.objects.filter(
                Q(authors__in=matched)
                | Q(pk__in=saved.filter(publication__isnull=False).values("publication"))
            )
            .distinct()
            .order_by("-published_on")[:limit]
        ),
        "trials": list(
            ClinicalTrial.objects.filter(
                Q(investigators__in=matched)
                | Q(pk__in=saved.filter(trial__isnull=False).values("trial"))
            )
            .distinct()
            .order_by("-start_date")[:limit]
        ),
        "suggested": list(
            matched.filter(match_status=MatchStatus.SUGGESTED).select_related(
                "publication", "trial"
            )[:limit]
        ),
    }
