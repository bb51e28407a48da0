from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tracker", "0005_desk_regions_from_region")]

    operations = [migrations.RemoveField(model_name="desk", name="region")]
