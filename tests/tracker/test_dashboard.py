import datetime
import json
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from agreements.models import Agreement, AgreementParty, Event
from agreements.services import agreement_regions_refresh
from projects.services import milestone_rebaseline
from tests.factories import (
    MilestoneFactory,
    ProgressLogFactory,
    ProjectFactory,
    country,
)
from tracker.dashboard import dashboard_charts, dashboard_get

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)
S = Agreement.State


def document(desk, state, *, signed_on=None, partner="KEN", event=None):
    agreement = Agreement.objects.create(
        title_en=f"{state} document",
        desk=desk,
        state=state,
        signed_on=signed_on,
        target_event=event,
    )
    AgreementParty.objects.create(
        agreement=agreement,
        side=AgreementParty.Side.COUNTERPART,
        country=country(partner),
    )
    agreement_regions_refresh(agreement_ids=[agreement.pk])
    return agreement


@pytest.fixture
def portfolio(desk, other_desk, officer):
    event = Event.objects.create(
        name_en="Belt and Road Forum",
        kind=Event.Kind.FORUM,
        starts_on=TODAY + datetime.timedelta(days=20),
        desk=desk,
    )
    document(desk, S.NEGOTIATING, event=event)
    document(desk, S.AGREED, partner="PAK")
    document(desk, S.APPROVAL, event=event)
    document(desk, S.READY, event=event)
    document(desk, S.SIGNED, signed_on=datetime.date(2026, 5, 4))
    document(desk, S.IN_FORCE, signed_on=datetime.date(2025, 3, 1), partner="PAK")
    document(other_desk, S.NEGOTIATING, partner="HUN")
    document(other_desk, S.IN_FORCE, signed_on=datetime.date(2026, 2, 1), partner="HUN")

    red = ProjectFactory(desk=desk)
    ProgressLogFactory(project=red, rag="red", reported_on=TODAY, author=officer)
    stale = ProjectFactory(desk=desk)
    ProgressLogFactory(
        project=stale,
        rag="green",
        reported_on=datetime.date(2026, 8, 1),
        author=officer,
    )
    MilestoneFactory(
        project=stale,
        baseline_date=datetime.date(2026, 9, 1),
        forecast_date=datetime.date(2026, 10, 15),
    )
    green = ProjectFactory(desk=other_desk, country=country("HUN"))
    ProgressLogFactory(project=green, rag="green", reported_on=TODAY, author=officer)
    return event


def test_it_counts_the_whole_portfolio_for_leadership(portfolio, leader):
    d = dashboard_get(user=leader, today=TODAY)
    assert (d.in_negotiation, d.awaiting_approval, d.in_force) == (2, 1, 2)
    assert d.signed_this_year == 2
    assert d.signed_per_year == [(2025, 1), (2026, 2)]
    assert d.signed_by_region == {2025: {"asia": 1}, 2026: {"africa": 1, "europe": 1}}
    assert {row["code"]: row["count"] for row in d.by_country} == {
        "KEN": 4,
        "PAK": 2,
        "HUN": 2,
    }
    assert d.health["red"] == 1 and d.health["green"] == 2
    assert d.health["stale"] == 1 and d.health["slipping"] == 1
    assert d.overdue_projects == 1
    # The stale project's milestone is forecast 44 days after its baseline.
    assert d.slippage == {
        "on_time": 0,
        "1_30": 0,
        "31_90": 1,
        "91_180": 0,
        "over_180": 0,
    }
    assert [(e.name_en, e.targeted, e.ready) for e in d.events] == [
        ("Belt and Road Forum", 3, 1)
    ]


def test_it_counts_only_the_desk_of_an_officer(portfolio, officer, other_officer):
    mine = dashboard_get(user=officer, today=TODAY)
    assert (mine.in_negotiation, mine.awaiting_approval, mine.in_force) == (1, 1, 1)
    assert mine.signed_this_year == 1
    assert "HUN" not in {row["code"] for row in mine.by_country}
    theirs = dashboard_get(user=other_officer, today=TODAY)
    assert (theirs.in_negotiation, theirs.in_force, theirs.health["red"]) == (1, 1, 0)
    assert theirs.events == []


def test_it_narrows_to_one_desk_for_leadership(portfolio, leader, other_desk):
    d = dashboard_get(user=leader, today=TODAY, desk=other_desk)
    assert (d.in_negotiation, d.in_force, d.health["green"]) == (1, 1, 1)


