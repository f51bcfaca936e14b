from django.db import migrations

SEPARATOR = "\n"
BATCH_SIZE = 2000


def separate_every_word(apps, schema_editor):
    """A separator before every word, so that short words can be looked up where a word
    starts (kols.search). The words and their order stay as they were."""
    KOL = apps.get_model("kols", "KOL")
    batch = []
    for kol in KOL.objects.only("pk", "search_text").iterator(chunk_size=BATCH_SIZE):
        text = "".join(SEPARATOR + word for word in kol.search_text.split())
        if text != kol.search_text:
            kol.search_text = text
            batch.append(kol)
        if len(batch) == BATCH_SIZE:
            KOL.objects.bulk_update(batch, ["search_text"])
            batch = []
    KOL.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("kols", "0005_kol_search_text"),
    ]

    operations = [
        migrations.RunPython(separate_every_word, migrations.RunPython.noop),
    ]
