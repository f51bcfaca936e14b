"""Matching authors and investigators to KOLs.

An ORCID iD on both sides decides for certain. Otherwise the name does: surname and first
initial, folded to plain lower-case letters; a matching institution in the affiliation
raises the confidence. Matches are suggestions until someone confirms or rejects them.
(PubMed and ClinicalTrials.gov carry no NPI, so NPI cannot match here.)
"""

import unicodedata
from decimal import Decimal

from django.db.models import Q

from kols.models import KOL

SAME_ORCID = Decimal("1.00")
NAME_AND_INSTITUTION = Decimal("0.90")
NAME_ONLY_UNIQUE = Decimal("0.60")


def fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch == " ").strip()


def name_key(last_name: str, first_name: str) -> tuple[str, str]:
    return fold(last_name), fold(first_name)[:1]


def candidate_index(last_names: set[str], orcids: set[str] = frozenset()) -> dict:
    """Every KOL whose surname or ORCID iD appears among the contributors, in one query;
    keyed by name and by ORCID."""
    index: dict = {}
    kols = KOL.objects.filter(
        Q(last_name__in=last_names) | Q(orcid__in=[orcid for orcid in orcids if orcid]),
        erased_at__isnull=True,
    ).select_related("institution")
    for kol in kols:
        index.setdefault(name_key(kol.last_name, kol.first_name), []).append(kol)
        if kol.orcid:
            index[("orcid", kol.orcid)] = [kol]
    return index


def best_match(contributor, index) -> tuple[KOL | None, Decimal | None]:
    by_orcid = index.get(("orcid", contributor.orcid.upper())) if contributor.orcid else None
    if by_orcid:
        return by_orcid[0], SAME_ORCID
    candidates = index.get(name_key(contributor.last_name, contributor.first_name), [])
    if not candidates:
        return None, None
    affiliation = fold(contributor.affiliation)
    at_institution = [
        kol
        for kol in candidates
        if kol.institution and affiliation and fold(kol.institution.name) in affiliation
    ]
    if len(at_institution) == 1:
        return at_institution[0], NAME_AND_INSTITUTION
    if len(candidates) == 1:
        return candidates[0], NAME_ONLY_UNIQUE
    return None, None
