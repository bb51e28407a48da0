"""Two partial covering indexes for the leadership dashboard, read without
touching the tables (index-only scans):

- the signed documents with their year, desk and id, for signed per year and
  the join of signed documents to their counterparts;
- the counterpart parties named by a country, by country then document, for
  documents by country (grouped in the index's order, with no sort) and by
  region.

INCLUDE is PostgreSQL only, and SQLite's tables are small, so this is kept out
of the model state."""

from django.db import migrations

INDEXES = {
    "agreement_signed_covering": (
        "agreements_agreement (signed_on) INCLUDE (id, desk_id) "
        "WHERE signed_on IS NOT NULL"
    ),
    "party_counterpart_country": (
        "agreements_agreementparty (country_id, agreement_id) "
        "WHERE side = 'counterpart' AND country_id IS NOT NULL"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0006_target_date_desc_index")]

    operations = [migrations.RunPython(create, drop)]
