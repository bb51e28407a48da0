"""Trigram indexes for the name search (icontains), on PostgreSQL only."""

from django.db import migrations

INDEXES = {
    "project_name_en_trgm": "name_en",
    "project_name_zh_trgm": "name_zh",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON projects_project "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_list_and_health_indexes")]

    operations = [migrations.RunPython(create, drop)]
