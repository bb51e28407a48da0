from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_country_name_index")]

    operations = [
        migrations.AddField(
            model_name="project",
            name="worst_slippage_days",
            field=models.IntegerField(
                editable=False, null=True, verbose_name="worst slippage (days)"
            ),
        ),
    ]
