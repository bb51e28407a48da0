"""A desk covers several regions (tracker.DeskRegion); imports assign
projects by it. Kept with the projects tests, whose importer relies on it."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from projects.models import Project
from tests.factories import DeskFactory
from tracker import demo
from tracker.models import Desk, DeskRegion, Region

from .test_import import GOOD, _csv

BEFORE = [("tracker", "0003_roles")]
AFTER = [("tracker", "0006_remove_desk_region")]


@pytest.mark.django_db
def test_the_demo_desk_covers_the_americas_and_oceania(tmp_path, capsys):
    demo.seed_reference()
    demo.seed_reference()
    americas = Desk.objects.get(code="americas")
    assert set(americas.regions.values_list("region", flat=True)) == {
        Region.AMERICAS,
        Region.OCEANIA,
    }
    assert not Desk.objects.get(code="multilateral").regions.exists()
    row = list(GOOD)
    row[3] = "FJI"
    path = tmp_path / "fiji.csv"
    path.write_bytes(_csv([row]))
    call_command("import_aiddata", str(path))
    assert Project.objects.get().desk == americas


def test_the_admin_gives_a_desk_several_regions_but_a_region_one_desk(admin_client_):
    client = admin_client_
    asia = DeskFactory(code="asia")
    DeskRegion.objects.create(desk=asia, region=Region.ASIA)
    desk = DeskFactory(code="americas")
    url = reverse("admin:tracker_desk_change", args=[desk.pk])
    assert client.get(url).status_code == 200

    def post(*regions):
        data = {
            "code": desk.code,
            "name_en": desk.name_en,
            "name_zh": desk.name_zh,
            "regions-TOTAL_FORMS": len(regions),
            "regions-INITIAL_FORMS": 0,
            "regions-MIN_NUM_FORMS": 0,
            "regions-MAX_NUM_FORMS": 1000,
        }
        for number, region in enumerate(regions):
            data[f"regions-{number}-region"] = region
            data[f"regions-{number}-desk"] = desk.pk
        return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")

    response = post(Region.AMERICAS, Region.ASIA)
    assert response.status_code == 200
    assert "Another desk already covers this region." in response.content.decode()
    assert not desk.regions.exists()
    assert post(Region.AMERICAS, Region.OCEANIA).status_code == 302
    assert set(desk.regions.values_list("region", flat=True)) == {
        Region.AMERICAS,
        Region.OCEANIA,
    }
    listing = client.get(reverse("admin:tracker_desk_changelist")).content.decode()
    assert "Americas, Oceania" in listing


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_desks_region_and_gives_it_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("tracker", "Desk")
    old.objects.create(code="africa", name_en="Africa", name_zh="非洲", region="africa")
    old.objects.create(code="asia", name_en="Asia", name_zh="亚洲", region="asia")
    old.objects.create(code="asia2", name_en="Asia 2", name_zh="亚洲2", region="asia")
    old.objects.create(code="multi", name_en="Multilateral", name_zh="多边")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("tracker", "DeskRegion")
    assert sorted(new.objects.values_list("desk__code", "region")) == [
        ("africa", "africa"),
        ("asia", "asia"),
    ]

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("tracker", "Desk")
    assert dict(old.objects.values_list("code", "region")) == {
        "africa": "africa",
        "asia": "asia",
        "asia2": "",
        "multi": "",
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
