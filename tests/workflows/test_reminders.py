import datetime
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from projects.models import Project
from tests.factories import UserFactory
from workflows import reminders, tasks
from workflows.deadlines import daily_job
from workflows.models import (
    DeliveryStatus,
    Digest,
    Mute,
    Reminder,
    ReminderRule,
)
from workflows.tasks import send_daily_reminders

from .conftest import KEY, TODAY

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _run(today=TODAY, **kwargs):
    return reminders.reminders_run(today=today, **kwargs)


def _steps(user=None):
    rows = Reminder.objects.order_by("created_at", "id")
    if user is not None:
        rows = rows.filter(recipient=user)
    return [row.lead_days for row in rows]


def test_it_reminds_the_officer_30_7_and_1_days_before(due_project, officer):
    due_project(30)
    for offset in range(0, 31):
        _run(TODAY + offset * DAY)
    assert _steps(officer) == [30, 7, 1]
    assert len(mail.outbox) == 3
    assert all(m.to == [officer.email] for m in mail.outbox)


def test_it_catches_up_a_lead_time_that_passed_while_nothing_ran(due_project, officer):
    due_project(3)  # the 30- and 7-day reminders fell while the job was down
    _run()
    _run()
    assert _steps(officer) == [7]
    assert len(mail.outbox) == 1


def test_it_escalates_overdue_items_to_the_chief_then_leadership(
    due_project, officer, chief, leader
):
    due_project(0)
    for offset in (1, 2, 8, 9, 31, 32):
        _run(TODAY + offset * DAY)
    assert _steps(officer) == [-1, -8, -31]
    assert _steps(chief) == [-8, -31]
    assert _steps(leader) == [-31]
    reasons = dict(
        Reminder.objects.filter(lead_days=-31).values_list("recipient", "reason")
    )
    assert reasons == {
        officer.pk: "responsible",
        chief.pk: "chief",
        leader.pk: "leadership",
    }


def test_it_gives_the_chief_items_without_an_officer(due_project, chief):
    due_project(7, officer=None)
    _run()
    assert _steps(chief) == [7]


def test_it_never_reminds_closed_items(due_project, officer):
    for status in (Project.Status.COMPLETED, Project.Status.CANCELLED):
        due_project(1, status=status)
        due_project(-40, status=status)
    report = _run()
    assert report.claimed == 0
    assert mail.outbox == []


def test_it_leaves_out_an_item_closed_after_it_was_claimed(due_project, officer):
    project = due_project(7)
    reminders.reminders_claim(today=TODAY)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.COMPLETED)
    digest = Digest.objects.get()
    outcome = reminders.digest_send(digest_id=digest.pk)
    assert outcome.status == DeliveryStatus.CANCELLED
    assert mail.outbox == []
    assert Reminder.objects.get().status == DeliveryStatus.CANCELLED


def test_it_skips_muted_categories_and_kinds(due_project, officer, chief, leader):
    due_project(-40)
    Mute.objects.create(user=officer, key="projects")
    Mute.objects.create(user=chief, key=KEY)
    Mute.objects.create(user=leader, key="documents")
    _run()
    assert set(Reminder.objects.values_list("recipient", flat=True)) == {leader.pk}
    assert [m.to for m in mail.outbox] == [[leader.email]]


def test_it_sends_one_digest_per_person_grouped_and_linked(
    due_project, officer, settings
):
    settings.SITE_URL = "https://tracker.example.org"
    late = due_project(-3, name_en="Late Railway")
    soon = due_project(7, name_en="Port Upgrade")
    due_project(100, name_en="Far Future")
    _run()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert "1 overdue" in message.subject and "1 coming up" in message.subject
    text = message.body
    assert text.index("Overdue") < text.index("Late Railway")
    assert text.index("Late Railway") < text.index("Coming up")
    assert text.index("Coming up") < text.index("Port Upgrade")
    assert "Far Future" not in text
    assert "3 days overdue" in text and "in 7 days" in text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    for project in (late, soon):
        url = f"https://tracker.example.org/projects/{project.pk}/"
        assert url in text
        assert f'href="{url}"' in html


