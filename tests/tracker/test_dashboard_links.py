"""Every figure on the dashboard links to a list that shows exactly the
records it counts: follow each link and count the rows."""

import datetime
import html
import json
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, AgreementParty, Event
from agreements.services import agreement_regions_refresh
from projects.models import Project
from tests.factories import (
    DeskFactory,
    MilestoneFactory,
    ProgressLogFactory,
    ProjectFactory,
    country,
)

pytestmark = pytest.mark.django_db
S = Agreement.State
P = Project.Status
TABLE_ROW = re.compile(
    r'<tr><td><a href="([^"]*)">([^<]*)</a></td><td class="text-end">(\d+)</td></tr>'
)
CHART_DATA = re.compile(
    r'<script id="chart-data" type="application/json">(.*?)</script>', re.S
)


def document(desk, state, *partners, signed_on=None):
    agreement = Agreement.objects.create(
        title_en=f"{state} document", desk=desk, state=state, signed_on=signed_on
    )
    for partner in partners:
        AgreementParty.objects.create(
            agreement=agreement,
            side=AgreementParty.Side.COUNTERPART,
            country=country(partner),
        )
    agreement_regions_refresh(agreement_ids=[agreement.pk])
    return agreement


def project(desk, status, *, rag=None, reported_days_ago=1, slip_days=None, **kw):
    """A project with, optionally, a report ``reported_days_ago`` and a
    milestone ``slip_days`` late against its baseline (forecast in future)."""
    today = timezone.localdate()
    record = ProjectFactory(desk=desk, status=status, **kw)
    if rag:
        ProgressLogFactory(
            project=record,
            rag=rag,
            reported_on=today - datetime.timedelta(days=reported_days_ago),
        )
    if slip_days is not None:
        baseline = today + datetime.timedelta(days=10)
        MilestoneFactory(
            project=record,
            baseline_date=baseline,
            forecast_date=baseline + datetime.timedelta(days=slip_days),
        )
    return record


def overdue(record):
    today = timezone.localdate()
    MilestoneFactory(
        project=record,
        baseline_date=today - datetime.timedelta(days=20),
        forecast_date=today - datetime.timedelta(days=5),
    )


@pytest.fixture(scope="module")
def portfolio(django_db_setup, django_db_blocker):
    """The desks and their portfolio, built once: the tests only read them.
    Each test runs in a savepoint of this transaction, as with
    ``TestCase.setUpTestData``, and the whole is rolled back after the last."""
    with django_db_blocker.unblock(), transaction.atomic():
        desks = DeskFactory(code="asia"), DeskFactory(code="africa")
        _build(*desks)
        yield desks
        transaction.set_rollback(True)


@pytest.fixture
def desk(portfolio, db):
    return portfolio[0]


@pytest.fixture
def other_desk(portfolio, db):
    return portfolio[1]


def _build(desk, other_desk):
    today = timezone.localdate()
    last_year = today.replace(year=today.year - 1, month=6, day=1)
    for owner in (desk, other_desk):
        document(owner, S.NEGOTIATING, "KEN")
        document(owner, S.APPROVAL, "KEN", "PAK")
        document(owner, S.SIGNED, "PAK", "IND", signed_on=today)
        document(owner, S.IN_FORCE, "KEN", "NGA", signed_on=last_year)
        document(owner, S.WITHDRAWN, "KEN", "HUN")
        document(owner, S.DRAFTING)
    document(desk, S.READY, "HUN", "DEU")

    for owner in (desk, other_desk):
        for status in (P.PIPELINE, P.IMPLEMENTATION):
            project(owner, status, rag="red", slip_days=0)
            project(owner, status, rag="amber", slip_days=12)
            project(owner, status, rag="green", slip_days=45)
            project(owner, status, rag="green", reported_days_ago=40, slip_days=120)
            project(owner, status, slip_days=400)
            overdue(project(owner, status, rag="amber"))
        for status in (P.COMPLETED, P.CANCELLED, P.SUSPENDED):
            overdue(project(owner, status, rag="red", slip_days=12))
        Event.objects.create(
            name_en="Forum",
            kind=Event.Kind.FORUM,
            starts_on=today + datetime.timedelta(days=3),
            desk=owner,
        )
    Event.objects.create(
        name_en="Dialogue",
        kind=Event.Kind.MINISTERIAL_DIALOGUE,
        starts_on=today + datetime.timedelta(days=95),
        desk=desk,
    )


def figures(client, query=""):
    """(name, value, url) of every figure and chart segment on the page: the
    headline and the map's table drawn by the page, the charts drawn by its
    script from the JSON it embeds."""
    response = client.get(reverse("tracker:home") + query)
    assert response.status_code == 200
    body = response.content.decode()
    page = response.context["charts"]
    charts = json.loads(CHART_DATA.search(body).group(1))
    assert charts == json.loads(json.dumps(page["data"]))
    found = [
        (f"headline: {label}", value, url)
        for label, value, url, _tone in page["headline"]
    ]
    for chart in ("funnel", "health", "status", "slippage"):
        found += [
            (f"{chart}: {item['label']}", item["value"], item["url"])
            for item in charts[chart]
        ]
    found += [
        (f"signed: {item['label']}", item["value"], item["url"])
        for item in charts["signed"]["total"]
    ]
    for series in charts["signed"]["series"]:
        found += [
            (f"signed: {series['name']} {year}", item["value"], item["url"])
            for year, item in zip(
                charts["signed"]["years"], series["data"], strict=True
            )
        ]
    # The map's table: a row per country the map colours, with its link.
    section = body[body.index('id="map-title"') : body.index('id="health-title"')]
    table = [
        (f"map: {html.unescape(name)}", int(value), html.unescape(url))
        for url, name, value in TABLE_ROW.findall(section)
    ]
    world = charts["map"]
    assert sorted(table) == sorted(
        (f"map: {world['names'][code]}", n, world["urls"][code])
        for code, n in world["counts"].items()
    )
    return found + table


def rows_shown(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["table"].page
    assert not page.has_next(), url
    return len(page.object_list)


def mismatches(client, found):
    wrong = []
    for name, value, url in found:
        shown = rows_shown(client, url)
        if shown != value:
            wrong.append(f"{name}: {value} counted, {shown} listed at {url}")
    return wrong


@pytest.mark.parametrize("persona", ["leader", "officer", "leader_of_desk"])
def test_every_figure_lists_the_records_it_counts(
    portfolio, persona, leader_client, officer_client, desk
):
    client = officer_client if persona == "officer" else leader_client
    query = f"?desk={desk.code}" if persona == "leader_of_desk" else ""
    found = figures(client, query)
    assert mismatches(client, found) == []
    assert sum(1 for _name, value, _url in found if value) > 30
    # The figures about active projects are among those checked.
    assert any("status=pipeline&status=implementation" in u for *_f, u in found)
    assert any("slippage=over_180" in u for *_f, u in found)


def test_the_figures_about_active_projects_leave_the_others_out(portfolio, leader):
    from tracker.dashboard import dashboard_get

    d = dashboard_get(user=leader, today=timezone.localdate())
    # Two desks, two active statuses each.
    assert d.health == {
        "red": 4,
        "amber": 8,
        "green": 8,
        "none": 4,
        "stale": 4,
        "slipping": 20,
    }
    assert d.overdue_projects == 4
    # The overdue milestones are 15 days late.
    assert d.slippage == {
        "on_time": 4,
        "1_30": 8,
        "31_90": 4,
        "91_180": 4,
        "over_180": 4,
    }
