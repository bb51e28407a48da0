import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects import services
from projects.models import Milestone, Project
from tests.factories import MilestoneFactory, ProgressLogFactory, ProjectFactory
from workflows.models import TransitionLog

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 4, 1)


@pytest.fixture
def project(desk):
    return ProjectFactory(desk=desk, status=Project.Status.PIPELINE)


def _status(project):
    return Project.objects.get(pk=project.pk).status


def test_it_moves_a_project_through_its_life_and_logs_each_step(project, officer):
    services.project_transition(
        project=project, transition="start_implementation", by=officer, on=DAY
    )
    services.project_transition(
        project=project, transition="suspend", by=officer, comment="Funding gap"
    )
    services.project_transition(project=project, transition="resume", by=officer)
    services.project_transition(
        project=project, transition="complete", by=officer, on=DAY
    )
    project.refresh_from_db()
    assert project.status == Project.Status.COMPLETED
    assert project.actual_start == DAY
    assert project.actual_completion == DAY
    logs = list(TransitionLog.objects.for_object(project).order_by("at", "id"))
    assert [(log.source, log.target) for log in logs] == [
        ("pipeline", "implementation"),
        ("implementation", "suspended"),
        ("suspended", "implementation"),
        ("implementation", "completed"),
    ]
    assert logs[1].comment == "Funding gap"
    assert logs[0].by == officer


def test_it_resumes_a_project_suspended_before_it_started_into_the_pipeline(
    project, officer
):
    services.project_transition(
        project=project, transition="suspend", by=officer, comment="Elections"
    )
    services.project_transition(project=project, transition="resume", by=officer)
    assert _status(project) == Project.Status.PIPELINE


@pytest.mark.parametrize("transition", ["suspend", "cancel"])
def test_it_requires_a_reason_to_suspend_or_cancel(project, officer, transition):
    with pytest.raises(ValidationError) as excinfo:
        services.project_transition(
            project=project, transition=transition, by=officer, comment="  "
        )
    assert "comment" in excinfo.value.message_dict
    assert _status(project) == Project.Status.PIPELINE
    assert not TransitionLog.objects.exists()


def test_it_requires_the_start_date(project, officer):
    with pytest.raises(ValidationError):
        services.project_transition(
            project=project, transition="start_implementation", by=officer
        )
    assert _status(project) == Project.Status.PIPELINE


@pytest.mark.parametrize(
    ("status", "transition"),
    [("pipeline", "start_implementation"), ("implementation", "complete")],
)
def test_it_refuses_a_transition_dated_in_the_future(
    project, officer, status, transition
):
    Project.objects.filter(pk=project.pk).update(status=status)
    project.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.project_transition(
            project=project,
            transition=transition,
            by=officer,
            on=DAY + datetime.timedelta(1),
            today=DAY,
        )
    assert excinfo.value.message_dict == {"on": ["The date cannot be in the future."]}
    stored = Project.objects.get(pk=project.pk)
    assert (stored.status, stored.actual_start, stored.actual_completion) == (
        status,
        None,
        None,
    )
    assert (project.actual_start, project.actual_completion) == (None, None)
    assert not TransitionLog.objects.exists()


def test_it_refuses_a_completion_before_the_start(project, officer):
    services.project_transition(
        project=project, transition="start_implementation", by=officer, on=DAY
    )
    with pytest.raises(ValidationError) as excinfo:
        services.project_transition(
            project=project,
            transition="complete",
            by=officer,
            on=DAY - datetime.timedelta(1),
            today=DAY,
        )
    assert excinfo.value.message_dict == {
        "on": ["The completion date cannot be before the start date (2026-04-01)."]
    }
    assert _status(project) == Project.Status.IMPLEMENTATION
    assert Project.objects.get(pk=project.pk).actual_completion is None
    services.project_transition(
        project=project, transition="complete", by=officer, on=DAY, today=DAY
    )
    assert _status(project) == Project.Status.COMPLETED


