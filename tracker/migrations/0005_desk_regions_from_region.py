"""Each desk's single region becomes its first covered region.

Where two desks named the same region, the first by code keeps it, as the
importer did. Reversed, a desk keeps the first of its regions.
"""

from django.db import migrations


def forward(apps, schema_editor):
    Desk = apps.get_model("tracker", "Desk")
    DeskRegion = apps.get_model("tracker", "DeskRegion")
    taken = set()
    for desk in Desk.objects.exclude(region="").order_by("code"):
        if desk.region not in taken:
            taken.add(desk.region)
            DeskRegion.objects.create(desk=desk, region=desk.region)


def backward(apps, schema_editor):
    Desk = apps.get_model("tracker", "Desk")
    DeskRegion = apps.get_model("tracker", "DeskRegion")
    for item in DeskRegion.objects.order_by("-region"):
        Desk.objects.filter(pk=item.desk_id).update(region=item.region)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0004_deskregion")]

    operations = [migrations.RunPython(forward, backward)]