def test_it_links_every_figure_to_its_filtered_list(portfolio, leader, desk):
    with translation.override("en"):
        charts = dashboard_charts(dashboard_get(user=leader, today=TODAY, desk=desk))
    documents, projects = reverse("agreements:list"), reverse("projects:list")
    headline = {label: href for label, _value, href, _tone in charts["headline"]}
    assert headline["In negotiation"] == f"{documents}?desk={desk.pk}&state=negotiating"
    assert headline["Projects at risk (red)"] == (
        f"{projects}?desk={desk.pk}&status=pipeline&status=implementation&health=red"
    )
    data = charts["data"]
    assert all(item["url"].startswith(documents) for item in data["funnel"])
    # Signed by the Asia desk: 2025 with Pakistan (Asia), 2026 with Kenya (Africa).
    assert [s["name"] for s in data["signed"]["series"]] == ["Africa", "Asia"]
    assert data["signed"]["series"][1]["data"][0] == {
        "value": 1,
        "url": f"{documents}?desk={desk.pk}&signed_year=2025&region=asia",
    }


@pytest.mark.parametrize("persona", ["leader", "officer"])
def test_it_runs_a_fixed_number_of_queries_whatever_the_size(
    portfolio, desk, persona, request, django_assert_num_queries
):
    user = request.getfixturevalue(persona)
    client = request.getfixturevalue(f"{persona}_client")
    client.get(reverse("tracker:home"))  # warm content types and session
    dashboard_get(user=user, today=TODAY)  # and the user's roles and desks

    def page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("tracker:home")).status_code == 200
        # The dashboard's own reads.
        with django_assert_num_queries(11):
            dashboard_charts(dashboard_get(user=user, today=TODAY))
        return len(captured)

    small = page()
    for n in range(20):
        document(desk, S.NEGOTIATING, partner=("KEN", "PAK", "VNM")[n % 3])
        project = ProjectFactory(desk=desk)
        ProgressLogFactory(project=project, rag="amber")
        MilestoneFactory(project=project, baseline_date=TODAY)
    assert page() == small


def test_it_shows_each_persona_its_dashboard_and_hides_other_desks(
    portfolio, officer_client, other_officer_client, viewer_client, anon_client, desk
):
    assert officer_client.get(reverse("tracker:home")).status_code == 200
    assert viewer_client.get(reverse("tracker:home") + "?desk=asia").status_code == 200
    response = other_officer_client.get(reverse("tracker:home") + "?desk=asia")
    assert response.status_code == 404
    assert anon_client.get(reverse("tracker:home")).status_code == 302


def test_its_links_land_on_lists_showing_the_same_figures(
    portfolio, leader, leader_client, desk
):
    signed = dashboard_charts(dashboard_get(user=leader, today=TODAY))["data"]["signed"]
    signed_2026 = next(i for i in signed["total"] if i["label"] == "2026")
    body = leader_client.get(signed_2026["url"]).content.decode()
    assert body.count("signed document") + body.count("in_force document") == 2
    africa = signed["series"][0]["data"][-1]
    assert africa["value"] == 1
    body = leader_client.get(africa["url"]).content.decode()
    assert body.count("signed document") + body.count("in_force document") == 1


def test_it_counts_every_event_in_90_days_of_the_chosen_desk(
    portfolio, leader, desk, other_desk
):
    for n in range(9):
        Event.objects.create(
            name_en=f"Dialogue {n}",
            kind=Event.Kind.WORKING_MEETING,
            starts_on=TODAY + datetime.timedelta(days=30 + n),
            desk=other_desk,
        )
    Event.objects.create(
        name_en="Too far ahead",
        kind=Event.Kind.FORUM,
        starts_on=TODAY + datetime.timedelta(days=91),
        desk=other_desk,
    )
    everything = dashboard_get(user=leader, today=TODAY)
    assert len(everything.events) == 10
    assert len(everything.events_shown) == 8
    theirs = dashboard_get(user=leader, today=TODAY, desk=other_desk)
    assert {e.desk_id for e in theirs.events} == {other_desk.pk}
    assert len(theirs.events) == 9
    mine = dashboard_get(user=leader, today=TODAY, desk=desk)
    assert [e.name_en for e in mine.events] == ["Belt and Road Forum"]
    with translation.override("en"):
        charts = dashboard_charts(theirs)
    headline = {label: value for label, value, _href, _tone in charts["headline"]}
    assert headline["Events in 90 days"] == 9