def test_it_writes_each_digest_in_the_recipients_language(due_project, desk, officer):
    chinese = UserFactory(
        username="zh", language="zh-hans", role="desk_officer", desks=[desk]
    )
    default = UserFactory(
        username="default", language="", role="desk_officer", desks=[desk]
    )
    for user in (officer, chinese, default):
        due_project(7, officer=user, name_en="Dry Port", name_zh="无水港")
    _run()
    by_person = {m.to[0]: m for m in mail.outbox}
    english = by_person[officer.email]
    assert "Dry Port" in english.body and "无水港" not in english.body
    assert '<html lang="en">' in english.alternatives[0][0]
    for user in (chinese, default):
        message = by_person[user.email]
        assert "无水港" in message.body and "Dry Port" not in message.body
        assert '<html lang="zh-hans">' in message.alternatives[0][0]
        # Dates in Chinese format, e.g. 2026年3月9日.
        assert "2026年3月9日" in message.body


def test_it_sends_no_email_when_nothing_is_due(due_project, officer):
    due_project(45)
    report = _run()
    assert report.claimed == 0
    assert Digest.objects.count() == 0
    assert mail.outbox == []


def test_it_does_not_send_the_same_reminder_twice(due_project, officer, chief):
    due_project(-10)
    first = _run()
    second = _run()
    third = _run(TODAY + DAY)
    assert first.claimed == 2 and second.claimed == 0 and third.claimed == 0
    assert len(mail.outbox) == 2


def test_it_keeps_latecomers_for_the_next_days_digest(due_project, officer):
    due_project(7)
    _run()
    due_project(1)  # recorded after today's digest went out
    _run()
    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(digest__isnull=True).count() == 1
    _run(TODAY + DAY)
    assert len(mail.outbox) == 2
    assert Digest.objects.filter(status=DeliveryStatus.SENT).count() == 2
    assert not Reminder.objects.exclude(status=DeliveryStatus.SENT).exists()


def test_it_follows_the_administrators_rule(due_project, officer, chief):
    due_project(14)
    due_project(-3)
    ReminderRule.objects.create(
        source=KEY,
        lead_days="14",
        overdue_days="",
        chief_after_days=2,
        leadership_after_days=60,
    )
    _run()
    assert sorted(_steps(officer)) == [-3, 14]
    assert _steps(chief) == [-3]
    ReminderRule.objects.filter(source=KEY).update(enabled=False)
    Reminder.objects.all().delete()
    assert _run(TODAY + DAY).claimed == 0


def test_it_retries_a_failing_smtp_server_with_backoff_then_fails_visibly(
    due_project,
    officer,
    failing_mail,
    settings,
    admin_client_,
    django_capture_on_commit_callbacks,
):
    settings.REMINDER_MAX_ATTEMPTS = 3
    settings.REMINDER_RETRY_BASE_SECONDS = 60
    due_project(7)
    now = timezone.now()
    _run(now=now)
    digest = Digest.objects.get()
    assert (digest.status, digest.attempts) == (DeliveryStatus.PENDING, 1)
    assert "451" in digest.last_error
    assert digest.next_attempt_at == now + datetime.timedelta(seconds=60)
    # Not due yet: nothing is tried.
    assert reminders.digest_send(digest_id=digest.pk, now=now).status == "skipped"
    later = now + datetime.timedelta(seconds=61)
    outcome = reminders.digest_send(digest_id=digest.pk, now=later)
    assert outcome.retry_in == 120
    outcome = reminders.digest_send(
        digest_id=digest.pk, now=later + datetime.timedelta(seconds=121)
    )
    assert outcome.status == DeliveryStatus.FAILED
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == (DeliveryStatus.FAILED, 3)
    assert failing_mail.attempts == 3
    assert Reminder.objects.get().status == DeliveryStatus.FAILED
    # Shown to administrators, who can send it again.
    page = admin_client_.get("/workflows/deliveries/")
    assert officer.email in page.content.decode()
    admin_list = admin_client_.get("/admin/workflows/digest/?status=failed")
    assert officer.email in admin_list.content.decode() or str(officer) in (
        admin_list.content.decode()
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_.post("/workflows/deliveries/retry/")
    digest.refresh_from_db()
    assert digest.status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


def test_each_digest_of_a_batch_is_sent_or_retried_on_its_own(
    due_project, desk, officer, refusing_mail, monkeypatch
):
    monkeypatch.setattr(reminders, "SEND_BATCH", 2)
    others = [UserFactory(role="desk_officer", desks=[desk]) for _ in range(3)]
    people = [officer, *others]
    for person in people:
        due_project(7, officer=person)
    refusing_mail.refused = {others[0].email}
    report = _run()
    assert (len(report.digests), report.sent, report.failed) == (4, 3, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        person.email for person in people if person != others[0]
    )
    refused = Digest.objects.get(recipient=others[0])
    assert (refused.status, refused.attempts) == (DeliveryStatus.PENDING, 1)
    assert "550" in refused.last_error
    assert Reminder.objects.get(recipient=others[0]).status == DeliveryStatus.PENDING
    sent = Digest.objects.exclude(pk=refused.pk)
    assert set(sent.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
    assert not Reminder.objects.filter(digest__in=sent).exclude(
        status=DeliveryStatus.SENT
    )


def test_a_batch_gives_back_unsent_the_digests_it_has_no_lease_left_for(
    due_project, desk, officer, slow_mail, monkeypatch
):
    monkeypatch.setattr(
        reminders, "time", SimpleNamespace(monotonic=lambda: slow_mail.clock)
    )
    other = UserFactory(role="desk_officer", desks=[desk])
    due_project(7)
    due_project(7, officer=other)
    report = _run()
    assert (len(report.digests), report.sent, len(mail.outbox)) == (2, 1, 1)
    late = Digest.objects.get(status=DeliveryStatus.PENDING)
    assert late.attempts == 0
    assert Reminder.objects.get(digest=late).status == DeliveryStatus.PENDING
    # Due again at once, and sent by the next sender.
    assert reminders.digest_send(digest_id=late.pk).sent
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer.email, other.email])


