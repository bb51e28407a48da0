"""Two runs at the same moment (two beats, a retried worker) on PostgreSQL:
each reminder is written and sent once."""

import threading

import pytest
from django.core import mail
from django.db import connection

from tests.factories import UserFactory
from workflows import reminders
from workflows.models import DeliveryStatus, Digest, Reminder

from .conftest import TODAY

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _at_once(count: int, work) -> list:
    """Run ``work`` in ``count`` threads (own connections), released together."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.fixture
def portfolio(due_project, desk, officer, chief, leader):
    others = [UserFactory(role="desk_officer", desks=[desk]) for _ in range(3)]
    for person in [officer, *others]:
        for days in (-40, -9, -2, 0, 1, 5, 7, 29, 30):
            due_project(days, officer=person)
    return [officer, *others, chief, leader]


def _keys():
    return list(
        Reminder.objects.values_list(
            "source", "object_id", "recipient", "due_on", "lead_days"
        )
    )


def test_it_sends_each_reminder_once_when_the_day_runs_twice(portfolio):
    expected = reminders.reminders_due(today=TODAY)
    reminders.reminders_run(today=TODAY)
    reminders.reminders_run(today=TODAY)
    keys = _keys()
    assert len(keys) == len(set(keys)) == len(expected)
    assert len(mail.outbox) == len(portfolio)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in portfolio)


def test_it_sends_each_reminder_once_when_runs_overlap(portfolio):
    expected = reminders.reminders_due(today=TODAY)
    reports = _at_once(4, lambda: reminders.reminders_run(today=TODAY))
    keys = _keys()
    assert len(keys) == len(set(keys)) == len(expected)
    assert sum(report.claimed for report in reports) == len(expected)
    assert len(mail.outbox) == len(portfolio)
    assert len({m.to[0] for m in mail.outbox}) == len(portfolio)
    assert Digest.objects.filter(status=DeliveryStatus.SENT).count() == len(portfolio)
    assert not Reminder.objects.exclude(status=DeliveryStatus.SENT).exists()
    # Every reminder reached its person in exactly one digest.
    assert not Reminder.objects.filter(digest__isnull=True).exists()


def test_only_one_sender_wins_a_digest(portfolio):
    reminders.reminders_claim(today=TODAY)
    digest = Digest.objects.get(recipient=portfolio[0])
    outcomes = _at_once(5, lambda: reminders.digest_send(digest_id=digest.pk))
    assert sorted(o.status for o in outcomes) == ["sent"] + ["skipped"] * 4
    assert len(mail.outbox) == 1
