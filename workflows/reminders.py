"""The daily reminder run: run the daily jobs, find what is due, claim it in
the ledger, send each person one digest.

``reminders_run`` is what the Celery beat task and ``manage.py
send_reminders`` both call, with ``today`` passed in.

A record's officer and desk chief hear of it only while they may act on the
desk's records (``tracker.permissions.can_edit_desk``): active, a desk officer
or division chief, a member or the chief of the desk. When the officer may
not, the desk chief is responsible instead. Whether the recipient still may
is checked again when the digest is sent.
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from . import delivery
from .deadlines import DeadlineSource, Registry, Schedule, Staff, registry
from .models import DeliveryStatus, Digest, Mute, Reminder

logger = logging.getLogger(__name__)

Reason = Reminder.Reason


@dataclass
class RunReport:
    today: datetime.date
    # Each daily job's count of records changed; None when it failed.
    jobs: dict[str, int | None] = field(default_factory=dict)
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
    responsible_id: int | None,
    chief_id: int | None,
    leader_ids: list[int],
) -> dict[int, str]:
    found: dict[int, str] = {}
    if schedule.escalates_to_leadership(step):
        found.update(dict.fromkeys(leader_ids, Reason.LEADERSHIP))
    if chief_id and schedule.escalates_to_chief(step):
        found[chief_id] = Reason.CHIEF
    if responsible_id:
        found[responsible_id] = Reason.RESPONSIBLE
    return found


def _items(
    queryset: models.QuerySet,
    *,
    key: str,
    content_type: ContentType,
    schedule: Schedule,
    staff: Staff,
    today: datetime.date,
    unclaimed: bool,
) -> models.QuerySet:
    """(pk, due_on, step, responsible, chief) of the source's items that are
    at a step today, read within the schedule's window of due dates.

    With ``unclaimed``, items whose responsible person already has today's
    step in the ledger are left out in SQL: on an ordinary day nearly all,
    as an overdue item stays at the step it was last reminded at.
    """
    low, high = schedule.window(today)
    chief = staff.chief_sql("due_desk_id")
    items = (
        queryset.filter(due_on__gte=low, due_on__lte=high)
        .annotate(
            due_step=schedule.step_case(today),
            due_chief_id=chief,
            due_responsible_id=models.Case(
                models.When(
                    staff.may_act_sql("due_officer_id", "due_desk_id"),
                    then=F("due_officer_id"),
                ),
                default=chief,
                output_field=models.BigIntegerField(),
            ),
        )
        .filter(due_step__isnull=False)
    )
    if unclaimed:
        claimed = Reminder.objects.filter(
            source=key,
            content_type=content_type,
            object_id=OuterRef("pk"),
            due_on=OuterRef("due_on"),
            lead_days=OuterRef("due_step"),
            recipient=OuterRef("due_responsible_id"),
        )
        items = items.filter(~Exists(claimed))
    return items.order_by().values_list(
        "pk", "due_on", "due_step", "due_responsible_id", "due_chief_id"
    )


def reminders_due(
    *, today: datetime.date, registry: Registry = registry, unclaimed: bool = False
) -> list[Reminder]:
    """The ledger rows today's reminders would have (unsaved), in a stable
    order.

    Without ``unclaimed`` the rows already in the ledger are included. With
    it, items whose responsible person was already reminded at today's step
    are left out; a few rows of the ledger may still be among the rest (a
    person who muted the kind, say), which the insert ignores.
    """
    schedules = registry.schedules()
    staff = Staff.read()
    leader_ids = sorted(staff.leaders)
    mutes = muted_keys()
    run = uuid.uuid4()
    rows = []
    for key, source in registry.sources.items():
        schedule = schedules[key]
        if not schedule.enabled:
            continue
        queryset = source.find(today)
        content_type = ContentType.objects.get_for_model(queryset.model)
        items = _items(
            queryset,
            key=key,
            content_type=content_type,
            schedule=schedule,
            staff=staff,
            today=today,
            unclaimed=unclaimed,
        )
        for pk, due_on, step, responsible_id, chief_id in items:
            for user_id, reason in _recipients(
                schedule, step, responsible_id, chief_id, leader_ids
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
    rows = reminders_due(today=today, registry=registry, unclaimed=True)
    with transaction.atomic():
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        digests_assign(today=today, now=now or timezone.now())
    if not rows:
        return 0
    return Reminder.objects.filter(run=rows[0].run).count()


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


class DueLines:
    """Items' due lines ("Due 9 March 2026 (in 7 days)"), each rendered once
    per language, format, date and day: they read the same for every item
    due that day in every digest, so a batch of digests renders each once."""

    def __init__(self) -> None:
        self._rendered: dict[tuple, str] = {}

    def render(self, item: DigestItem, fmt: str) -> str:
        key = (translation.get_language(), fmt, item.reminder.due_on, item.days)
        if key not in self._rendered:
            line = render_to_string(f"workflows/email/_due.{fmt}", {"item": item})
            # Rendered from a template, as an include's output would be.
            self._rendered[key] = mark_safe(line.strip())
        return self._rendered[key]


@dataclass(frozen=True)
class DigestItem:
    reminder: Reminder
    source: DeadlineSource
    obj: object
    url: str
    days: int  # days until due; negative when overdue
    due_lines: DueLines

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

    @property
    def due_text(self) -> str:
        return self.due_lines.render(self, "txt")

    @property
    def due_html(self) -> str:
        return self.due_lines.render(self, "html")


def may_hear(staff: Staff, user_id: int, *, reason: str, desk_id: int | None) -> bool:
    """Whether the person may still be told of a desk's record, for that
    reason: leadership while in leadership, anyone else while they may act
    on the desk's records."""
    if reason == Reason.LEADERSHIP:
        return user_id in staff.leaders
    return staff.may_act(user_id, desk_id)


