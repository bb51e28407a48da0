import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: c["columns"] for name, c in constraints.items() if c["index"]}


def test_the_project_list_by_country_is_read_in_its_order():
    indexes = _indexes("projects_project")
    assert indexes["project_country_name"] == ["country_id", "name_en", "id"]
