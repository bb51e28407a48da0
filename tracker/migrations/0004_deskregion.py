import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("tracker", "0003_roles")]

    operations = [
        migrations.CreateModel(
            name="DeskRegion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("region", models.CharField(choices=[("africa", "Africa"), ("americas", "Americas"), ("asia", "Asia"), ("europe", "Europe"), ("oceania", "Oceania"), ("antarctic", "Antarctic")], error_messages={"unique": "Another desk already covers this region."}, max_length=16, unique=True, verbose_name="region")),
                ("desk", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="regions", to="tracker.desk", verbose_name="desk")),
            ],
            options={
                "verbose_name": "region covered",
                "verbose_name_plural": "regions covered",
                "ordering": ["region"],
            },
        ),
    ]