def _load_items(
    digests: list[Digest], registry: Registry
) -> tuple[dict[int, list[DigestItem]], list[int]]:
    """Each digest's items still worth sending, and the reminders that no
    longer are (record closed, deleted, due date moved, source gone, or the
    recipient may no longer hear of it). One query per source, whatever
    the number of digests and items."""
    day_of = {digest.pk: digest.day for digest in digests}
    pending = Reminder.objects.filter(
        digest__in=day_of, status=DeliveryStatus.PENDING
    ).order_by()
    by_source: dict[tuple[str, datetime.date], list[Reminder]] = defaultdict(list)
    for reminder in pending:
        by_source[reminder.source, day_of[reminder.digest_id]].append(reminder)
    staff = Staff.read()
    due_lines = DueLines()
    items: dict[int, list[DigestItem]] = {pk: [] for pk in day_of}
    dropped = []
    for (key, day), group in by_source.items():
        source = registry.sources.get(key)
        current = (
            source.find(day).in_bulk({r.object_id for r in group}) if source else {}
        )
        for reminder in group:
            obj = current.get(reminder.object_id)
            if (
                obj is None
                or obj.due_on != reminder.due_on
                or not may_hear(
                    staff,
                    reminder.recipient_id,
                    reason=reminder.reason,
                    desk_id=obj.due_desk_id,
                )
            ):
                dropped.append(reminder.pk)
                continue
            items[reminder.digest_id].append(
                DigestItem(
                    reminder=reminder,
                    source=source,
                    obj=obj,
                    url=settings.SITE_URL + source.url(obj),
                    days=(reminder.due_on - day).days,
                    due_lines=due_lines,
                )
            )
    for found in items.values():
        found.sort(key=lambda item: (item.reminder.due_on, item.reminder.object_id))
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


# Digests one sender claims and reads together. Each is still sent and
# settled on its own.
SEND_BATCH = 50


def digests_send(
    *,
    digest_ids: Iterable[int],
    now: datetime.datetime | None = None,
    registry: Registry = registry,
) -> list[delivery.Outcome]:
    """Send each digest that is due and that nobody else is sending; one
    outcome per id, in order ("skipped" for a digest not taken, or given
    back unsent when its batch ran short of the lease).

    Records closed (or re-dated) since they were claimed, and records the
    recipient may no longer hear of, are left out; with nothing left, no
    e-mail is sent. An SMTP failure is retried later with backoff and, after
    the last attempt, the digest and its reminders are marked failed. Each
    digest is marked sent as soon as its e-mail is.
    """
    now = now or timezone.now()
    ids = list(digest_ids)
    outcomes: dict[int, delivery.Outcome] = {}
    for start in range(0, len(ids), SEND_BATCH):
        # The batch's leases all run from its claim: past half of them, what
        # is left is given back unsent, before another sender may take it.
        until = time.monotonic() + delivery.lease().total_seconds() / 2
        taken = delivery.claim(Digest, ids[start : start + SEND_BATCH], now)
        if taken:
            outcomes.update(_send_taken(taken, now, registry, until))
    return [outcomes.get(pk, delivery.SKIPPED) for pk in ids]


