import csv
import datetime
import html
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Milestone, ProgressLog, Project, ProjectOrganization
from tests.factories import (
    MilestoneFactory,
    OrganizationFactory,
    ProgressLogFactory,
    ProjectFactory,
    country,
)
from workflows.models import TransitionLog

pytestmark = pytest.mark.django_db

READERS = ["officer_client", "chief_client", "leader_client", "viewer_client"]
EDITORS = ["officer_client", "chief_client"]
NOT_EDITORS = ["leader_client", "viewer_client", "admin_client_"]


@pytest.fixture
def project(desk):
    return ProjectFactory(desk=desk, name_en="Mombasa Port Berth 19")


@pytest.fixture
def milestone(project):
    return MilestoneFactory(project=project)


@pytest.fixture
def log(project, officer):
    return ProgressLogFactory(project=project, author=officer)


def _pages(project, milestone, log):
    pk = project.pk
    return {
        "detail": reverse("projects:detail", args=[pk]),
        "history": reverse("projects:history", args=[pk]),
        "edit": reverse("projects:edit", args=[pk]),
        "milestone_create": reverse("projects:milestone_create", args=[pk]),
        "milestone_edit": reverse("projects:milestone_edit", args=[pk, milestone.pk]),
        "progress_correct": reverse("projects:progress_correct", args=[pk, log.pk]),
        "rebaseline": reverse("projects:milestone_rebaseline", args=[pk, milestone.pk]),
    }


READ_PAGES = ["detail", "history"]
EDIT_PAGES = ["edit", "milestone_create", "milestone_edit", "progress_correct"]


@pytest.mark.parametrize("client_name", READERS + ["admin_client_"])
def test_it_shows_a_project_to_its_desk_and_to_global_readers(
    request, client_name, project, milestone, log
):
    client = request.getfixturevalue(client_name)
    pages = _pages(project, milestone, log)
    for name in READ_PAGES:
        assert client.get(pages[name]).status_code == 200, name


def test_it_hides_a_project_from_another_desk(
    other_officer_client, project, milestone, log
):
    for name, url in _pages(project, milestone, log).items():
        assert other_officer_client.get(url).status_code == 404, name
    posts = [
        reverse("projects:transition", args=[project.pk, "cancel"]),
        reverse("projects:log_progress", args=[project.pk]),
        reverse("projects:organization_add", args=[project.pk]),
    ]
    for url in posts:
        assert other_officer_client.post(url, {"comment": "x"}).status_code == 404
    listing = other_officer_client.get(reverse("projects:list"))
    assert "Mombasa Port" not in listing.content.decode()


def test_it_sends_anonymous_visitors_to_login(anon_client, project, milestone, log):
    urls = list(_pages(project, milestone, log).values()) + [
        reverse("projects:list"),
        reverse("projects:create"),
        reverse("projects:import"),
        reverse("projects:lookup_agreements"),
        reverse("projects:lookup_events"),
    ]
    for url in urls:
        response = anon_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("client_name", EDITORS)
def test_it_lets_desk_editors_open_edit_pages(
    request, client_name, project, milestone, log
):
    client = request.getfixturevalue(client_name)
    pages = _pages(project, milestone, log)
    for name in EDIT_PAGES:
        assert client.get(pages[name]).status_code == 200, name
    assert client.get(pages["rebaseline"]).status_code == 403
    assert client.get(reverse("projects:create")).status_code == 200


@pytest.mark.parametrize("client_name", NOT_EDITORS)
def test_it_refuses_edit_pages_to_readers(
    request, client_name, project, milestone, log
):
    client = request.getfixturevalue(client_name)
    pages = _pages(project, milestone, log)
    for name in EDIT_PAGES:
        assert client.get(pages[name]).status_code == 403, name
    assert client.get(reverse("projects:create")).status_code == 403
    response = client.post(
        reverse("projects:log_progress", args=[project.pk]),
        {"reported_on": "2026-01-01", "percent_complete": 5, "rag": "red"},
    )
    assert response.status_code == 403
    assert not ProgressLog.objects.exclude(pk=log.pk).exists()


