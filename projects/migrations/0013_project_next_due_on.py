"""Each project stores the date its next open milestone is due (the forecast,
else the baseline; see ``Milestone.due_date``), filled here in one UPDATE of
plain SQL (the same on SQLite 3.33 or later and PostgreSQL), and the
dashboard's covering index carries it instead of reading open milestones."""

from django.db import migrations, models

FILL = (
    "UPDATE projects_project SET next_due_on = due.day "
    "FROM (SELECT project_id, MIN(COALESCE(forecast_date, baseline_date)) AS day "
    "FROM projects_milestone WHERE actual_date IS NULL GROUP BY project_id) AS due "
    "WHERE projects_project.id = due.project_id"
)


class Migration(migrations.Migration):
    dependencies = [("projects", "0012_dashboard_covering_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="project", name="project_health_cover"),
        # It served the dashboard's count of projects with an overdue
        # milestone, which now reads the projects' next due date.
        migrations.RemoveIndex(model_name="milestone", name="milestone_open_project"),
        migrations.AddField(
            model_name="project",
            name="next_due_on",
            field=models.DateField(
                editable=False, null=True, verbose_name="next milestone due"
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                fields=["status", "latest_rag"],
                include=(
                    "worst_slippage_days",
                    "next_due_on",
                    "latest_reported_on",
                    "created_at",
                    "desk",
                    "id",
                ),
                name="project_health_cover",
            ),
        ),
    ]
