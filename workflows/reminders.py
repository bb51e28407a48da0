"""The daily reminder run: find what is due, claim it in the ledger, send
each person one digest.

``reminders_run`` is what the Celery beat task and ``manage.py
send_reminders`` both call, with ``today`` passed in.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from tracker.models import Desk

from . import delivery
from .deadlines import DeadlineSource, Registry, Schedule, registry
from .models import DeliveryStatus, Digest, Mute, Reminder

logger = logging.getLogger(__name__)

Reason = Reminder.Reason


@dataclass
class RunReport:
    today: datetime.date
    claimed: int = 0
    digests: list[int] = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    notices: int = 0


def user_language(user) -> str:
    return user.language or settings.LANGUAGE_CODE


def email_compose(*, recipient, template: str, context: dict) -> EmailMultiAlternatives:
    """The e-mail from workflows/email/<template>_subject.txt, .txt and .html,
    rendered in the recipient's language, with a link to their preferences."""
    with translation.override(user_language(recipient)):
        context = {
            "recipient": recipient,
            **context,
            "preferences_url": settings.SITE_URL + reverse("workflows:preferences"),
        }
        subject = " ".join(
            render_to_string(f"workflows/email/{template}_subject.txt", context).split()
        )
        text = render_to_string(f"workflows/email/{template}.txt", context)
        html = render_to_string(f"workflows/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def muted_keys() -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for user_id, key in Mute.objects.values_list("user_id", "key"):
        found[user_id].add(key)
    return found


def is_muted(keys: set[str], *, category: str, key: str) -> bool:
    return category in keys or key in keys


def reachable_user_ids(user_ids: Iterable[int]) -> set[int]:
    """Active people with an e-mail address."""
    return set(
        get_user_model()
        .objects.filter(id__in=set(user_ids), is_active=True)
        .exclude(email="")
        .values_list("id", flat=True)
    )


def _recipients(
    schedule: Schedule,
    step: int,
    officer_id: int | None,
    chief_id: int | None,
    leader_ids: list[int],
) -> dict[int, str]:
    found: dict[int, str] = {}
    if schedule.escalates_to_leadership(step):
        found.update(dict.fromkeys(leader_ids, Reason.LEADERSHIP))
    if chief_id and schedule.escalates_to_chief(step):
        found[chief_id] = Reason.CHIEF
    responsible = officer_id or chief_id
    if responsible:
        found[responsible] = Reason.RESPONSIBLE
    return found


def reminders_due(
    *, today: datetime.date, registry: Registry = registry
) -> list[Reminder]:
    """The ledger rows today's reminders would have (unsaved, unfiltered by
    what was already sent), in a stable order."""
    from .deadlines import leadership_users

    schedules = registry.schedules()
    chiefs = dict(Desk.objects.values_list("id", "chief_id"))
    leader_ids = sorted(leadership_users().values_list("id", flat=True))
    mutes = muted_keys()
    run = uuid.uuid4()
    rows = []
    for key, source in registry.sources.items():
        schedule = schedules[key]
        if not schedule.enabled:
            continue
        queryset = source.find(today)
        content_type = ContentType.objects.get_for_model(queryset.model)
        horizon = today + datetime.timedelta(days=schedule.horizon)
        items = (
            queryset.filter(due_on__isnull=False, due_on__lte=horizon)
            .order_by()
            .values_list("pk", "due_on", "due_officer_id", "due_desk_id")
        )
        for pk, due_on, officer_id, desk_id in items.iterator(chunk_size=2000):
            step = schedule.step(due_on, today)
            if step is None:
                continue
            for user_id, reason in _recipients(
                schedule, step, officer_id, chiefs.get(desk_id), leader_ids
            ).items():
                if is_muted(mutes[user_id], category=source.category, key=key):
                    continue
                rows.append(
                    Reminder(
                        source=key,
                        content_type=content_type,
                        object_id=pk,
                        recipient_id=user_id,
                        due_on=due_on,
                        lead_days=step,
                        reason=reason,
                        run=run,
                    )
                )
    reachable = reachable_user_ids(row.recipient_id for row in rows)
    rows = [row for row in rows if row.recipient_id in reachable]
    # One order for every run, so concurrent inserts wait rather than deadlock.
    rows.sort(
        key=lambda r: (r.source, r.object_id, r.recipient_id, r.due_on, r.lead_days)
    )
    return rows


def reminders_claim(
    *,
    today: datetime.date,
    now: datetime.datetime | None = None,
    registry: Registry = registry,
) -> int:
    """Write today's reminders to the ledger and put them in today's digests.

    Rows already in the ledger (same source, record, person, due date and
    step) are left alone, so any number of runs, concurrent or not, claim
    each reminder once. Returns how many rows this run added.
    """
    rows = _not_in_ledger(reminders_due(today=today, registry=registry))
    with transaction.atomic():
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        digests_assign(today=today, now=now or timezone.now())
    if not rows:
        return 0
    return Reminder.objects.filter(run=rows[0].run).count()


def _not_in_ledger(rows: list[Reminder]) -> list[Reminder]:
    """Leave out the rows the ledger already holds: on an ordinary day nearly
    all, as an overdue item stays at the step it was last reminded at. The
    insert still ignores conflicts, for runs that race."""
    if not rows:
        return rows
    existing = set(
        Reminder.objects.filter(
            due_on__gte=min(row.due_on for row in rows),
            due_on__lte=max(row.due_on for row in rows),
        ).values_list(
            "source", "content_type_id", "object_id", "recipient_id", "due_on",
            "lead_days",
        )
    )  # fmt: skip
    return [
        row
        for row in rows
        if (
            row.source,
            row.content_type_id,
            row.object_id,
            row.recipient_id,
            row.due_on,
            row.lead_days,
        )
        not in existing
    ]


def digests_assign(*, today: datetime.date, now: datetime.datetime) -> None:
    """Put reminders not yet in a digest into the person's digest of the day.

    A digest already sent (or being sent) today takes nothing more: its
    latecomers wait for tomorrow's digest. The digest rows are locked while
    reminders are attached, so a sender that claims one sees all of them.
    """
    waiting = Reminder.objects.filter(
        digest__isnull=True, status=DeliveryStatus.PENDING
    )
    recipients = sorted(set(waiting.values_list("recipient_id", flat=True)))
    if not recipients:
        return
    Digest.objects.bulk_create(
        [
            Digest(recipient_id=user_id, day=today, next_attempt_at=now)
            for user_id in recipients
        ],
        ignore_conflicts=True,
    )
    open_digests = list(
        Digest.objects.select_for_update()
        .filter(day=today, recipient_id__in=recipients, status=DeliveryStatus.PENDING)
        .order_by("id")
        .values_list("recipient_id", flat=True)
    )
    waiting.filter(recipient_id__in=open_digests).update(
        digest=Subquery(
            Digest.objects.filter(recipient=OuterRef("recipient"), day=today).values(
                "id"
            )[:1]
        )
    )


@dataclass(frozen=True)
class DigestItem:
    reminder: Reminder
    source: DeadlineSource
    obj: object
    url: str
    days: int  # days until due; negative when overdue

    @property
    def title(self) -> str:
        """In the active language: read while the e-mail is rendered."""
        return str(self.source.title(self.obj))

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def days_overdue(self) -> int:
        return -self.days


def _load_items(
    reminders: list[Reminder], day: datetime.date, registry: Registry
) -> tuple[list[DigestItem], list[int]]:
    """Items still worth sending, and the reminders that no longer are
    (record closed, deleted, due date moved, source gone)."""
    by_source: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in reminders:
        by_source[reminder.source].append(reminder)
    items, dropped = [], []
    for key, group in by_source.items():
        source = registry.sources.get(key)
        if source is None:
            dropped += [r.pk for r in group]
            continue
        current = source.find(day).in_bulk([r.object_id for r in group])
        for reminder in group:
            obj = current.get(reminder.object_id)
            if obj is None or obj.due_on != reminder.due_on:
                dropped.append(reminder.pk)
                continue
            items.append(
                DigestItem(
                    reminder=reminder,
                    source=source,
                    obj=obj,
                    url=settings.SITE_URL + source.url(obj),
                    days=(reminder.due_on - day).days,
                )
            )
    items.sort(key=lambda item: (item.reminder.due_on, item.reminder.object_id))
    return items, dropped


def digest_compose(
    *, digest: Digest, items: list[DigestItem]
) -> EmailMultiAlternatives:
    """The e-mail, in the recipient's language."""
    context = {
        "day": digest.day,
        "overdue": [item for item in items if item.overdue],
        "upcoming": [item for item in items if not item.overdue],
        "site_url": settings.SITE_URL,
    }
    return email_compose(recipient=digest.recipient, template="digest", context=context)


def digest_send(
    *,
    digest_id: int,
    now: datetime.datetime | None = None,
    registry: Registry = registry,
) -> delivery.Outcome:
    """Send one digest if it is due and nobody else is sending it.

    Records closed (or re-dated) since they were claimed are left out; with
    nothing left, no e-mail is sent. An SMTP failure is retried later with
    backoff and, after the last attempt, the digest and its reminders are
    marked failed.
    """
    now = now or timezone.now()
    if not delivery.claim(Digest, digest_id, now):
        return delivery.SKIPPED
    digest = Digest.objects.select_related("recipient").get(pk=digest_id)
    reminders = list(digest.reminders.filter(status=DeliveryStatus.PENDING))
    items, dropped = _load_items(reminders, digest.day, registry)
    if dropped:
        Reminder.objects.filter(pk__in=dropped).update(status=DeliveryStatus.CANCELLED)
    if not items:
        return delivery.settle_cancelled(Digest, digest_id)
    try:
        digest_compose(digest=digest, items=items).send()
    except Exception as exc:
        logger.warning("event=digest_failed digest=%s error=%r", digest_id, exc)
        outcome = delivery.settle_failed(Digest, digest_id, exc, now)
        if outcome.status == DeliveryStatus.FAILED:
            digest.reminders.filter(status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.FAILED
            )
        return outcome
    Reminder.objects.filter(pk__in=[item.reminder.pk for item in items]).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now()
    )
    logger.info(
        "event=digest_sent digest=%s recipient=%s items=%s",
        digest_id,
        digest.recipient_id,
        len(items),
    )
    return delivery.settle_sent(Digest, digest_id)