def test_the_sweep_sends_the_digests_due_a_retry_in_one_pass(
    due_project, desk, officer, refusing_mail
):
    other = UserFactory(role="desk_officer", desks=[desk])
    due_project(7)
    due_project(7, officer=other)
    refusing_mail.refused = {officer.email, other.email}
    report = _run()
    assert (report.sent, len(mail.outbox)) == (0, 0)
    refusing_mail.refused = set()
    later = timezone.now() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        result = tasks.sweep_deliveries()
    assert result["sent"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer.email, other.email])
    assert set(Digest.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_it_sends_again_a_digest_whose_sender_died(due_project, officer):
    due_project(7)
    reminders.reminders_claim(today=TODAY)
    digest = Digest.objects.get()
    died_at = timezone.now() - datetime.timedelta(hours=1)
    Digest.objects.filter(pk=digest.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=died_at, attempts=1
    )
    recent = timezone.now() - datetime.timedelta(minutes=1)
    Digest.objects.create(
        recipient=UserFactory(),
        day=TODAY,
        status=DeliveryStatus.SENDING,
        claimed_at=recent,
    )
    report = _run()
    assert report.digests == [digest.pk]
    assert len(mail.outbox) == 1


def test_the_command_and_the_task_run_the_same_service(due_project, officer):
    due_project(30)
    due_project(37)
    call_command("send_reminders", "--date", TODAY.isoformat())
    assert len(mail.outbox) == 1
    result = send_daily_reminders.delay((TODAY + 7 * DAY).isoformat()).get()
    assert result["claimed"] == 1
    assert len(mail.outbox) == 2
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "tomorrow")


def test_the_daily_run_runs_the_daily_jobs_before_looking_for_deadlines(
    due_project, officer
):
    late = due_project(-3)

    @daily_job("test.move_on")
    def move_on(today):
        # Like a tacit renewal: the date moves on, so nothing is overdue.
        return Project.objects.filter(planned_completion__lt=today).update(
            planned_completion=today + 7 * DAY
        )

    report = _run()
    assert report.jobs == {"test.move_on": 1}
    assert [(r.object_id, r.lead_days) for r in Reminder.objects.all()] == [
        (late.pk, 7)
    ]


def test_a_failing_daily_job_is_logged_and_the_reminders_still_go_out(
    due_project, officer, caplog
):
    due_project(7)

    @daily_job("test.broken")
    def broken(today):
        raise RuntimeError("boom")

    with pytest.raises(CommandError, match="test.broken"):
        call_command("send_reminders", "--date", TODAY.isoformat())
    assert "event=daily_job_failed job=test.broken" in caplog.text
    assert len(mail.outbox) == 1
    assert send_daily_reminders.delay(TODAY.isoformat()).get()["jobs"] == {
        "test.broken": None
    }


