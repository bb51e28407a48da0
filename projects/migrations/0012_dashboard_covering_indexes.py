from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0011_fill_latest_report")]

    operations = [
        migrations.AddIndex(
            model_name="milestone",
            index=models.Index(
                condition=models.Q(("actual_date__isnull", True)),
                fields=["project"],
                include=("forecast_date", "baseline_date"),
                name="milestone_open_project",
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                fields=["status", "latest_rag"],
                include=(
                    "worst_slippage_days",
                    "latest_reported_on",
                    "created_at",
                    "desk",
                    "id",
                ),
                name="project_health_cover",
            ),
        ),
    ]
