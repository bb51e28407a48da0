from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("agreements", "0007_dashboard_covering_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(
                condition=models.Q(("state", "withdrawn")),
                fields=["id"],
                name="agreement_withdrawn",
            ),
        ),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(
                condition=models.Q(("target_event__isnull", False)),
                fields=["target_event"],
                include=("state", "id"),
                name="agreement_event_state",
            ),
        ),
    ]
