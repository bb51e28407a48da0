"""Each project's worst milestone slippage, from the milestones already there,
in one UPDATE: the largest (actual, else forecast, else baseline) − baseline
in days, as ``projects.models.slippage_days`` defines it; None without
milestones. Plain SQL, the same on SQLite (3.33 or later) and PostgreSQL but
for the subtraction of dates."""

from django.db import migrations

CURRENT = "COALESCE(actual_date, forecast_date, baseline_date)"
DAYS = {
    "postgresql": f"{CURRENT} - baseline_date",
    "sqlite": f"CAST(julianday({CURRENT}) - julianday(baseline_date) AS INTEGER)",
}


def fill(apps, schema_editor):
    days = DAYS[schema_editor.connection.vendor]
    schema_editor.execute(
        "UPDATE projects_project SET worst_slippage_days = worst.days "
        f"FROM (SELECT project_id, MAX({days}) AS days FROM projects_milestone "
        "GROUP BY project_id) AS worst "
        "WHERE projects_project.id = worst.project_id"
    )


def empty(apps, schema_editor):
    schema_editor.execute("UPDATE projects_project SET worst_slippage_days = NULL")


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_project_worst_slippage_days")]

    operations = [migrations.RunPython(fill, empty)]
