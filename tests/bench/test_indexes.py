import datetime

import pytest
from django.db import connection
from django.db.models import Q

from projects.selectors import project_list
from projects.tables import ProjectTable

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
    from tracker.dashboard import milestones_reached

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


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "index"),
    [
        # Signed per year.
        (
            'SELECT EXTRACT(YEAR FROM "agreements_agreement"."signed_on") AS "year", '
            'COUNT("agreements_agreement"."id")',
            "agreement_signed_covering",
        ),
        # Documents by country, grouped in the index's order.
        (
            'SELECT "agreements_agreementparty"."country_id"',
            "party_counterpart_country",
        ),
    ],
)
def test_the_dashboards_document_figures_are_read_off_covering_indexes(
    leader, query, index
):
    from django.test.utils import CaptureQueriesContext

    from tracker.dashboard import dashboard_get

    with CaptureQueriesContext(connection) as captured:
        dashboard_get(user=leader, today=datetime.date(2026, 3, 1))
    sqls = [q["sql"] for q in captured.captured_queries if q["sql"].startswith(query)]
    assert sqls
    with connection.cursor() as cursor:
        # Whatever the (tiny) tables' statistics, reading them is the last resort.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for sql in sqls:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert f"Index Only Scan using {index}" in plan, plan
