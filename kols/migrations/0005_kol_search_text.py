from django.db import migrations, models

SEPARATOR = "\n"


def fill_search_text(apps, schema_editor):
    # The historical models have no kols.search; the same parts, in the same order.
    KOL = apps.get_model("kols", "KOL")
    batch = []
    for kol in KOL.objects.select_related("institution").prefetch_related("interests"):
        parts = [kol.first_name, kol.last_name, kol.specialty, kol.city]
        if kol.institution is not None:
            parts.append(kol.institution.name)
        parts += [interest.name for interest in kol.interests.all()]
        kol.search_text = SEPARATOR.join(part for part in parts if part).upper()
        batch.append(kol)
    KOL.objects.bulk_update(batch, ["search_text"], batch_size=2000)


def add_trigram_index(apps, schema_editor):
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    # SQLite has no such index; its LIKE scan is the fallback.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS kol_search_trgm ON kols_kol "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kol_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("kols", "0004_kol_orcid_kol_kol_unique_orcid"),
    ]

    operations = [
        migrations.AddField(
            model_name="kol",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
