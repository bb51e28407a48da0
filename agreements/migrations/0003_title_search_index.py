"""Trigram indexes for the title search (icontains), on PostgreSQL only."""

from django.db import migrations

INDEXES = {
    "agreement_title_en_trgm": "title_en",
    "agreement_title_zh_trgm": "title_zh",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON agreements_agreement "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_target_date_index")]

    operations = [migrations.RunPython(create, drop)]
