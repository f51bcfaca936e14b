from django.conf import settings
from django.db import migrations


def create_policy(apps, schema_editor):
    # The one policy row, first filled from the environment's settings; admins edit it.
    apps.get_model("compliance", "CompliancePolicy").objects.get_or_create(
        pk=1,
        defaults={
            "drug_safety_mailbox": settings.DRUG_SAFETY_MAILBOX,
            "lock_window_hours": settings.INTERACTION_LOCK_WINDOW_HOURS,
            "max_backdate_days": settings.INTERACTION_MAX_BACKDATE_DAYS,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0015_open_payments_thresholds")]

    operations = [migrations.RunPython(create_policy, migrations.RunPython.noop)]
