from django.db import migrations

# The defaults as they stood when the firewall became data (copied, not imported: a
# migration must not change when the code does).
DEFAULTS = {
    "MSL": (True, True, True, False),
    "Manager": (True, True, True, False),
    "Medical Information": (False, False, False, True),
    "Compliance": (True, True, True, True),
    "Viewer": (False, False, False, False),
}


def write_defaults(apps, schema_editor):
    FirewallRule = apps.get_model("compliance", "FirewallRule")
    for role, (notes, quotes, identifiable, off_label) in DEFAULTS.items():
        FirewallRule.objects.get_or_create(
            role=role,
            defaults={
                "may_see_notes": notes,
                "may_see_quotes": quotes,
                "may_see_identifiable_insights": identifiable,
                "may_see_off_label_inquiries": off_label,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0012_firewall_rules")]

    operations = [migrations.RunPython(write_defaults, migrations.RunPython.noop)]
