"""The dashboard's signed documents per year and region read in the order of
an index on (year, regions), grouped without hashing."""

from django.db import migrations, models
from django.db.models.functions import ExtractYear


class Migration(migrations.Migration):
    dependencies = [("agreements", "0009_counterpart_regions")]

    operations = [
        migrations.RemoveIndex(model_name="agreement", name="agreement_signed_regions"),
        migrations.AddIndex(
            model_name="agreement",
            index=models.Index(
                ExtractYear("signed_on"),
                models.F("counterpart_regions"),
                condition=models.Q(("signed_on__isnull", False)),
                include=("signed_on", "desk", "id"),
                name="agreement_signed_year_regions",
            ),
        ),
    ]
