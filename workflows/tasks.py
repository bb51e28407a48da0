"""Celery tasks: each takes ids or a date and calls one service."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from . import notices, reminders

logger = logging.getLogger(__name__)


def enqueue(kind: str, pk: int) -> None:
    task = send_digest if kind == "digest" else send_notice
    try:
        task.delay(pk)
    except Exception as exc:
        # The broker failed between two messages: send from here instead.
        logger.warning("event=enqueue_failed kind=%s id=%s error=%r", kind, pk, exc)
        if kind == "digest":
            reminders.digest_send(digest_id=pk)
        else:
            notices.notice_send(notice_id=pk)


@shared_task
def send_daily_reminders(today: str | None = None) -> dict:
    """The daily run (Celery beat): the daily jobs, then the reminders;
    ``today`` as YYYY-MM-DD, else today."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    report = reminders.reminders_run(today=day, deliver=enqueue)
    return {
        "today": day.isoformat(),
        "jobs": report.jobs,
        "claimed": report.claimed,
        "digests": len(report.digests),
        "notices": report.notices,
    }


@shared_task
def sweep_deliveries() -> dict:
    """Periodic: notices never written (broker was down) and retries due."""
    now = timezone.now()
    created = notices.notices_sweep(now=now)
    digests = reminders.digests_deliverable(now=now)
    sent = sum(o.sent for o in reminders.digests_send(digest_ids=digests, now=now))
    for pk in notices.notices_deliverable(now=now):
        sent += notices.notice_send(notice_id=pk, now=now).sent
    return {"notices_created": created, "sent": sent}


def _retry_later(task, outcome) -> None:
    if outcome.retry_in is not None and not task.request.is_eager:
        raise task.retry(countdown=outcome.retry_in, max_retries=None)


@shared_task(bind=True)
def send_digest(self, digest_id: int) -> str:
    outcome = reminders.digest_send(digest_id=digest_id)
    _retry_later(self, outcome)
    return outcome.status


@shared_task(bind=True)
def send_notice(self, notice_id: int) -> str:
    outcome = notices.notice_send(notice_id=notice_id)
    _retry_later(self, outcome)
    return outcome.status


@shared_task
def send_transition_notices(log_id: int) -> int:
    """After a transition: write its notices and send each."""
    log = notices.TransitionLog.objects.select_related("content_type").get(pk=log_id)
    ids = notices.notices_create(log=log)
    for pk in ids:
        enqueue("notice", pk)
    return len(ids)
