"""Services for a person's reminder settings."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .models import Mute


def mutes_for(*, user) -> set[str]:
    return set(Mute.objects.filter(user=user).values_list("key", flat=True))


def mutes_set(*, user, keys: Iterable[str]) -> None:
    """Replace what the person has muted with ``keys``."""
    keys = set(keys)
    with transaction.atomic():
        Mute.objects.filter(user=user).exclude(key__in=keys).delete()
        Mute.objects.bulk_create(
            [Mute(user=user, key=key) for key in sorted(keys)], ignore_conflicts=True
        )


def calendar_token_reset(*, user) -> str:
    """A new secret for the calendar feed; the old address stops working."""
    user.reset_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
