"""Reads: a person's deadlines (for the calendar) and failed deliveries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from tracker.models import Desk
from tracker.permissions import editable_desks

from .deadlines import DeadlineSource, Registry, registry
from .models import DeliveryStatus, Digest, Notice


@dataclass(frozen=True)
class Deadline:
    source: DeadlineSource
    obj: object
    due_on: datetime.date

    @property
    def title(self) -> str:
        return str(self.source.title(self.obj))

    @property
    def url(self) -> str:
        return self.source.url(self.obj)


def deadlines_for_user(
    *,
    user,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
    registry: Registry = registry,
) -> list[Deadline]:
    """Open deadlines between two dates that the person is responsible for,
    or whose desk the person leads, of the desks whose records the person may
    act on: someone who left a desk or lost the role no longer has its."""
    today = today or timezone.localdate()
    if not user.is_active:
        return []
    desks = list(editable_desks(user).values_list("id", flat=True))
    if not desks:
        return []
    led = list(
        Desk.objects.filter(chief=user, id__in=desks).values_list("id", flat=True)
    )
    mine = Q(due_officer_id=user.pk)
    if led:
        mine |= Q(due_desk_id__in=led)
    found = []
    for source in registry.sources.values():
        queryset = source.find(today).filter(
            mine, due_desk_id__in=desks, due_on__gte=start, due_on__lte=end
        )
        found += [Deadline(source, obj, obj.due_on) for obj in queryset]
    found.sort(key=lambda item: (item.due_on, item.source.key, item.obj.pk))
    return found


def deliveries_failed(*, limit: int = 200) -> dict[str, list]:
    return {
        "digests": list(
            Digest.objects.filter(status=DeliveryStatus.FAILED)
            .select_related("recipient")
            .order_by("-day", "id")[:limit]
        ),
        "notices": list(
            Notice.objects.filter(status=DeliveryStatus.FAILED)
            .select_related("recipient", "transition_log")
            .order_by("-created_at", "-id")[:limit]
        ),
    }
