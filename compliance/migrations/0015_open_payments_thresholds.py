from decimal import Decimal

from django.db import migrations

# CMS's published US Open Payments thresholds; admins add later years in the admin.
THRESHOLDS = {
    2025: (Decimal("13.46"), Decimal("134.54")),
    2026: (Decimal("13.82"), Decimal("138.13")),
}


def add_thresholds(apps, schema_editor):
    OpenPaymentsThreshold = apps.get_model("compliance", "OpenPaymentsThreshold")
    for year, (small_item, annual_total) in THRESHOLDS.items():
        OpenPaymentsThreshold.objects.get_or_create(
            program_year=year, defaults={"small_item": small_item, "annual_total": annual_total}
        )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0014_transfers_of_value")]

    operations = [migrations.RunPython(add_thresholds, migrations.RunPython.noop)]
