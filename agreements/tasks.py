"""Celery tasks of cooperation documents: each takes a date and calls a service."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from .services import agreements_expire_due


@shared_task
def expire_agreements(today: str | None = None) -> dict:
    """The daily run: documents past their expiry date are renewed when they
    renew tacitly and otherwise become ``expired``; ``today`` as YYYY-MM-DD,
    else today."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    expired = agreements_expire_due(today=day)
    return {"today": day.isoformat(), "expired": len(expired)}
