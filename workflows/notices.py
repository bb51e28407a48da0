"""Immediate notices for transitions that wait on someone.

They are derived from TransitionLog rows: after a transition commits, a task
is enqueued to write and send its notices; the periodic sweep (and the daily
run) does the same for any transition whose notices were never written, e.g.
because the broker was down. The ledger key (transition, recipient) keeps
each notice to one e-mail.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django_fsm import FSMFieldMixin

from . import delivery
from .deadlines import Registry, registry
from .models import DeliveryStatus, Notice, TransitionLog
from .reminders import (
    email_compose,
    is_muted,
    muted_keys,
    reachable_user_ids,
    user_language,
)

logger = logging.getLogger(__name__)

SWEEP_DAYS = 7


def _model_label(log: TransitionLog) -> str:
    return f"{log.content_type.app_label}.{log.content_type.model}"


def notices_create(
    *,
    log: TransitionLog,
    now: datetime.datetime | None = None,
    registry: Registry = registry,
) -> list[int]:
    """Write the notices a transition calls for; returns the ids still to send.

    The person who made the transition is not told of it.
    """
    rules = registry.notices_for(_model_label(log), log.transition)
    if not rules:
        return []
    instance = log.subject
    if instance is None:
        return []
    mutes = muted_keys()
    wanted: dict[int, str] = {}
    for rule in rules:
        for user in rule.recipients(instance, log):
            user_id = getattr(user, "pk", user)
            if user_id == log.by_id or user_id in wanted:
                continue
            if is_muted(mutes[user_id], category=rule.category, key=rule.key):
                continue
            wanted[user_id] = rule.key
    reachable = reachable_user_ids(wanted)
    Notice.objects.bulk_create(
        [
            Notice(
                transition_log=log,
                recipient_id=user_id,
                rule=key,
                next_attempt_at=now or timezone.now(),
            )
            for user_id, key in sorted(wanted.items())
            if user_id in reachable
        ],
        ignore_conflicts=True,
    )
    return list(
        Notice.objects.filter(
            transition_log=log, status=DeliveryStatus.PENDING
        ).values_list("id", flat=True)
    )


def notices_sweep(*, now: datetime.datetime, registry: Registry = registry) -> int:
    """Write the notices of recent transitions that have none yet."""
    created = 0
    since = now - datetime.timedelta(days=SWEEP_DAYS)
    condition = Q()
    for label, transitions in registry.notified_transitions().items():
        app_label, model = label.split(".")
        condition |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            transition__in=transitions,
        )
    if not condition:
        return 0
    logs = (
        TransitionLog.objects.filter(condition, at__gte=since)
        .filter(~Exists(Notice.objects.filter(transition_log=OuterRef("pk"))))
        .select_related("content_type")
        .order_by("id")
    )
    for log in logs:
        created += len(notices_create(log=log, now=now, registry=registry))
    return created


def notices_deliverable(*, now: datetime.datetime) -> list[int]:
    return list(
        Notice.objects.deliverable(now, delivery.lease())
        .order_by("id")
        .values_list("id", flat=True)
    )


def notice_compose(*, notice: Notice, registry: Registry = registry):
    log = notice.transition_log
    instance = log.subject
    rule = registry.notices.get(notice.rule)
    with translation.override(user_language(notice.recipient)):
        url = ""
        if hasattr(instance, "get_absolute_url"):
            url = settings.SITE_URL + instance.get_absolute_url()
        context = {
            "label": rule.label if rule else notice.rule,
            "title": str(instance),
            "url": url,
            "log": log,
            "source_state": _state_label(instance, log.source),
            "target_state": _state_label(instance, log.target),
        }
    return email_compose(recipient=notice.recipient, template="notice", context=context)


def _state_label(instance, value: str) -> str:
    """The translated label of a state value, from the FSM field's choices."""
    for field in instance._meta.fields:
        if isinstance(field, FSMFieldMixin) and field.choices:
            return str(dict(field.flatchoices).get(value, value))
    return value


def notice_send(
    *,
    notice_id: int,
    now: datetime.datetime | None = None,
    registry: Registry = registry,
) -> delivery.Outcome:
    """Send one notice if it is due and nobody else is sending it."""
    now = now or timezone.now()
    if not delivery.claim(Notice, [notice_id], now):
        return delivery.SKIPPED
    notice = Notice.objects.select_related(
        "recipient", "transition_log__content_type", "transition_log__by"
    ).get(pk=notice_id)
    if notice.transition_log.subject is None:
        return delivery.settle_cancelled(Notice, [notice_id])
    try:
        notice_compose(notice=notice, registry=registry).send()
    except Exception as exc:
        logger.warning("event=notice_failed notice=%s error=%r", notice_id, exc)
        return delivery.settle_failed(Notice, notice_id, exc, now)
    return delivery.settle_sent(Notice, notice_id)


def notices_kick(*, log_id: int, model: str, transition: str) -> None:
    """After a transition commits: hand its notices to a worker.

    Never raises: with the broker down the transition stands and the sweep
    sends the notices later.
    """
    if not registry.notices_for(model, transition):
        return
    try:
        from .tasks import send_transition_notices

        send_transition_notices.delay(log_id)
    except Exception as exc:
        logger.warning("event=notice_kick_failed log=%s error=%r", log_id, exc)
