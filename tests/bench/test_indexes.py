import datetime

import pytest
from django.db import connection
from django.db.models import Q

from projects.selectors import project_list
from projects.tables import ProjectTable
from tracker.dashboard import milestones_reached

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: c["columns"] for name, c in constraints.items() if c["index"]}


def test_the_project_list_by_country_is_read_in_its_order():
    indexes = _indexes("projects_project")
    assert indexes["project_country_name"] == ["country_id", "name_en", "id"]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("-worst_slippage", "project_worst_slippage_desc"),
        ("worst_slippage", "project_worst_slippage"),
    ],
)
def test_the_project_list_by_slippage_is_read_off_an_index_either_way(
    leader, sort, index
):
    table = ProjectTable(
        project_list(user=leader, today=datetime.date(2026, 3, 1)), order_by=sort
    )
    with connection.cursor() as cursor:
        # Whatever the (tiny) table's statistics, a sort is the last resort.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = table.data.data[:50].explain()
    assert f"Index Scan using {index} on projects_project" in plan, plan
    assert "worst_slippage_days" not in plan.split("Index Scan")[0], plan


@pytest.mark.postgres
def test_the_dashboards_milestones_reached_are_read_off_their_index():
    today = datetime.date(2026, 3, 1)
    reached = milestones_reached(
        Q(), since=today - datetime.timedelta(days=7), today=today
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = reached.explain()
    assert "Index Scan using milestone_reached on projects_milestone" in plan, plan
    assert "Sort" not in plan, plan