def test_it_refuses_an_edit_that_ends_a_project_before_it_starts(project, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.project_update(
            project=project,
            by=officer,
            actual_start=DAY,
            actual_completion=DAY - datetime.timedelta(1),
            planned_start=DAY,
            planned_completion=DAY - datetime.timedelta(1),
        )
    assert set(excinfo.value.message_dict) == {
        "actual_completion",
        "planned_completion",
    }
    stored = Project.objects.get(pk=project.pk)
    assert (stored.actual_start, stored.planned_start) == (None, None)


def test_it_keeps_links_to_documents_the_editor_cannot_see(
    project, officer, desk, other_desk
):
    from agreements.models import Agreement

    own = Agreement.objects.create(title_en="Port MoU", desk=desk)
    other_own = Agreement.objects.create(title_en="Action plan", desk=desk)
    hidden = Agreement.objects.create(title_en="Framework", desk=other_desk)
    project.agreements.set([own, hidden])
    services.project_update(project=project, by=officer, agreements=[other_own])
    assert set(project.agreements.all()) == {other_own, hidden}
    services.project_update(project=project, by=officer, agreements=[])
    assert list(project.agreements.all()) == [hidden]


def test_it_refuses_a_transition_from_the_wrong_state(project, officer):
    with pytest.raises(ValidationError):
        services.project_transition(
            project=project, transition="complete", by=officer, on=DAY
        )


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("officer", True),
        ("chief", True),
        ("leader", True),
        ("viewer", False),
        ("other_officer", False),
        ("administrator", False),
    ],
)
def test_it_checks_who_may_cancel(request, project, persona, allowed):
    user = request.getfixturevalue(persona)
    if allowed:
        services.project_transition(
            project=project, transition="cancel", by=user, comment="Withdrawn"
        )
        assert _status(project) == Project.Status.CANCELLED
    else:
        with pytest.raises(PermissionDenied):
            services.project_transition(
                project=project, transition="cancel", by=user, comment="Withdrawn"
            )
        assert _status(project) == Project.Status.PIPELINE


def test_it_lets_only_leadership_rebaseline_with_a_reason(
    project, officer, chief, leader
):
    milestone = MilestoneFactory(project=project, baseline_date=DAY)
    for user in (officer, chief):
        with pytest.raises(PermissionDenied):
            services.milestone_rebaseline(
                milestone=milestone,
                by=user,
                baseline_date=DAY + datetime.timedelta(30),
                reason="x",
            )
    with pytest.raises(ValidationError):
        services.milestone_rebaseline(
            milestone=milestone,
            by=leader,
            baseline_date=DAY + datetime.timedelta(30),
            reason=" ",
        )
    services.milestone_rebaseline(
        milestone=milestone,
        by=leader,
        baseline_date=DAY + datetime.timedelta(30),
        reason="Steering committee agreed a new schedule",
    )
    assert Milestone.objects.get(pk=milestone.pk).baseline_date == datetime.date(
        2026, 5, 1
    )
    log = TransitionLog.objects.for_object(project).get()
    assert log.transition == "rebaseline"
    assert log.by == leader
    # The reason as given, in no one's translation; the history shows the rest.
    assert log.comment == "Steering committee agreed a new schedule"
    latest = milestone.audit.first()
    assert latest.history_change_reason == "Steering committee agreed a new schedule"
    assert latest.history_user == leader


def test_it_never_changes_the_baseline_in_an_ordinary_update(project, officer):
    milestone = services.milestone_create(
        project=project, by=officer, title="Groundbreaking", baseline_date=DAY
    )
    assert milestone.forecast_date == DAY
    services.milestone_update(
        milestone=milestone,
        by=officer,
        title="Groundbreaking ceremony",
        forecast_date=DAY + datetime.timedelta(10),
        actual_date=None,
    )
    milestone.refresh_from_db()
    assert milestone.baseline_date == DAY
    assert milestone.slippage_days == 10


def test_it_keeps_corrected_progress_logs_on_record(project, officer):
    log = services.project_log_progress(
        project=project,
        by=officer,
        reported_on=DAY,
        percent_complete=40,
        rag="green",
        summary="On track",
    )
    with pytest.raises(ValidationError):
        services.progress_log_correct(log=log, by=officer, reason="", rag="amber")
    services.progress_log_correct(
        log=log, by=officer, reason="Wrong rating", rag="amber"
    )
    versions = list(log.audit.order_by("history_date"))
    assert [v.rag for v in versions] == ["green", "amber"]
    assert versions[-1].history_change_reason == "Wrong rating"
    assert versions[-1].history_user == officer


def test_it_lets_only_desk_editors_log_progress(project, leader, other_officer):
    for user in (leader, other_officer):
        with pytest.raises(PermissionDenied):
            services.project_log_progress(
                project=project,
                by=user,
                reported_on=DAY,
                percent_complete=10,
                rag="red",
                summary="x",
            )


def test_it_refuses_a_percent_over_100(project, officer):
    with pytest.raises(ValidationError):
        services.project_log_progress(
            project=project,
            by=officer,
            reported_on=DAY,
            percent_complete=120,
            rag="red",
            summary="x",
        )
    assert not ProgressLogFactory._meta.model.objects.exists()


def test_it_refuses_a_transition_that_lost_a_race(project, officer, leader):
    from django_fsm import ConcurrentTransition

    first = Project.objects.get(pk=project.pk)
    second = Project.objects.get(pk=project.pk)
    services.project_transition(
        project=first, transition="cancel", by=leader, comment="Withdrawn"
    )
    with pytest.raises(ConcurrentTransition):
        services.project_transition(
            project=second, transition="suspend", by=officer, comment="Paused"
        )
    assert _status(project) == Project.Status.CANCELLED
    assert TransitionLog.objects.for_object(project).count() == 1
