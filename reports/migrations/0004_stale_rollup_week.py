import datetime as dt

from django.db import migrations, models
from django.utils import timezone


def mark_the_last_report_weeks_stale(apps, schema_editor):
    # Until now the weekly task recounted its whole nine-week window; from now on it trusts
    # the marks, so the window it last covered is recounted once more.
    StaleRollupWeek = apps.get_model("reports", "StaleRollupWeek")
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    StaleRollupWeek.objects.bulk_create(
        [StaleRollupWeek(week=monday - dt.timedelta(weeks=n)) for n in range(10)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_schedule_rollup_refresh"),
    ]

    operations = [
        migrations.CreateModel(
            name="StaleRollupWeek",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("week", models.DateField(unique=True)),
            ],
        ),
        migrations.RunPython(mark_the_last_report_weeks_stale, migrations.RunPython.noop),
    ]
