import datetime

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from projects.models import Project
from tests.factories import ProjectFactory
from workflows import notices, reminders, tasks
from workflows.deadlines import (
    Category,
    leadership_users,
    registry,
    transition_notice,
)
from workflows.models import DeliveryStatus, Mute, Notice, TransitionLog
from workflows.services import transition_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_notices(monkeypatch):
    """Suspending a project waits on leadership; cancelling it tells the
    officer (stand-ins for a document's approval and decision)."""
    monkeypatch.setattr(registry, "sources", {})
    monkeypatch.setattr(registry, "notices", {})
    transition_notice(
        "test.suspended",
        model=Project,
        transitions=["suspend"],
        category=Category.PROJECTS,
        label="Project suspended",
    )(lambda project, log: leadership_users())
    transition_notice(
        "test.cancelled",
        model=Project,
        transitions=["cancel"],
        category=Category.PROJECTS,
        label="Project cancelled",
    )(lambda project, log: [project.officer] if project.officer else [])


@pytest.fixture
def project(desk, officer):
    return ProjectFactory(desk=desk, officer=officer, name_en="Dry Port")


def _transition(project, name, by, comment="Funding gap"):
    return transition_run(instance=project, transition=name, by=by, comment=comment)


def test_it_notifies_leadership_after_the_transition_commits(
    project_notices, project, officer, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        log = _transition(project, "suspend", officer)
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [[leader.email]]
    message = mail.outbox[0]
    assert "Project suspended: Dry Port" in message.subject
    assert "Funding gap" in message.body
    assert f"/projects/{project.pk}/" in message.alternatives[0][0]
    notice = Notice.objects.get()
    assert (notice.transition_log, notice.status) == (log, DeliveryStatus.SENT)


def test_it_tells_the_officer_but_not_the_person_who_acted(
    project_notices, project, officer, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _transition(project, "cancel", leader)
    assert [m.to for m in mail.outbox] == [[officer.email]]
    other = ProjectFactory(desk=project.desk, officer=officer)
    with django_capture_on_commit_callbacks(execute=True):
        _transition(other, "cancel", officer)
    assert len(mail.outbox) == 1


def test_it_keeps_the_transition_and_sends_later_when_the_broker_is_down(
    project_notices,
    project,
    officer,
    leader,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(tasks.send_transition_notices, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        log = _transition(project, "suspend", officer)
    project.refresh_from_db()
    assert project.status == Project.Status.SUSPENDED
    assert TransitionLog.objects.filter(pk=log.pk).exists()
    assert mail.outbox == [] and not Notice.objects.exists()
    result = tasks.sweep_deliveries.delay().get()
    assert result["notices_created"] == 1
    assert [m.to for m in mail.outbox] == [[leader.email]]
    # Swept once: a second sweep or the daily run finds nothing more to do.
    tasks.sweep_deliveries.delay().get()
    reminders.reminders_run(today=timezone.localdate())
    assert len(mail.outbox) == 1


def test_it_respects_muted_notices(project_notices, project, officer, leader):
    Mute.objects.create(user=leader, key="test.suspended")
    log = _transition(project, "suspend", officer)
    assert notices.notices_create(log=log) == []


def test_it_does_not_sweep_old_or_unregistered_transitions(
    project_notices, project, officer, leader
):
    log = _transition(project, "suspend", officer)
    TransitionLog.objects.filter(pk=log.pk).update(
        at=timezone.now() - datetime.timedelta(days=notices.SWEEP_DAYS + 1)
    )
    _transition(project, "resume", officer)
    assert notices.notices_sweep(now=timezone.now()) == 0


def test_a_notice_that_keeps_failing_ends_failed(
    project_notices, project, officer, leader, failing_mail, settings
):
    settings.REMINDER_MAX_ATTEMPTS = 2
    log = _transition(project, "suspend", officer)
    [pk] = notices.notices_create(log=log)
    now = timezone.now()
    assert notices.notice_send(notice_id=pk, now=now).retry_in == 60
    later = now + datetime.timedelta(minutes=2)
    assert notices.notice_send(notice_id=pk, now=later).status == "failed"
    assert Notice.objects.get().last_error.startswith("SMTPDataError")
