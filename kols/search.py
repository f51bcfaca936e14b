"""The KOL directory's search text: what a word typed in the search box may match, in one
column, so that PostgreSQL answers from one trigram index instead of scanning five columns,
the institutions and the interests of every KOL the user may see."""

import re
from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_save

from .models import KOL, Institution, Interest

BATCH_SIZE = 2000
# Every word of the text follows a separator. Typed words are split on whitespace, so none
# matches across two; and a word of one or two letters, which a trigram index cannot find
# inside other words, is looked up at the start of one ("Xu", not every "maxum").
SEPARATOR = "\n"
SHORTEST_MATCHED_ANYWHERE = 3
# "Dana-Farber", "O'Brien": the part after the mark starts a word too, so "fa" finds it.
INNER_WORD_START = re.compile("[-'\u2019/.]")  # the typographic apostrophe too


def search_words(text: str) -> list[str]:
    return [word.upper() for word in text.split()[:8]]


def search_fragment(word: str) -> str:
    """What the search text must contain for a typed word (upper case)."""
    return word if len(word) >= SHORTEST_MATCHED_ANYWHERE else SEPARATOR + word


def kol_search_text(kol: KOL) -> str:
    parts = [kol.first_name, kol.last_name, kol.specialty, kol.city]
    if kol.institution is not None:
        parts.append(kol.institution.name)
    parts += [interest.name for interest in kol.interests.all()]
    return "".join(SEPARATOR + word for word in search_text_words(parts))


def search_text_words(parts: Iterable[str]) -> list[str]:
    words = []
    for word in " ".join(part for part in parts if part).upper().split():
        words.append(word)
        words += [piece for piece in INNER_WORD_START.split(word)[1:] if piece]
    return words


def kols_search_text_refresh(kol_ids: Iterable[int]) -> None:
    kol_ids = list(kol_ids)
    for start in range(0, len(kol_ids), BATCH_SIZE):
        kols = list(
            KOL.objects.filter(pk__in=kol_ids[start : start + BATCH_SIZE])
            .select_related("institution")
            .prefetch_related("interests")
        )
        changed = []
        for kol in kols:
            text = kol_search_text(kol)
            if text != kol.search_text:
                kol.search_text = text
                changed.append(kol)
        KOL.objects.bulk_update(changed, ["search_text"], batch_size=BATCH_SIZE)


def _kol_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if not raw:
        kols_search_text_refresh([instance.pk])


def _interests_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            kols_search_text_refresh([instance.pk])
    elif action == "pre_clear":
        instance._kols_losing_interest = list(instance.kols.values_list("pk", flat=True))
    elif action == "post_clear":
        kols_search_text_refresh(getattr(instance, "_kols_losing_interest", []))
    elif action in {"post_add", "post_remove"}:
        kols_search_text_refresh(pk_set)


def _name_of_kols_saved(sender, instance, raw=False, **kwargs):
    """An institution or an interest renamed: every KOL it names searches differently."""
    if not raw:
        kols_search_text_refresh(instance.kols.values_list("pk", flat=True))


def connect_search_text_upkeep():
    post_save.connect(_kol_saved, sender=KOL, dispatch_uid="kol-search-text")
    m2m_changed.connect(
        _interests_changed, sender=KOL.interests.through, dispatch_uid="kol-search-interests"
    )
    post_save.connect(_name_of_kols_saved, sender=Institution, dispatch_uid="kol-search-inst")
    post_save.connect(_name_of_kols_saved, sender=Interest, dispatch_uid="kol-search-interest")
