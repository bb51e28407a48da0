"""Claiming and settling e-mail deliveries (digests and notices).

A delivery row is claimed (pending → sending) under a row lock, checked again
once any other claimer is done with it; only the process that changed the row
sends. A sender that dies leaves the row ``sending``; after the lease it may
be claimed again. The one case that can send twice is a sender dying after
the SMTP server accepted the message and before the row was marked sent.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .models import DeliveryStatus


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)


def max_attempts() -> int:
    return settings.REMINDER_MAX_ATTEMPTS


def backoff(attempts: int) -> int:
    """Seconds to wait after the n-th failed attempt: base, 2×base, 4×base…"""
    base = settings.REMINDER_RETRY_BASE_SECONDS
    return base * 2 ** max(attempts - 1, 0)


@dataclass(frozen=True)
class Outcome:
    status: str  # a DeliveryStatus, or "skipped" when another process has it
    retry_in: int | None = None

    @property
    def sent(self) -> bool:
        return self.status == DeliveryStatus.SENT


SKIPPED = Outcome("skipped")


def claim(
    model: type[models.Model], pks: Iterable[int], now: datetime.datetime
) -> list[int]:
    """Take the rows that are due for sending; returns the ids taken. Rows
    not due, or that someone else has, are left alone.

    The rows are locked in id order, and one being taken by another process
    is waited for and checked again, as a conditional UPDATE would: each
    row is taken by one process only."""
    with transaction.atomic():
        taken = list(
            model.objects.deliverable(now, lease())
            .filter(pk__in=list(pks))
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        model.objects.filter(pk__in=taken).update(
            status=DeliveryStatus.SENDING,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    return taken


def release(model: type[models.Model], pks: Iterable[int]) -> None:
    """Give back rows taken but not sent: due again at once, the attempt not
    counted."""
    model.objects.filter(pk__in=list(pks), status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING, attempts=F("attempts") - 1
    )


def settle_sent(model: type[models.Model], pk: int) -> Outcome:
    model.objects.filter(pk=pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return Outcome(DeliveryStatus.SENT)


def settle_cancelled(model: type[models.Model], pks: Iterable[int]) -> Outcome:
    model.objects.filter(pk__in=list(pks)).update(status=DeliveryStatus.CANCELLED)
    return Outcome(DeliveryStatus.CANCELLED)


def settle_failed(
    model: type[models.Model], pk: int, error: BaseException, now: datetime.datetime
) -> Outcome:
    """After a failed attempt: wait and retry, or give up visibly."""
    attempts = model.objects.values_list("attempts", flat=True).get(pk=pk)
    message = f"{type(error).__name__}: {error}"[:2000]
    if attempts >= max_attempts():
        model.objects.filter(pk=pk).update(
            status=DeliveryStatus.FAILED, last_error=message
        )
        return Outcome(DeliveryStatus.FAILED)
    delay = backoff(attempts)
    model.objects.filter(pk=pk).update(
        status=DeliveryStatus.PENDING,
        last_error=message,
        next_attempt_at=now + datetime.timedelta(seconds=delay),
    )
    return Outcome(DeliveryStatus.PENDING, retry_in=delay)


def retry_now(queryset: models.QuerySet) -> int:
    """Send failed deliveries again, from a fresh count of attempts."""
    return queryset.filter(status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        last_error="",
    )
