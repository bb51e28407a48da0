"""The deadline sources and notices the domain apps register."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from agreements.models import Agreement, Event, NegotiationRound
from projects.models import Project
from tests.factories import (
    MilestoneFactory,
    ProgressLogFactory,
    ProjectFactory,
    UserFactory,
)
from workflows.models import Digest, Reminder, TransitionLog
from workflows.reminders import (
    digest_send,
    reminders_claim,
    reminders_due,
    reminders_run,
)
from workflows.services import transition_run

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)
State = Agreement.State


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _due(source: str, today=TODAY):
    return sorted(
        (row.object_id, row.recipient_id, row.lead_days)
        for row in reminders_due(today=today)
        if row.source == source
    )


@pytest.fixture
def document(desk, officer):
    def make(state=State.NEGOTIATING, **kwargs):
        kwargs.setdefault("desk", desk)
        kwargs.setdefault("officer", officer)
        return Agreement.objects.create(
            title_en="MoU on Ports", title_zh="港口谅解备忘录", state=state, **kwargs
        )

    return make


def test_target_signing_dates_of_documents_being_worked_on(document, officer):
    due = document(target_signing_date=days(7))
    document(State.READY, target_signing_date=days(1))
    for closed in (State.SIGNED, State.IN_FORCE, State.WITHDRAWN, State.SUSPENDED):
        document(closed, target_signing_date=days(7))
    document(target_signing_date=None)
    found = _due("agreements.target_signing")
    assert len(found) == 2
    assert (due.pk, officer.pk, 7) in found


def test_the_next_round_planned_at_the_latest_round(document, officer):
    agreement = document()
    NegotiationRound.objects.create(
        agreement=agreement, held_on=days(-60), next_round_on=days(1)
    )
    latest = NegotiationRound.objects.create(
        agreement=agreement, held_on=days(-5), next_round_on=days(30)
    )
    signed = document(State.SIGNED)
    NegotiationRound.objects.create(
        agreement=signed, held_on=days(-5), next_round_on=days(7)
    )
    assert _due("agreements.next_round") == [(latest.pk, officer.pk, 30)]


TACIT = {"renewal": Agreement.Renewal.TACIT, "duration_years": 5}


def test_expiry_and_notice_deadlines_of_documents_in_force(document, officer):
    in_force = document(
        State.IN_FORCE, expires_on=days(90), notice_deadline=days(30), **TACIT
    )
    passed = document(
        State.IN_FORCE, expires_on=days(200), notice_deadline=days(-2), **TACIT
    )
    for closed in (State.EXPIRED, State.TERMINATED):
        document(closed, expires_on=days(7), notice_deadline=days(7), **TACIT)
    assert _due("agreements.expiry") == [(in_force.pk, officer.pk, 90)]
    assert _due("agreements.notice_deadline") == [(in_force.pk, officer.pk, 30)]
    assert passed.pk not in [pk for pk, *_ in _due("agreements.notice_deadline")]


def test_only_a_document_that_renews_has_a_notice_deadline(document, officer):
    ends = document(State.IN_FORCE, expires_on=days(90), notice_deadline=days(30))
    assert _due("agreements.notice_deadline") == []
    assert _due("agreements.expiry") == [(ends.pk, officer.pk, 90)]


def test_a_tacit_renewal_past_its_expiry_is_not_overdue(document, officer):
    document(State.IN_FORCE, expires_on=days(-10), notice_deadline=days(-40), **TACIT)
    ends = document(State.IN_FORCE, expires_on=days(-10))
    assert _due("agreements.expiry") == [(ends.pk, officer.pk, -8)]


def test_a_document_superseded_by_a_renewal_in_force_is_not_reminded(document, officer):
    old = document(State.IN_FORCE, expires_on=days(7), notice_deadline=days(1), **TACIT)
    successor = document(
        State.SIGNED, parent=old, parent_relation=Agreement.Relation.SUPERSEDES
    )
    assert {pk for pk, *_ in _due("agreements.expiry")} == {old.pk}
    assert {pk for pk, *_ in _due("agreements.notice_deadline")} == {old.pk}
    Agreement.objects.filter(pk=successor.pk).update(state=State.IN_FORCE)
    assert _due("agreements.expiry") == []
    assert _due("agreements.notice_deadline") == []


def test_events_with_unready_documents_go_to_the_desk_chief(document, desk, chief):
    event = Event.objects.create(
        name_en="Belt and Road Forum", kind="forum", starts_on=days(7), desk=desk
    )
    ready_event = Event.objects.create(
        name_en="Dialogue", kind="forum", starts_on=days(7), desk=desk
    )
    document(target_event=event)
    document(State.READY, target_event=event)
    document(State.READY, target_event=ready_event)
    assert _due("agreements.event") == [(event.pk, chief.pk, 7)]
    Agreement.objects.filter(target_event=event).update(state=State.READY)
    assert _due("agreements.event") == []


def test_open_milestones_go_to_their_owner_else_the_project_officer(
    desk, officer, other_officer
):
    owner = UserFactory(role="desk_officer", desks=[desk])
    project = ProjectFactory(desk=desk, officer=officer)
    owned = MilestoneFactory(project=project, forecast_date=days(7), owner=owner)
    unowned = MilestoneFactory(project=project, forecast_date=days(-3))
    elsewhere = MilestoneFactory(
        project=project, forecast_date=days(30), owner=other_officer
    )
    MilestoneFactory(project=project, forecast_date=days(7), actual_date=days(-1))
    closed = ProjectFactory(desk=desk, officer=officer, status="completed")
    MilestoneFactory(project=closed, forecast_date=days(1))
    assert _due("projects.milestone") == sorted(
        [
            (owned.pk, owner.pk, 7),
            (unowned.pk, officer.pk, -1),
            (elsewhere.pk, officer.pk, 30),
        ]
    )


def test_projects_without_a_progress_log_for_30_days_are_stale(desk, officer):
    stale = ProjectFactory(desk=desk, officer=officer)
    ProgressLogFactory(project=stale, reported_on=days(-31))
    fresh = ProjectFactory(desk=desk, officer=officer)
    ProgressLogFactory(project=fresh, reported_on=days(-10))
    ProgressLogFactory(project=fresh, reported_on=days(-40))
    soon = ProjectFactory(desk=desk, officer=officer)
    ProgressLogFactory(project=soon, reported_on=days(-24))
    done = ProjectFactory(desk=desk, officer=officer, status=Project.Status.COMPLETED)
    ProgressLogFactory(project=done, reported_on=days(-100))
    assert _due("projects.stale") == sorted(
        [(stale.pk, officer.pk, -1), (soon.pk, officer.pk, 7)]
    )


def test_approval_requests_go_to_leadership_and_decisions_to_the_officer(
    document, officer, leader, django_capture_on_commit_callbacks
):
    agreement = document(State.AGREED)
    with django_capture_on_commit_callbacks(execute=True):
        transition_run(instance=agreement, transition="submit_for_approval", by=officer)
    assert [m.to for m in mail.outbox] == [[leader.email]]
    assert "MoU on Ports" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        transition_run(instance=agreement, transition="reject", by=leader, comment="No")
    assert mail.outbox[-1].to == [officer.email]
    Agreement.objects.filter(pk=agreement.pk).update(state=State.APPROVAL)
    agreement.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        transition_run(instance=agreement, transition="approve", by=leader)
    assert [m.to for m in mail.outbox] == [
        [leader.email],
        [officer.email],
        [officer.email],
    ]
    assert "Approved for signing" in mail.outbox[-1].subject


def test_one_digest_lists_documents_projects_and_events_with_links(
    document, desk, officer, chief, settings
):
    settings.SITE_URL = "https://tracker.example.org"
    officer.language = "zh-hans"
    officer.save()
    agreement = document(target_signing_date=days(7))
    project = ProjectFactory(desk=desk, officer=officer, name_zh="无水港")
    MilestoneFactory(project=project, title="开工", forecast_date=days(-9))
    event = Event.objects.create(
        name_en="Forum", name_zh="论坛", kind="forum", starts_on=days(1), desk=desk
    )
    document(target_event=event)
    reminders_run(today=TODAY)
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {officer.email, chief.email}
    text = by_person[officer.email].body
    assert "港口谅解备忘录" in text and "无水港 · 开工" in text
    assert f"https://tracker.example.org/documents/{agreement.pk}/" in text
    assert f"https://tracker.example.org/projects/{project.pk}/" in text
    chief_text = by_person[chief.email].body
    assert f"https://tracker.example.org/events/{event.pk}/" in chief_text
    # The milestone is 9 days overdue: escalated to the chief too.
    assert "Escalated to the desk chief" in chief_text


def test_finding_what_is_due_takes_the_same_queries_for_many_items(
    document, desk, officer, django_assert_max_num_queries
):
    def claim_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            reminders_due(today=TODAY)
        return len(captured)

    document(target_signing_date=days(7))
    ProjectFactory(desk=desk, officer=officer)
    few = claim_queries()
    for _ in range(20):
        document(target_signing_date=days(1))
        project = ProjectFactory(desk=desk, officer=officer)
        MilestoneFactory(project=project, forecast_date=days(-3))
    assert claim_queries() == few
    with django_assert_max_num_queries(12):
        reminders_due(today=TODAY)


def test_sending_a_digest_takes_the_same_queries_for_many_items(
    document, desk, officer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def send_queries(today):
        reminders_claim(today=today)
        digest = Digest.objects.get(day=today)
        with CaptureQueriesContext(connection) as captured:
            assert digest_send(digest_id=digest.pk).sent
        return len(captured)

    document(target_signing_date=days(7))
    MilestoneFactory(
        project=ProjectFactory(desk=desk, officer=officer), forecast_date=days(7)
    )
    few = send_queries(TODAY)
    for _ in range(15):
        document(target_signing_date=days(8))
        MilestoneFactory(
            project=ProjectFactory(desk=desk, officer=officer), forecast_date=days(8)
        )
    assert send_queries(TODAY + datetime.timedelta(days=1)) == few


def test_the_daily_run_costs_two_queries_per_person_however_many_items(
    document, desk, officer
):
    """What is due, the records and who may hear of them are read in a fixed
    number of queries; each person's digest adds the two writes that record
    it sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(today):
        with CaptureQueriesContext(connection) as captured:
            report = reminders_run(today=today)
        assert report.sent == len(report.digests)
        return len(captured), len(report.digests)

    def give_work(person, due):
        document(officer=person, target_signing_date=due)
        project = ProjectFactory(desk=desk, officer=person)
        MilestoneFactory(project=project, forecast_date=due)

    reminders_run(today=days(-100))  # nothing due: warms per-process caches
    give_work(officer, days(7))
    few, one = run(TODAY)
    for _ in range(6):
        person = UserFactory(role="desk_officer", desks=[desk])
        for _ in range(3):
            give_work(person, days(8))
    many, six = run(days(1))
    assert (one, six) == (1, 6)
    assert many - few == 2 * (six - one)


def test_send_reminders_expires_a_due_document_before_it_reminds(document, officer):
    ended = document(State.IN_FORCE, expires_on=days(-1))
    renews = document(State.IN_FORCE, expires_on=days(-1), **TACIT)
    call_command("send_reminders", "--date", TODAY.isoformat())
    ended.refresh_from_db()
    assert ended.state == State.EXPIRED
    # Neither is reminded as overdue: one has expired, the other renewed.
    assert not Reminder.objects.filter(
        object_id__in=[ended.pk, renews.pk], source="agreements.expiry"
    ).exists()
    # A second run the same day changes nothing.
    call_command("send_reminders", "--date", TODAY.isoformat())
    ended.refresh_from_db()
    assert ended.state == State.EXPIRED
    assert TransitionLog.objects.for_object(ended).count() == 1


def test_decisions_are_not_sent_to_an_officer_who_left_the_desk(
    document, desk, officer, leader, django_capture_on_commit_callbacks
):
    agreement = document(State.APPROVAL)
    desk.members.remove(officer)
    with django_capture_on_commit_callbacks(execute=True):
        transition_run(instance=agreement, transition="approve", by=leader)
    assert mail.outbox == []
