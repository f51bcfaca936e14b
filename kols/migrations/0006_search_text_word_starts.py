import re

from django.db import migrations, transaction

SEPARATOR = "\n"
INNER_WORD_START = re.compile("[-'\u2019/.]")  # the typographic apostrophe too
BATCH_SIZE = 2000


def search_text(kol) -> str:
    # The historical models have no kols.search; the same parts and words, in the same order.
    parts = [kol.first_name, kol.last_name, kol.specialty, kol.city]
    if kol.institution is not None:
        parts.append(kol.institution.name)
    parts += [interest.name for interest in kol.interests.all()]
    words = []
    for word in " ".join(part for part in parts if part).upper().split():
        words.append(word)
        words += [piece for piece in INNER_WORD_START.split(word)[1:] if piece]
    return "".join(SEPARATOR + word for word in words)


def separate_every_word(apps, schema_editor):
    """A separator before every word, and before the part after a hyphen or an apostrophe,
    so that short words can be looked up where a word starts (kols.search). Recomputed from
    the KOL's own fields, a batch per transaction: a rerun after a failure gives the same."""
    KOL = apps.get_model("kols", "KOL")
    pks = list(KOL.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH_SIZE):
        with transaction.atomic():
            batch = list(
                KOL.objects.filter(pk__in=pks[start : start + BATCH_SIZE])
                .select_related("institution")
                .prefetch_related("interests")
            )
            for kol in batch:
                kol.search_text = search_text(kol)
            KOL.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    # Each batch commits on its own: one transaction would lock every KOL row for the whole
    # rewrite of a large directory.
    atomic = False

    dependencies = [
        ("kols", "0005_kol_search_text"),
    ]

    operations = [
        migrations.RunPython(separate_every_word, migrations.RunPython.noop),
    ]
