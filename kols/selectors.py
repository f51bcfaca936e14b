"""Reads of KOLs, scoped to what the asking user may see."""

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import OrderBy, QuerySet, Value
from django.db.models.functions import Upper
from django.shortcuts import get_object_or_404

from accounts.scoping import scope_for_user, visible_territories
from catalog.models import TherapeuticArea

from .models import KOL, Interest
from .search import search_fragment, search_words


def kols_visible_to(user) -> QuerySet[KOL]:
    """KOLs in the user's territories (or their teams'); erased people are gone from view."""
    return scope_for_user(
        KOL.objects.filter(erased_at__isnull=True), user, territory_field="territory"
    )


def kol_get_for_user(*, user, pk) -> KOL:
    """The KOL if the user may see it; 404 otherwise, so nobody learns that it exists."""
    queryset = kols_visible_to(user).select_related("institution", "territory")
    return get_object_or_404(queryset, pk=pk)


def kol_search(queryset: QuerySet[KOL], text: str) -> QuerySet[KOL]:
    """Every word must match the name, specialty, institution, city or an interest; a word
    of one or two letters must start a word of theirs."""
    for word in search_words(text):
        queryset = queryset.filter(search_text__contains=search_fragment(word))
    return queryset


def by_name(*, searched: bool, descending: bool = False) -> list:
    """How KOL lists sort by name. Search results are found first and then sorted, by name
    in any case: sorted as stored, PostgreSQL walks the name index instead, testing KOL
    after KOL until a page matches, which for "Xu" is most of the directory."""
    if not searched:
        return ["-last_name", "-first_name"] if descending else ["last_name", "first_name"]
    return [OrderBy(Upper(field), descending=descending) for field in ("last_name", "first_name")]


def directory_order(chosen: Sequence, *, searched: bool) -> list:
    """The directory's order: the column the user sorted by (`chosen`, as the filter set
    it), with names sorted as `by_name` says."""
    if not chosen:
        return by_name(searched=searched)
    if chosen[0] in ("last_name", "-last_name"):
        return by_name(searched=searched, descending=chosen[0].startswith("-"))
    return list(chosen)


def kol_areas_and_interests(kol: KOL) -> tuple[list[str], list[str]]:
    """The names of the KOL's therapeutic areas and of their interests, in one query: the
    briefing shows both as badges."""
    areas = (
        TherapeuticArea.objects.filter(kols=kol)
        .annotate(kind=Value("area"))
        .values_list("kind", "name")
    )
    interests = (
        Interest.objects.filter(kols=kol)
        .annotate(kind=Value("interest"))
        .values_list("kind", "name")
    )
    rows = list(areas.order_by().union(interests.order_by(), all=True).order_by("name"))
    return (
        [name for kind, name in rows if kind == "area"],
        [name for kind, name in rows if kind == "interest"],
    )


def territories_for_filter(user):
    return visible_territories(user).order_by("name")


def kol_find_by_npi(npi: str) -> KOL | None:
    """Any KOL with this NPI, whoever may see it: used to refuse duplicates."""
    return KOL.objects.filter(npi=npi).exclude(npi="").first() if npi else None


# Other apps add what they hold about a KOL (interactions, insights, inquiries, transfers of
# value) here, from their AppConfig.ready(): key -> (kol) -> JSON-ready value.
_personal_data_sections: dict[str, Callable[[KOL], Any]] = {}


def register_personal_data_section(key: str, load: Callable[[KOL], Any]) -> None:
    _personal_data_sections[key] = load


def kol_personal_data(kol: KOL) -> dict:
    """Everything held about the person, as a data-subject access request answer."""
    return _core_personal_data(kol) | {
        key: load(kol) for key, load in sorted(_personal_data_sections.items())
    }


def _core_personal_data(kol: KOL) -> dict:
    return {
        "kol": {
            "id": kol.pk,
            "first_name": kol.first_name,
            "last_name": kol.last_name,
            "credentials": kol.credentials,
            "specialty": kol.specialty,
            "npi": kol.npi,
            "national_id": kol.national_id,
            "national_id_type": kol.national_id_type,
            "email": kol.email,
            "phone": kol.phone,
            "city": kol.city,
            "country": kol.country,
            "institution": str(kol.institution) if kol.institution else None,
            "territory": str(kol.territory) if kol.territory else None,
            "tier": kol.tier,
            "preferred_channel": kol.preferred_channel,
            "consent_status": kol.consent_status,
            "consent_date": kol.consent_date,
            "consent_source": kol.consent_source,
            "do_not_contact": kol.do_not_contact,
            "therapeutic_areas": [area.name for area in kol.therapeutic_areas.all()],
            "interests": [interest.name for interest in kol.interests.all()],
            "created_at": kol.created_at,
            "updated_at": kol.updated_at,
        },
        "affiliations": [
            {
                "institution": str(affiliation.institution),
                "role": affiliation.role,
                "start_date": affiliation.start_date,
                "end_date": affiliation.end_date,
            }
            for affiliation in kol.affiliations.select_related("institution")
        ],
        "engagement_plans": [
            {
                "year": plan.year,
                "objectives": plan.objectives,
                "planned_touchpoints": plan.planned_touchpoints,
                "status": plan.status,
            }
            for plan in kol.engagement_plans.all()
        ],
    }
