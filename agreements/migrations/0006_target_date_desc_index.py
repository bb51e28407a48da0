"""The document list's default order, latest target first and undated last,
read off one index on PostgreSQL (a backward scan of agreement_target_date
would put the undated first). SQLite puts NULLs last in a descending order
already, and cannot index NULLS LAST, so this is PostgreSQL only and kept out
of the model state."""

from django.db import migrations

INDEX = "agreement_target_date_desc"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON agreements_agreement "
            "(target_signing_date DESC NULLS LAST, id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0005_party_history_baseline")]

    operations = [migrations.RunPython(create, drop)]