def test_it_links_to_every_upcoming_event_beyond_the_table(leader_client, desk):
    today = timezone.localdate()
    for n in range(9):
        Event.objects.create(
            name_en=f"Dialogue {n}",
            kind=Event.Kind.WORKING_MEETING,
            starts_on=today + datetime.timedelta(days=n),
            desk=desk,
        )
    response = leader_client.get(reverse("tracker:home"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert body.count("Dialogue ") == 8
    assert "All 9 events in the next 90 days" in body
    starts_by = (today + datetime.timedelta(days=90)).isoformat()
    assert f"/events/?when=upcoming&amp;starts_by={starts_by}" in body


@pytest.mark.parametrize("language, none", [("en", "None yet."), ("zh-hans", "暂无。")])
def test_an_empty_chart_table_says_so(leader, leader_client, language, none):
    leader.language = language
    leader.save(update_fields=["language"])
    body = leader_client.get(reverse("tracker:home")).content.decode()
    # No document yet: no year signed and no partner country on the map.
    for section in ("signed-title", "map-title"):
        table = body[body.index(f'id="{section}"') :]
        table = table[: table.index("</table>")]
        assert f'<tr><td colspan="2">{none}</td></tr>' in table, section


def test_a_rebaseline_in_the_weeks_changes_says_what_happened(
    leader, leader_client, desk
):
    milestone = MilestoneFactory(project=ProjectFactory(desk=desk))
    milestone_rebaseline(
        milestone=milestone,
        by=leader,
        baseline_date=milestone.baseline_date + datetime.timedelta(days=30),
        reason="Rains",
    )
    body = leader_client.get(
        reverse("tracker:home"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Milestone re-baselined: Rains" in body


def test_it_sends_its_script_only_what_the_charts_draw(portfolio, leader_client):
    body = leader_client.get(reverse("tracker:home")).content.decode()
    data = json.loads(
        re.search(
            r'<script id="chart-data" type="application/json">(.*?)</script>',
            body,
            re.S,
        ).group(1)
    )
    assert set(data) == {"funnel", "signed", "health", "status", "slippage", "map"}
    # The map's table is drawn by the page, not sent twice.
    assert set(data["map"]) == {"counts", "names", "urls", "numeric", "label"}
    assert re.search(
        r'<a href="[^"]*&amp;country=KEN">Kenya</a></td><td class="text-end">4</td>',
        body,
    )


# The start of each query and the indexes it is read from alone.
COVERED = {
    'SELECT "agreements_agreement"."state"': ["agreements_agreement_state"],
    'SELECT EXTRACT(YEAR FROM "agreements_agreement"."signed_on") AS "year", '
    '"agreements_agreement"."counterpart_regions"': ["agreement_signed_year_regions"],
    'SELECT "agreements_agreementparty"."country_id"': [
        "party_counterpart_country",
        "agreement_withdrawn",
    ],
    'SELECT "projects_project"."status" AS "status", "projects_project"."latest_rag"': [
        "project_health_cover"
    ],
    'SELECT "projects_project"."status" AS "status", COUNT(*)': [],
    'SELECT "agreements_event"."id"': ["agreement_event_state"],
}
BIG_TABLES = (
    "agreements_agreement",
    "agreements_agreementparty",
    "projects_project",
    "projects_milestone",
)


@pytest.mark.postgres
# Outside a transaction, to vacuum: an index is read alone where the table's
# pages are marked visible, as they are at scale.
@pytest.mark.django_db(transaction=True)
def test_its_counts_are_read_off_indexes_not_the_wide_rows(portfolio, leader):
    with connection.cursor() as cursor:
        for table in BIG_TABLES:
            # Indexes as compact as at scale, whatever the tests before wrote.
            cursor.execute(f"REINDEX TABLE {table}")
        cursor.execute(f"VACUUM ANALYZE {', '.join(BIG_TABLES)}")
    with CaptureQueriesContext(connection) as captured:
        dashboard_get(user=leader, today=TODAY)
    with transaction.atomic(), connection.cursor() as cursor:
        # Whatever the (tiny) tables' statistics, reading them is the last resort.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for start, indexes in COVERED.items():
            sqls = [
                q["sql"]
                for q in captured.captured_queries
                if q["sql"].startswith(start)
            ]
            assert len(sqls) == 1, start
            cursor.execute(f"EXPLAIN {sqls[0]}")
            plan = [row[0] for row in cursor.fetchall()]
            for index in indexes:
                assert any(f"Index Only Scan using {index}" in ln for ln in plan), plan
            scans = [
                line for line in plan if any(f" on {t} " in line for t in BIG_TABLES)
            ]
            assert scans and all("Index Only Scan" in line for line in scans), plan
