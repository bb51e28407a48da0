"""Each project's latest progress report (the latest ``reported_on``, then the
highest id), from the reports already there, in one UPDATE: its RAG, date and
percent, as ``projects.services.project_report_refresh`` stores them; None
without reports."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

FIELDS = {
    "latest_rag": "rag",
    "latest_reported_on": "reported_on",
    "latest_percent": "percent_complete",
}


def fill(apps, schema_editor):
    project = apps.get_model("projects", "Project")
    latest = (
        apps.get_model("projects", "ProgressLog")
        .objects.filter(project=OuterRef("pk"))
        .order_by("-reported_on", "-id")
    )
    project.objects.update(
        **{
            stored: Subquery(latest.values(column)[:1])
            for stored, column in FIELDS.items()
        }
    )


def empty(apps, schema_editor):
    apps.get_model("projects", "Project").objects.update(**dict.fromkeys(FIELDS))


class Migration(migrations.Migration):
    dependencies = [("projects", "0010_project_latest_report")]

    operations = [migrations.RunPython(fill, empty)]
