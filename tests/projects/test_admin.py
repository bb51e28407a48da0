"""The admin's project list: what a team would configure instead of the
tracker's list, and the benchmark's yardstick."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MilestoneFactory, ProgressLogFactory, ProjectFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:projects_project_changelist")
BASELINE = datetime.date(2026, 3, 1)


def _project(desk, name, *, late_by):
    project = ProjectFactory(desk=desk, name_en=name)
    MilestoneFactory(
        project=project, forecast_date=BASELINE + datetime.timedelta(late_by)
    )
    ProgressLogFactory(project=project, reported_on=BASELINE, rag="amber")
    return project


def test_it_shows_health_and_slippage_like_the_project_list(superuser_client, desk):
    _project(desk, "Lamu Port", late_by=45)
    body = superuser_client.get(URL).content.decode()
    assert "Amber" in body and ">45<" in body


def test_it_sorts_by_worst_slippage(superuser_client, desk):
    _project(desk, "Zambezi", late_by=90)
    _project(desk, "Aswan", late_by=0)
    response = superuser_client.get(URL, {"o": "-7"})
    names = [p.name_en for p in response.context["cl"].result_list]
    assert names == ["Zambezi", "Aswan"]


def test_it_runs_the_same_queries_for_few_or_many_rows(superuser_client, desk):
    for n in range(2):
        _project(desk, f"Project {n}", late_by=n)
    superuser_client.get(URL)
    with CaptureQueriesContext(connection) as few:
        superuser_client.get(URL)
    for n in range(10):
        _project(desk, f"More {n}", late_by=n)
    with CaptureQueriesContext(connection) as many:
        superuser_client.get(URL)
    assert len(many) == len(few)
