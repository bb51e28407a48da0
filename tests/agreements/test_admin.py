"""The admin's document list: what a team would configure instead of the
tracker's list, and the benchmark's yardstick."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AgreementFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:agreements_agreement_changelist")


def _documents(desk, count):
    officer = UserFactory(first_name="Lin", last_name="Wei")
    event = EventFactory(desk=desk, name_en="Belt and Road Forum")
    for _ in range(count):
        AgreementFactory(
            desk=desk, officer=officer, target_event=event, parties=["KEN", "ETH"]
        )


def test_it_shows_the_columns_of_the_document_list(superuser_client, desk):
    _documents(desk, 1)
    body = superuser_client.get(URL).content.decode()
    for shown in ("Kenya; Ethiopia", "Lin Wei", "Belt and Road Forum"):
        assert shown in body


def test_it_filters_by_counterpart_country(superuser_client, desk):
    AgreementFactory(desk=desk, title_en="With Kenya", parties=["KEN"])
    AgreementFactory(desk=desk, title_en="With Peru", parties=["PER"])
    response = superuser_client.get(URL, {"parties__country__code__exact": "PER"})
    assert [a.title_en for a in response.context["cl"].result_list] == ["With Peru"]


def test_it_runs_the_same_queries_for_few_or_many_rows(superuser_client, desk):
    _documents(desk, 2)
    superuser_client.get(URL)
    with CaptureQueriesContext(connection) as few:
        superuser_client.get(URL)
    _documents(desk, 10)
    with CaptureQueriesContext(connection) as many:
        superuser_client.get(URL)
    assert len(many) == len(few)
