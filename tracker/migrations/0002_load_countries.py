from django.db import migrations


def load(apps, schema_editor):
    from tracker.reference import load_countries

    load_countries(apps.get_model("tracker", "Country"))


def unload(apps, schema_editor):
    apps.get_model("tracker", "Country").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
