"""The document and project lists write their body rows themselves
(tracker.tables.ListTable): what they write must be what django-tables2's
stock template shows."""

import datetime
import re
from unittest import mock

import pytest
from django.test import RequestFactory
from django.utils import translation
from django_tables2 import RequestConfig
from django_tables2.columns.base import BoundColumn

from agreements.selectors import agreement_list
from agreements.tables import AgreementTable
from projects.selectors import project_list
from projects.tables import ProjectTable
from tests.factories import (
    AgreementFactory,
    EventFactory,
    MilestoneFactory,
    ProgressLogFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)
STOCK = "django_tables2/bootstrap5.html"


def _documents(user, desk):
    event = EventFactory(desk=desk)
    AgreementFactory(
        desk=desk, officer=user, target_event=event, parties=["KEN", "ETH"]
    )
    AgreementFactory(desk=desk, state="in_force", signed_on=TODAY, parties=[])
    return AgreementTable(agreement_list(user=user))


def _projects(user, desk):
    slipping = ProjectFactory(
        desk=desk, flagship=True, amount_usd=1_500_000, name_en="<b>Dam</b> & co"
    )
    MilestoneFactory(project=slipping, forecast_date=TODAY)
    ProgressLogFactory(project=slipping, reported_on=TODAY, rag="red")
    ProjectFactory(desk=desk, aiddata_record_id=4242, sector="")
    return ProjectTable(project_list(user=user, today=TODAY))


def _no_documents(user, desk):
    return AgreementTable(agreement_list(user=user))


def _no_projects(user, desk):
    return ProjectTable(project_list(user=user, today=TODAY))


TABLES = [_documents, _projects]
EMPTY_TABLES = [_no_documents, _no_projects]


def _rendered(table, user, template=None):
    request = RequestFactory().get("/")
    request.user = user
    RequestConfig(request).configure(table)
    if template:
        table.template_name = template
    html = table.as_html(request)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).replace("<td >", "<td>")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("make", TABLES)
def test_it_renders_the_same_table_as_the_stock_template(make, language, leader, desk):
    table = make(leader, desk)
    with translation.override(language):
        light = _rendered(table, leader)
        stock = _rendered(table, leader, template=STOCK)
    assert light.count("<tr class=") == 2
    assert "<b>" not in light
    assert light == stock


def test_a_documents_counterparts_are_listed_in_the_order_they_were_added(leader, desk):
    html = _rendered(_documents(leader, desk), leader)
    assert "<td>Kenya; Ethiopia</td>" in html


@pytest.mark.parametrize("make", EMPTY_TABLES)
def test_an_empty_table_says_so_as_the_stock_template_does(make, leader, desk):
    table = make(leader, desk)
    light = _rendered(table, leader)
    assert str(table.empty_text) in light
    assert light == _rendered(table, leader, template=STOCK)


@pytest.mark.parametrize("make", TABLES)
def test_it_reads_column_attributes_for_the_header_only(make, leader, desk):
    table = make(leader, desk)
    with mock.patch.object(
        BoundColumn, "attrs", new_callable=mock.PropertyMock, return_value={}
    ) as attrs:
        _rendered(table, leader)
    # Once per header cell, not once per body cell as well.
    assert attrs.call_count == len(table.columns)
