import datetime

import pytest
from django.urls import reverse

from projects.models import Project
from projects.tables import ProjectTable
from tests.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db

BASELINE = datetime.date(2026, 3, 1)


def _orderable():
    table = ProjectTable(Project.objects.none())
    return [column.name for column in table.columns if column.orderable]


@pytest.mark.parametrize("name", _orderable())
@pytest.mark.parametrize("sign", ["", "-"], ids=["ascending", "descending"])
def test_every_order_ends_with_the_id_so_pages_do_not_overlap(name, sign):
    table = ProjectTable(
        Project.objects.with_health(BASELINE), order_by=f"{sign}{name}"
    )
    assert table.data.data.query.order_by[-1] == f"{sign}id"


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-worst_slippage", ["Late", "On time", "No milestones"]),
        ("worst_slippage", ["On time", "Late", "No milestones"]),
    ],
)
def test_projects_without_milestones_sort_last_by_slippage(
    leader_client, desk, sort, expected
):
    late = ProjectFactory(desk=desk, name_en="Late")
    MilestoneFactory(project=late, forecast_date=BASELINE + datetime.timedelta(30))
    on_time = ProjectFactory(desk=desk, name_en="On time")
    MilestoneFactory(project=on_time)
    ProjectFactory(desk=desk, name_en="No milestones")
    response = leader_client.get(reverse("projects:list"), {"sort": sort})
    rows = response.context["table"].page.object_list
    assert [row.record.name_en for row in rows] == expected
