import datetime

import pytest
from django.utils import timezone

from projects.models import Milestone, Project, Rag, slippage_days
from projects.services import milestone_update
from tests.factories import MilestoneFactory, ProgressLogFactory, ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def _health(project):
    return Project.objects.with_health(TODAY).get(pk=project.pk)


def test_it_derives_slippage_from_forecast_or_actual(desk):
    project = ProjectFactory(desk=desk)
    late = MilestoneFactory(
        project=project,
        baseline_date=datetime.date(2026, 1, 1),
        forecast_date=datetime.date(2026, 1, 31),
    )
    early = MilestoneFactory(
        project=project,
        baseline_date=datetime.date(2026, 1, 1),
        forecast_date=datetime.date(2026, 3, 1),
        actual_date=datetime.date(2025, 12, 25),
    )
    assert late.slippage_days == 30
    assert early.slippage_days == -7
    # The database's version, which the stored worst slippage is built from.
    annotated = dict(
        Milestone.objects.annotate(days=slippage_days()).values_list("pk", "days")
    )
    assert annotated == {late.pk: 30, early.pk: -7}


def test_it_reports_the_worst_slippage_and_the_latest_rag(desk):
    project = ProjectFactory(desk=desk)
    MilestoneFactory(
        project=project,
        baseline_date=datetime.date(2026, 1, 1),
        forecast_date=datetime.date(2026, 2, 10),
    )
    MilestoneFactory(
        project=project,
        baseline_date=datetime.date(2026, 1, 1),
        forecast_date=datetime.date(2026, 1, 5),
    )
    ProgressLogFactory(
        project=project, reported_on=datetime.date(2026, 5, 1), rag="red"
    )
    ProgressLogFactory(
        project=project, reported_on=datetime.date(2026, 5, 20), rag="amber"
    )
    ProgressLogFactory(
        project=project, reported_on=datetime.date(2026, 4, 1), rag="green"
    )
    health = _health(project)
    assert health.worst_slippage_days == 40
    assert health.latest_rag == Rag.AMBER
    assert health.latest_reported_on == datetime.date(2026, 5, 20)
    assert health.is_stale is False


def test_it_marks_a_project_stale_after_30_days_without_a_log(desk):
    project = ProjectFactory(desk=desk)
    ProgressLogFactory(project=project, reported_on=TODAY - datetime.timedelta(31))
    assert _health(project).is_stale is True
    ProgressLogFactory(project=project, reported_on=TODAY - datetime.timedelta(30))
    assert _health(project).is_stale is False


def test_it_counts_a_never_reported_project_stale_30_days_after_creation(desk):
    project = ProjectFactory(desk=desk)
    # The day it was created where the desk works (TIME_ZONE), not in UTC.
    created = timezone.localtime(project.created_at).date()
    fresh = Project.objects.with_health(created + datetime.timedelta(days=30))
    old = Project.objects.with_health(created + datetime.timedelta(days=31))
    assert fresh.get(pk=project.pk).is_stale is False
    assert old.get(pk=project.pk).is_stale is True
    assert list(Project.objects.stale(created + datetime.timedelta(days=31))) == [
        project
    ]


def test_it_does_not_call_closed_projects_stale(desk):
    project = ProjectFactory(desk=desk, status=Project.Status.COMPLETED)
    ProgressLogFactory(project=project, reported_on=datetime.date(2020, 1, 1))
    assert _health(project).is_stale is False


def test_it_flags_overdue_milestones(desk, officer):
    project = ProjectFactory(desk=desk, officer=officer)
    milestone = MilestoneFactory(
        project=project,
        baseline_date=datetime.date(2026, 5, 1),
        forecast_date=datetime.date(2026, 5, 31),
    )
    assert _health(project).has_overdue_milestone is True
    # Due on the day itself is not overdue yet.
    on_the_day = Project.objects.with_health(datetime.date(2026, 5, 31))
    assert on_the_day.get(pk=project.pk).has_overdue_milestone is False
    milestone_update(
        milestone=milestone,
        by=officer,
        title=milestone.title,
        forecast_date=milestone.forecast_date,
        actual_date=datetime.date(2026, 5, 30),
    )
    assert _health(project).has_overdue_milestone is False


def test_it_reads_no_milestone_for_overdue_ones():
    # The next due date is stored on the project.
    sql = str(Project.objects.with_health(TODAY).order_by().query)
    assert "projects_milestone" not in sql, sql


def test_it_leaves_health_empty_without_milestones_or_logs(desk):
    health = _health(ProjectFactory(desk=desk))
    assert health.latest_rag is None
    assert health.worst_slippage_days is None
    assert health.has_overdue_milestone is False