def digest_send(
    *,
    digest_id: int,
    now: datetime.datetime | None = None,
    registry: Registry = registry,
) -> delivery.Outcome:
    """Send one digest if it is due and nobody else is sending it
    (``digests_send``)."""
    return digests_send(digest_ids=[digest_id], now=now, registry=registry)[0]


def _send_taken(
    digest_ids: list[int], now: datetime.datetime, registry: Registry, until: float
) -> dict[int, delivery.Outcome]:
    digests = list(
        Digest.objects.filter(pk__in=digest_ids)
        .select_related("recipient")
        .order_by("pk")
    )
    items, dropped = _load_items(digests, registry)
    if dropped:
        Reminder.objects.filter(pk__in=dropped).update(status=DeliveryStatus.CANCELLED)
    outcomes: dict[int, delivery.Outcome] = {}
    empty = [digest.pk for digest in digests if not items[digest.pk]]
    if empty:
        outcomes = dict.fromkeys(empty, delivery.settle_cancelled(Digest, empty))
    late = []
    for digest in digests:
        if not items[digest.pk]:
            continue
        if time.monotonic() > until:
            late.append(digest.pk)
        else:
            outcomes[digest.pk] = _deliver(digest, items[digest.pk], now)
    if late:
        delivery.release(Digest, late)
    return outcomes


def _deliver(
    digest: Digest, items: list[DigestItem], now: datetime.datetime
) -> delivery.Outcome:
    try:
        digest_compose(digest=digest, items=items).send()
    except Exception as exc:
        logger.warning("event=digest_failed digest=%s error=%r", digest.pk, exc)
        outcome = delivery.settle_failed(Digest, digest.pk, exc, now)
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
        digest.pk,
        digest.recipient_id,
        len(items),
    )
    return delivery.settle_sent(Digest, digest.pk)


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


def daily_jobs_run(
    *, today: datetime.date, registry: Registry = registry
) -> dict[str, int | None]:
    """Run every registered daily job for ``today``; returns each one's count
    of records changed. A job that fails is logged as an error and counted as
    None: the other jobs and the reminders still run."""
    done: dict[str, int | None] = {}
    for key, job in registry.daily_jobs.items():
        try:
            done[key] = job(today)
        except Exception:
            logger.exception("event=daily_job_failed job=%s today=%s", key, today)
            done[key] = None
    return done


def reminders_run(
    *,
    today: datetime.date,
    now: datetime.datetime | None = None,
    deliver: Callable[[str, int], None] | None = None,
    registry: Registry = registry,
) -> RunReport:
    """The daily run: run the daily jobs (so reminders see the dates they
    set), claim today's reminders, pick up notices that were not sent, and
    deliver every digest and notice that is due.

    ``deliver(kind, id)`` hands one delivery ("digest" or "notice") to a
    worker; without it they are sent here, the digests a batch at a time.
    """
    from . import notices

    now = now or timezone.now()
    report = RunReport(today=today)
    report.jobs = daily_jobs_run(today=today, registry=registry)
    report.claimed = reminders_claim(today=today, now=now, registry=registry)
    notices.notices_sweep(now=now, registry=registry)
    report.digests = digests_deliverable(now=now)
    notice_ids = notices.notices_deliverable(now=now)
    report.notices = len(notice_ids)
    if deliver is None:
        outcomes = digests_send(digest_ids=report.digests, now=now, registry=registry)
        outcomes += [
            notices.notice_send(notice_id=pk, now=now, registry=registry)
            for pk in notice_ids
        ]
        report.sent = sum(outcome.sent for outcome in outcomes)
        report.failed = sum(
            outcome.status == DeliveryStatus.FAILED for outcome in outcomes
        )
    else:
        for pk in report.digests:
            deliver("digest", pk)
        for pk in notice_ids:
            deliver("notice", pk)
    logger.info(
        "event=reminders_run today=%s jobs=%s claimed=%s digests=%s notices=%s",
        today,
        report.jobs,
        report.claimed,
        len(report.digests),
        report.notices,
    )
    return report
