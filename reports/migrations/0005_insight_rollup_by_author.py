import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Django would drop and re-add the author's foreign key to drop its index, re-checking every
# rollup row while the users table is locked against writes (sign-ins); only the index goes.
AUTHOR_INDEX = "reports_insightrollup_author_id_90a63f65"


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_materials_private_and_checked"),
        ("reports", "0004_stale_rollup_week"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="insightrollup",
            index=models.Index(
                fields=["author", "week", "topic", "insights"], name="insight_rollup_by_author"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="insightrollup",
                    name="author",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{AUTHOR_INDEX}"',
                    reverse_sql=(
                        f'CREATE INDEX "{AUTHOR_INDEX}" ON "reports_insightrollup" ("author_id")'
                    ),
                ),
            ],
        ),
    ]