def digests_retry(*, digest_ids: Iterable[int]) -> int:
    """Send failed digests again (an administrator's action)."""
    ids = list(digest_ids)
    with transaction.atomic():
        count = delivery.retry_now(Digest.objects.filter(pk__in=ids))
        Reminder.objects.filter(digest_id__in=ids, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING
        )
    return count


def deliveries_retry_failed() -> list[tuple[str, int]]:
    """Every failed digest and notice, due again now with a fresh count of
    attempts; returns them as ("digest" | "notice", id)."""
    from .models import Notice

    digest_ids = list(
        Digest.objects.filter(status=DeliveryStatus.FAILED).values_list("id", flat=True)
    )
    notice_ids = list(
        Notice.objects.filter(status=DeliveryStatus.FAILED).values_list("id", flat=True)
    )
    digests_retry(digest_ids=digest_ids)
    delivery.retry_now(Notice.objects.filter(pk__in=notice_ids))
    return [("digest", pk) for pk in digest_ids] + [("notice", pk) for pk in notice_ids]


def digests_deliverable(*, now: datetime.datetime) -> list[int]:
    return list(
        Digest.objects.deliverable(now, delivery.lease())
        .order_by("id")
        .values_list("id", flat=True)
    )


def reminders_run(
    *,
    today: datetime.date,
    now: datetime.datetime | None = None,
    deliver: Callable[[str, int], None] | None = None,
    registry: Registry = registry,
) -> RunReport:
    """The daily run: claim today's reminders, pick up notices that were not
    sent, and deliver every digest and notice that is due.

    ``deliver(kind, id)`` hands one delivery ("digest" or "notice") to a
    worker; without it they are sent here, one after the other.
    """
    from . import notices

    now = now or timezone.now()
    report = RunReport(today=today)
    report.claimed = reminders_claim(today=today, now=now, registry=registry)
    notices.notices_sweep(now=now, registry=registry)
    report.digests = digests_deliverable(now=now)
    notice_ids = notices.notices_deliverable(now=now)
    report.notices = len(notice_ids)
    for kind, ids in (("digest", report.digests), ("notice", notice_ids)):
        for pk in ids:
            if deliver is not None:
                deliver(kind, pk)
                continue
            if kind == "digest":
                outcome = digest_send(digest_id=pk, now=now, registry=registry)
            else:
                outcome = notices.notice_send(notice_id=pk, now=now, registry=registry)
            report.sent += outcome.sent
            report.failed += outcome.status == DeliveryStatus.FAILED
    logger.info(
        "event=reminders_run today=%s claimed=%s digests=%s notices=%s",
        today,
        report.claimed,
        len(report.digests),
        report.notices,
    )
    return report