def test_it_lets_leadership_rebaseline_from_the_page(
    leader_client, leader, project, milestone, log
):
    url = _pages(project, milestone, log)["rebaseline"]
    assert leader_client.get(url).status_code == 200
    response = leader_client.post(
        url, {"baseline_date": "2026-04-15", "reason": "Loan signed late"}
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.baseline_date == datetime.date(2026, 4, 15)
    history = leader_client.get(reverse("projects:history", args=[project.pk]))
    assert "Loan signed late" in history.content.decode()


def test_it_asks_for_a_reason_when_rebaselining(leader_client, project, milestone, log):
    url = _pages(project, milestone, log)["rebaseline"]
    response = leader_client.post(url, {"baseline_date": "2026-04-15", "reason": ""})
    assert response.status_code == 200
    milestone.refresh_from_db()
    assert milestone.baseline_date == datetime.date(2026, 3, 1)


def test_it_runs_transitions_by_post_and_reports_missing_reasons(
    officer_client, project
):
    url = reverse("projects:transition", args=[project.pk, "suspend"])
    assert officer_client.get(url).status_code == 405
    response = officer_client.post(url, {"comment": ""}, follow=True)
    assert "Give a reason" in response.content.decode()
    assert Project.objects.get(pk=project.pk).status == "implementation"
    officer_client.post(url, {"comment": "Contractor dispute"})
    assert Project.objects.get(pk=project.pk).status == "suspended"
    assert TransitionLog.objects.for_object(project).get().comment == (
        "Contractor dispute"
    )


@pytest.mark.parametrize("client_name", ["viewer_client", "admin_client_"])
def test_it_refuses_transitions_to_viewers(request, client_name, project):
    client = request.getfixturevalue(client_name)
    url = reverse("projects:transition", args=[project.pk, "cancel"])
    response = client.post(url, {"comment": "No"})
    assert response.status_code == 403
    assert Project.objects.get(pk=project.pk).status == "implementation"


def test_it_lets_leadership_run_transitions(leader_client, project):
    url = reverse("projects:transition", args=[project.pk, "cancel"])
    leader_client.post(url, {"comment": "Host government withdrew"})
    assert Project.objects.get(pk=project.pk).status == "cancelled"


def test_it_shows_only_allowed_transition_buttons(
    officer_client, viewer_client, project
):
    url = reverse("projects:detail", args=[project.pk])
    officer_page = officer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    viewer_page = viewer_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Suspend" in officer_page
    assert "Log progress" in officer_page
    assert "Suspend" not in viewer_page
    assert "Log progress" not in viewer_page


def test_it_logs_progress_from_the_quick_form(officer_client, officer, project):
    response = officer_client.post(
        reverse("projects:log_progress", args=[project.pk]),
        {
            "reported_on": timezone.localdate().isoformat(),
            "percent_complete": 35,
            "rag": "amber",
            "summary": "Piling started",
            "issues": "Rain",
            "next_steps": "",
        },
    )
    assert response.status_code == 302
    log = ProgressLog.objects.get()
    assert (log.author, log.rag, log.percent_complete) == (officer, "amber", 35)


def test_it_rejects_a_progress_log_over_100_percent(officer_client, project):
    response = officer_client.post(
        reverse("projects:log_progress", args=[project.pk]),
        {"reported_on": "2026-01-01", "percent_complete": 101, "rag": "red"},
    )
    assert response.status_code == 400
    assert not ProgressLog.objects.exists()


def test_it_corrects_a_log_with_a_reason_and_shows_it_in_history(
    officer_client, project, log
):
    url = reverse("projects:progress_correct", args=[project.pk, log.pk])
    data = {
        "reported_on": "2026-03-01",
        "percent_complete": 55,
        "rag": "amber",
        "summary": "Works progressing.",
        "issues": "",
        "next_steps": "",
    }
    response = officer_client.post(url, data)
    assert response.status_code == 200  # reason missing
    assert ProgressLog.objects.get().rag == "green"
    officer_client.post(url, {**data, "reason": "Typo in rating"})
    assert ProgressLog.objects.get().rag == "amber"
    history = officer_client.get(reverse("projects:history", args=[project.pk]))
    assert "Typo in rating" in history.content.decode()


def test_it_creates_and_edits_milestones_without_touching_the_baseline(
    officer_client, project
):
    officer_client.post(
        reverse("projects:milestone_create", args=[project.pk]),
        {"title": "Berth handed over", "baseline_date": "2026-09-01"},
    )
    milestone = Milestone.objects.get()
    assert milestone.forecast_date == datetime.date(2026, 9, 1)
    officer_client.post(
        reverse("projects:milestone_edit", args=[project.pk, milestone.pk]),
        {
            "title": "Berth handed over",
            "baseline_date": "2027-01-01",
            "forecast_date": "2026-10-01",
        },
    )
    milestone.refresh_from_db()
    assert milestone.baseline_date == datetime.date(2026, 9, 1)
    assert milestone.forecast_date == datetime.date(2026, 10, 1)


def test_it_creates_a_project_on_the_officers_desk_only(
    officer_client, desk, other_desk
):
    data = {
        "name_en": "Nairobi Expressway",
        "country": "KEN",
        "sector": "transport",
        "desk": other_desk.pk,
    }
    response = officer_client.post(reverse("projects:create"), data)
    assert response.status_code == 200
    assert not Project.objects.exists()
    officer_client.post(reverse("projects:create"), {**data, "desk": desk.pk})
    project = Project.objects.get()
    assert project.status == Project.Status.PIPELINE
    assert project.desk == desk


def test_it_edits_a_project_but_not_its_status(officer_client, project, desk):
    officer_client.post(
        reverse("projects:edit", args=[project.pk]),
        {
            "name_en": "Mombasa Port Berth 20",
            "country": "TZA",
            "sector": "transport",
            "desk": desk.pk,
            "status": "completed",
            "flagship": "on",
        },
    )
    project.refresh_from_db()
    assert project.name_en == "Mombasa Port Berth 20"
    assert project.country_id == "TZA"
    assert project.flagship is True
    assert project.status == "implementation"


def test_it_adds_and_removes_organisations(officer_client, project, viewer_client):
    organization = OrganizationFactory()
    url = reverse("projects:organization_add", args=[project.pk])
    assert (
        viewer_client.post(
            url, {"organization": organization.pk, "role": "financier"}
        ).status_code
        == 403
    )
    officer_client.post(url, {"organization": organization.pk, "role": "financier"})
    officer_client.post(url, {"organization": organization.pk, "role": "financier"})
    link = ProjectOrganization.objects.get()
    officer_client.post(
        reverse("projects:organization_remove", args=[project.pk, link.pk])
    )
    assert not ProjectOrganization.objects.exists()


def test_it_renders_the_timeline_chart_with_a_table_alternative(
    officer_client, project, milestone
):
    content = officer_client.get(
        reverse("projects:detail", args=[project.pk])
    ).content.decode()
    assert "vendor/echarts/echarts.min.js" in content
    assert 'id="milestone-data"' in content
    assert 'id="milestone-table"' in content
    assert "http://" not in content.split("vendor/echarts")[0][-200:]


def _make_projects(desk, n=5):
    today = timezone.localdate()
    projects = []
    for i in range(n):
        project = ProjectFactory(desk=desk, country=country("KEN" if i % 2 else "PAK"))
        MilestoneFactory(project=project, forecast_date=today)
        ProgressLogFactory(project=project, reported_on=today, rag="red")
        ProgressLogFactory(project=project, reported_on=today, rag="green")
        projects.append(project)
    return projects


def test_it_lists_projects_with_health_in_a_fixed_number_of_queries(
    officer_client, desk, django_assert_num_queries
):
    _make_projects(desk, 3)
    officer_client.get(reverse("projects:list"))
    with django_assert_num_queries(6) as ctx:
        response = officer_client.get(reverse("projects:list"))
    assert response.status_code == 200
    _make_projects(desk, 6)
    with django_assert_num_queries(len(ctx.captured_queries)):
        officer_client.get(reverse("projects:list") + "?sort=latest_rag")


def test_it_shows_a_project_in_a_fixed_number_of_queries(
    officer_client, desk, officer, django_assert_num_queries
):
    project = _make_projects(desk, 1)[0]
    organization = OrganizationFactory()
    ProjectOrganization.objects.create(
        project=project, organization=organization, role="financier"
    )
    url = reverse("projects:detail", args=[project.pk])
    officer_client.get(url)  # the session's first save
    with django_assert_num_queries(9) as ctx:
        assert officer_client.get(url).status_code == 200
    MilestoneFactory.create_batch(4, project=project)
    ProgressLogFactory.create_batch(4, project=project, author=officer)
    with django_assert_num_queries(len(ctx.captured_queries)):
        officer_client.get(url)


def _listed(client, query):
    """The names of the projects the list shows for ``query``."""
    response = client.get(reverse("projects:list") + query)
    assert response.status_code == 200
    return {row.record.name_en for row in response.context["table"].page.object_list}


def test_it_filters_the_list(leader_client, desk, other_desk):
    today = timezone.localdate()
    red = ProjectFactory(desk=desk, name_en="Red Road", country=country("PAK"))
    ProgressLogFactory(project=red, reported_on=today, rag="red")
    green = ProjectFactory(
        desk=other_desk, name_en="Green Grid", flagship=True, aiddata_record_id=4242
    )
    ProgressLogFactory(project=green, reported_on=today, rag="green")
    late = ProjectFactory(desk=desk, name_en="Late Lighthouse")
    MilestoneFactory(
        project=late,
        baseline_date=today - datetime.timedelta(days=40),
        forecast_date=today - datetime.timedelta(days=5),
    )

    def names(query):
        return _listed(leader_client, query)

    assert names("?health=red") == {"Red Road"}
    assert names("?health=none") == {"Late Lighthouse"}
    assert names("?health=slipping") == {"Late Lighthouse"}
    assert names("?overdue=true") == {"Late Lighthouse"}
    assert names("?flagship=true") == {"Green Grid"}
    assert names("?country=PAK") == {"Red Road"}
    assert names("?region=asia") == {"Red Road"}
    assert names(f"?desk={other_desk.pk}") == {"Green Grid"}
    assert names("?q=light") == {"Late Lighthouse"}
    assert names("?q=4242") == {"Green Grid"}
    assert names("?status=implementation&stale=false") == {
        "Red Road",
        "Green Grid",
        "Late Lighthouse",
    }
    assert names("?stale=true") == set()


def test_it_filters_on_several_statuses_and_on_the_worst_slippage(leader_client, desk):
    P = Project.Status
    for status in (P.PIPELINE, P.COMPLETED, P.CANCELLED):
        ProjectFactory(desk=desk, name_en=f"{status} project", status=status)
    baseline = datetime.date(2026, 3, 1)
    for days in (-3, 0, 1, 30, 31, 90, 91, 180, 181):
        MilestoneFactory(
            project=ProjectFactory(desk=desk, name_en=f"Late {days}"),
            baseline_date=baseline,
            forecast_date=baseline + datetime.timedelta(days=days),
        )
    ProjectFactory(desk=desk, name_en="No milestones")

    def names(query):
        return _listed(leader_client, query)

    assert names("?status=pipeline") == {"pipeline project"}
    assert names("?status=pipeline&status=completed") == {
        "pipeline project",
        "completed project",
    }
    assert names("?slippage=on_time") == {"Late -3", "Late 0"}
    assert names("?slippage=1_30") == {"Late 1", "Late 30"}
    assert names("?slippage=31_90") == {"Late 31", "Late 90"}
    assert names("?slippage=91_180") == {"Late 91", "Late 180"}
    assert names("?slippage=over_180") == {"Late 181"}
    # An unknown bucket is an error on the filter form.
    response = leader_client.get(reverse("projects:list") + "?slippage=soon")
    assert response.status_code == 200
    assert "slippage" in response.context["filter"].errors


def test_it_renders_only_the_chosen_country_in_the_filter(leader_client, desk):
    ProjectFactory(desk=desk, country=country("PAK"))
    content = leader_client.get(reverse("projects:list") + "?country=PAK")
    html = content.content.decode()
    assert f'data-autocomplete="{reverse("tracker:lookup_countries")}"' in html
    assert "Pakistan" in html
    assert "Kenya" not in html


def test_it_searches_every_country_for_a_project_or_its_filter(
    officer_client, other_officer_client, desk, project
):
    ProjectFactory(desk=desk, country=country("PAK"))
    url = reverse("tracker:lookup_countries")
    html = officer_client.get(reverse("projects:edit", args=[project.pk])).content
    assert f'data-autocomplete="{url}"' in html.decode()
    for client in (officer_client, other_officer_client):
        assert client.get(url, {"q": "pak"}).json()["results"][0]["value"] == "PAK"


def test_it_exports_csv_and_xlsx_with_formulas_neutralised(leader_client, desk):
    ProjectFactory(desk=desk, name_en='=HYPERLINK("http://evil")')
    ProjectFactory(desk=desk, name_en="Plain Project")
    response = leader_client.get(reverse("projects:list") + "?_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in names
    assert "Plain Project" in names
    response = leader_client.get(reverse("projects:list") + "?_export=xlsx&q=HYPER")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in sheet["A"]]
    assert values[1:] == ['\'=HYPERLINK("http://evil")']


def test_it_exports_only_visible_projects(other_officer_client, desk):
    ProjectFactory(desk=desk, name_en="Secret Harbour")
    response = other_officer_client.get(reverse("projects:list") + "?_export=csv")
    assert "Secret Harbour" not in response.content.decode("utf-8-sig")


def _agreement(desk, title):
    from agreements.models import Agreement

    return Agreement.objects.create(title_en=title, desk=desk)


def test_it_links_only_documents_the_officer_may_see(
    officer_client, project, desk, other_desk
):
    own = _agreement(desk, "MoU on port cooperation")
    hidden = _agreement(other_desk, "Secret framework agreement")
    data = {
        "name_en": project.name_en,
        "country": "KEN",
        "sector": "transport",
        "desk": desk.pk,
    }
    url = reverse("projects:edit", args=[project.pk])
    response = officer_client.post(url, {**data, "agreements": [hidden.pk]})
    assert response.status_code == 200
    assert not project.agreements.exists()
    officer_client.post(url, {**data, "agreements": [own.pk]})
    assert list(project.agreements.all()) == [own]
    assert list(own.projects.all()) == [project]
    page = officer_client.get(reverse("projects:detail", args=[project.pk]))
    assert "MoU on port cooperation" in page.content.decode()


def test_it_scopes_the_document_and_event_lookups(
    officer_client, other_officer_client, desk
):
    from agreements.models import Event

    _agreement(desk, "MoU on port cooperation")
    Event.objects.create(
        name_en="Belt and Road Forum", kind="forum", starts_on="2026-10-01", desk=desk
    )
    documents = reverse("projects:lookup_agreements")
    events = reverse("projects:lookup_events")
    assert len(officer_client.get(documents, {"q": "port"}).json()["results"]) == 1
    assert other_officer_client.get(documents, {"q": "port"}).json()["results"] == []
    assert len(officer_client.get(events, {"q": "forum"}).json()["results"]) == 1
    assert other_officer_client.get(events, {"q": "forum"}).json()["results"] == []


def test_it_hides_linked_documents_of_other_desks_on_the_detail_page(
    leader, login_as, officer_client, project, other_desk
):
    hidden = _agreement(other_desk, "Secret framework agreement")
    project.agreements.add(hidden)
    url = reverse("projects:detail", args=[project.pk])
    assert "Secret framework" not in officer_client.get(url).content.decode()
    assert "Secret framework" in login_as(leader).get(url).content.decode()


def test_it_turns_a_lost_race_into_a_message(officer_client, project, monkeypatch):
    from django_fsm import ConcurrentTransition

    from projects import services

    def lose(**kwargs):
        raise ConcurrentTransition("changed")

    monkeypatch.setattr(services, "project_transition", lose)
    response = officer_client.post(
        reverse("projects:transition", args=[project.pk, "suspend"]),
        {"comment": "Paused"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Someone else changed" in response.content.decode()


def test_it_keeps_links_to_documents_hidden_from_the_editor(
    officer_client, project, desk, other_desk
):
    own = _agreement(desk, "MoU on port cooperation")
    other_own = _agreement(desk, "Action plan on ports")
    hidden = _agreement(other_desk, "Secret framework agreement")
    project.agreements.set([own, hidden])
    url = reverse("projects:edit", args=[project.pk])
    assert "Secret framework" not in officer_client.get(url).content.decode()
    response = officer_client.post(
        url,
        {
            "name_en": project.name_en,
            "country": "KEN",
            "sector": "transport",
            "desk": desk.pk,
            "agreements": [other_own.pk],
        },
    )
    assert response.status_code == 302
    assert set(project.agreements.all()) == {other_own, hidden}


DAY_PAST = datetime.date(2026, 1, 5)


def _dated(client, project, name, on, comment="Site handed over"):
    return client.post(
        reverse("projects:transition", args=[project.pk, name]),
        {"on": on.isoformat(), "comment": comment},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_it_refuses_a_transition_dated_in_the_future_and_keeps_the_form(
    officer_client, project
):
    Project.objects.filter(pk=project.pk).update(status="pipeline")
    tomorrow = timezone.localdate() + datetime.timedelta(1)
    response = _dated(officer_client, project, "start_implementation", tomorrow)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The date cannot be in the future." in page
    assert f'value="{tomorrow.isoformat()}"' in page
    assert ">Site handed over</textarea>" in page
    stored = Project.objects.get(pk=project.pk)
    assert (stored.status, stored.actual_start) == ("pipeline", None)
    assert not TransitionLog.objects.exists()


def test_it_refuses_a_completion_before_the_start(officer_client, project):
    today = timezone.localdate()
    Project.objects.filter(pk=project.pk).update(actual_start=today)
    response = _dated(
        officer_client, project, "complete", today - datetime.timedelta(1)
    )
    assert response.status_code == 400
    assert "The completion date cannot be before the start date" in (
        response.content.decode()
    )
    assert Project.objects.get(pk=project.pk).status == "implementation"
    assert _dated(officer_client, project, "complete", today).status_code == 302
    assert Project.objects.get(pk=project.pk).status == "completed"


def test_it_explains_a_transition_the_status_does_not_allow(officer_client, project):
    response = _dated(officer_client, project, "start_implementation", DAY_PAST)
    assert response.status_code == 400
    assert "This action is not possible" in response.content.decode()


def test_it_refuses_actual_dates_in_the_future_on_the_edit_form(
    officer_client, project, desk
):
    tomorrow = timezone.localdate() + datetime.timedelta(1)
    response = officer_client.post(
        reverse("projects:edit", args=[project.pk]),
        {
            "name_en": project.name_en,
            "country": "KEN",
            "sector": "transport",
            "desk": desk.pk,
            "actual_start": tomorrow.isoformat(),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "The date cannot be in the future." in response.content.decode()
    assert Project.objects.get(pk=project.pk).actual_start is None


def test_it_shows_history_in_words_not_codes(officer_client, officer, leader, project):
    from projects import services

    services.project_transition(
        project=project, transition="suspend", by=officer, comment="Funding gap"
    )
    milestone = services.milestone_create(
        project=project, by=officer, title="Berth handed over", baseline_date=DAY_PAST
    )
    services.milestone_update(
        milestone=milestone,
        by=officer,
        title="Berth handed over",
        forecast_date=DAY_PAST,
        actual_date=None,
        owner=officer,
    )
    services.milestone_rebaseline(
        milestone=milestone,
        by=leader,
        baseline_date=datetime.date(2026, 2, 1),
        reason="Loan signed late",
    )
    log = ProgressLogFactory(project=project, author=officer)
    services.progress_log_correct(log=log, by=officer, reason="Typo", rag="amber")
    page = officer_client.get(
        reverse("projects:history", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Suspend: Implementation → Suspended" in page
    assert f"Owner: — → {html.escape(str(officer))}" in page
    assert "RAG rating: Green → Amber" in page
    assert "Milestone re-baselined" in page
    assert "Baseline date: 2026-01-05 → 2026-02-01" in page
    assert "Loan signed late" in page
    for code in ("implementation →", "→ suspended", "green →", f"→ {officer.pk}<"):
        assert code not in page, code


@pytest.mark.parametrize(
    "params",
    [
        {"page": "99999999999999999999999"},
        {"per_page": "99999999999999999999999"},
        {"per_page": "0"},
    ],
)
def test_odd_page_numbers_and_sizes_still_list(officer_client, desk, params):
    ProjectFactory(desk=desk, name_en="Ports")
    response = officer_client.get(reverse("projects:list"), params)
    assert response.status_code == 200
    rows = [row.record.name_en for row in response.context["table"].page.object_list]
    assert rows == ["Ports"]