@pytest.mark.parametrize("leaves", ["desk", "role", "active"])
def test_an_officer_who_left_the_desk_hears_nothing_and_the_chief_is_responsible(
    due_project, desk, officer, chief, leaves
):
    _leave(officer, desk, leaves)
    due_project(7)
    due_project(-10)
    _run()
    assert _steps(officer) == []
    assert set(
        Reminder.objects.filter(recipient=chief).values_list("lead_days", "reason")
    ) == {(7, "responsible"), (-8, "responsible")}
    assert [m.to for m in mail.outbox] == [[chief.email]]


def _leave(user, desk, how: str) -> None:
    if how == "desk":
        desk.members.remove(user)
    elif how == "role":
        user.groups.clear()
    else:
        user.is_active = False
        user.save(update_fields=["is_active"])


def test_the_chief_takes_over_the_step_the_leaver_was_reminded_at(
    due_project, desk, officer, chief
):
    due_project(7)
    _run()
    assert _steps(officer) == [7]
    desk.members.remove(officer)
    _run(TODAY + DAY)
    assert _steps(chief) == [7]
    assert [m.to for m in mail.outbox] == [[officer.email], [chief.email]]


def test_a_new_officer_hears_of_the_step_the_previous_one_was_reminded_at(
    due_project, desk, officer
):
    project = due_project(7)
    _run()
    successor = UserFactory(role="desk_officer", desks=[desk])
    Project.objects.filter(pk=project.pk).update(officer=successor)
    _run(TODAY + DAY)
    assert _steps(successor) == [7]


def test_a_chief_who_lost_the_role_is_not_escalated_to(
    due_project, desk, officer, chief
):
    chief.groups.clear()
    due_project(-10)
    _run()
    assert _steps(officer) == [-8]
    assert _steps(chief) == []


@pytest.mark.parametrize("leaves", ["desk", "role", "active"])
def test_a_digest_leaves_out_what_its_recipient_may_no_longer_hear_of(
    due_project, desk, officer, leaves
):
    due_project(7)
    reminders.reminders_claim(today=TODAY)
    _leave(officer, desk, leaves)
    outcome = reminders.digest_send(digest_id=Digest.objects.get().pk)
    assert outcome.status == DeliveryStatus.CANCELLED
    assert mail.outbox == []
    assert Reminder.objects.get().status == DeliveryStatus.CANCELLED


def test_a_digest_keeps_escalations_to_leadership_while_in_leadership(
    due_project, officer, leader
):
    due_project(-40)
    reminders.reminders_claim(today=TODAY)
    leader.groups.clear()
    digest = Digest.objects.get(recipient=leader)
    assert reminders.digest_send(digest_id=digest.pk).status == DeliveryStatus.CANCELLED
    officers = Digest.objects.get(recipient=officer)
    assert reminders.digest_send(digest_id=officers.pk).status == DeliveryStatus.SENT


def test_it_reads_overdue_items_back_to_the_last_step_and_the_catch_up_window(
    due_project, officer, leader, settings
):
    settings.REMINDER_CATCH_UP_DAYS = 5
    # The last step is 31 days overdue (leadership); the run was missed for
    # five days after it.
    caught_up = due_project(-36)
    due_project(-37)
    due_project(-400)
    _run()
    assert set(Reminder.objects.values_list("object_id", "lead_days")) == {
        (caught_up.pk, -31)
    }
    assert _steps(leader) == [-31]


def test_the_window_follows_an_administrators_later_steps(
    due_project, officer, settings
):
    settings.REMINDER_CATCH_UP_DAYS = 0
    ReminderRule.objects.create(source=KEY, lead_days="7", overdue_days="1, 60")
    late = due_project(-60)
    _run()
    assert set(Reminder.objects.values_list("object_id", "lead_days")) == {
        (late.pk, -60)
    }


def test_items_reminded_at_todays_step_are_not_read_again(due_project, officer, chief):
    for days in (-10, -2, 1, 7, 30):
        due_project(days)
    assert len(reminders.reminders_due(today=TODAY, unclaimed=True)) == 6
    _run()
    assert reminders.reminders_due(today=TODAY + DAY, unclaimed=True) == []
    assert len(reminders.reminders_due(today=TODAY + DAY)) == 6
