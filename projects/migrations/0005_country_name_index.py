"""The project list filtered by country, in its default order (name, id), read
off one index. With only (country, status) the planner walks the name index
and discards the other countries' rows: about 12,000 rows read for a page of
50 at 50,000 projects.

Plain SQL, kept out of the model state like the trigram indexes of 0004, so
the models need no change; it is valid on SQLite and PostgreSQL alike.
"""

from django.db import migrations

INDEX = "project_country_name"


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_name_search_index")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} "
            "ON projects_project (country_id, name_en, id)",
            f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]
