"""The project list sorted by worst slippage, projects without milestones last
either way, read off an index in both directions.

PostgreSQL sorts NULL last in an ascending index and first in a descending
one, so one index cannot give both orders with NULL last: the model's
(worst_slippage_days, id) reads the ascending order, and a second index,
descending with NULLS LAST, the other. SQLite accepts no NULLS LAST in an
index, and needs none: NULL is its smallest value, so the model's index read
backwards is the descending order.
"""

from django.db import migrations, models

DESCENDING = "project_worst_slippage_desc"


def create_descending(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {DESCENDING} ON projects_project "
            "(worst_slippage_days DESC NULLS LAST, id DESC)"
        )


def drop_descending(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {DESCENDING}")


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_fill_worst_slippage_days")]

    operations = [
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                fields=["worst_slippage_days", "id"], name="project_worst_slippage"
            ),
        ),
        migrations.RunPython(create_descending, drop_descending),
    ]
