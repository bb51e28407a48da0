import pytest

from agreements.models import Agreement
from agreements.tables import AgreementTable

pytestmark = pytest.mark.django_db


def _orderable(table_class):
    table = table_class(Agreement.objects.none())
    return [column.name for column in table.columns if column.orderable]


@pytest.mark.parametrize("name", _orderable(AgreementTable))
@pytest.mark.parametrize("sign", ["", "-"], ids=["ascending", "descending"])
def test_every_order_ends_with_the_id_so_pages_do_not_overlap(name, sign):
    table = AgreementTable(Agreement.objects.all(), order_by=f"{sign}{name}")
    assert table.data.data.query.order_by[-1] == f"{sign}id"


def test_the_default_order_is_by_target_date_then_id():
    from django.db.models import F

    table = AgreementTable(Agreement.objects.all())
    assert table.data.data.query.order_by == (
        F("target_signing_date").desc(nulls_last=True),
        "-id",
    )
