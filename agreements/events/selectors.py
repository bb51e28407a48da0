"""Reads for event pages: upcoming events, a month's calendar, readiness."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from agreements.models import Agreement, Event
from tracker.models import Desk
from tracker.permissions import sees_all_desks, user_desk_ids

S = Agreement.State
# Targeted documents that count as ready: approved for signing, or further.
READY_OR_FURTHER = (S.READY, S.SIGNED, S.IN_FORCE, S.EXPIRED, S.TERMINATED)
# A targeted document is late when the event is this close and the document is
# still in this state: negotiation needs a month, domestic approval a week.
LATE_WITHIN_DAYS = {
    S.DRAFTING: 45,
    S.NEGOTIATING: 30,
    S.SUSPENDED: 30,
    S.AGREED: 21,
    S.APPROVAL: 7,
}


def document_is_late(state: str, days_left: int) -> bool:
    limit = LATE_WITHIN_DAYS.get(state)
    return limit is not None and days_left <= limit


def events_with_readiness(*, user: Any) -> QuerySet[Event]:
    """Visible events annotated with their targeted and ready document counts,
    counting only the documents the user may see (an event of one desk may
    target documents of another)."""
    visible = Q()
    if not sees_all_desks(user):
        visible = Q(agreements__desk_id__in=user_desk_ids(user))
    targeted = ~Q(agreements__state=S.WITHDRAWN) & Q(agreements__isnull=False)
    ready = Q(agreements__state__in=READY_OR_FURTHER)
    return (
        Event.objects.visible_to(user)
        .select_related("desk")
        .annotate(
            targeted=Count("agreements", filter=targeted & visible),
            ready=Count("agreements", filter=ready & visible),
        )
    )


def events_upcoming(
    *,
    user: Any,
    today: datetime.date,
    days: int | None = None,
    desk: Desk | None = None,
) -> QuerySet[Event]:
    """Events not yet over on ``today``, starting within ``days`` if given,
    of one ``desk`` if given, soonest first."""
    events = events_with_readiness(user=user).filter(
        Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today)
    )
    if days is not None:
        events = events.filter(starts_on__lte=today + datetime.timedelta(days=days))
    if desk is not None:
        events = events.filter(desk=desk)
    return events.order_by("starts_on", "id")


@dataclass
class BoardRow:
    agreement: Agreement
    ready: bool
    late: bool


@dataclass
class ReadinessBoard:
    event: Event
    days_left: int
    rows: list[BoardRow]
    withdrawn: list[Agreement]

    @property
    def ready_count(self) -> int:
        return sum(row.ready for row in self.rows)

    @property
    def late_count(self) -> int:
        return sum(row.late for row in self.rows)

    @property
    def percent_ready(self) -> int:
        return round(100 * self.ready_count / len(self.rows)) if self.rows else 0


def event_readiness(*, event: Event, user: Any, today: datetime.date) -> ReadinessBoard:
    """Each targeted document the user may see, whether it is ready, and
    whether it is late given the days left before the event."""
    days_left = (event.starts_on - today).days
    documents = (
        Agreement.objects.visible_to(user)
        .filter(target_event=event)
        .select_related("officer", "desk")
        .order_by("state", "title_en")
    )
    rows, withdrawn = [], []
    for document in documents:
        if document.state == S.WITHDRAWN:
            withdrawn.append(document)
            continue
        ready = document.state in READY_OR_FURTHER
        rows.append(
            BoardRow(
                agreement=document,
                ready=ready,
                late=not ready and document_is_late(document.state, days_left),
            )
        )
    return ReadinessBoard(
        event=event, days_left=days_left, rows=rows, withdrawn=withdrawn
    )


def event_projects(*, event: Event, user: Any) -> QuerySet:
    """Projects to be launched or celebrated at the event."""
    from projects.models import Project

    return (
        Project.objects.visible_to(user)
        .filter(launch_event=event)
        .select_related("country")
        .order_by("name_en")
    )


def month_calendar(
    *, user: Any, year: int, month: int
) -> tuple[list[list[tuple[datetime.date, list[Event]]]], datetime.date, datetime.date]:
    """Weeks of (day, events on that day) for the month, with previous and
    next month's first days for navigation."""
    first = datetime.date(year, month, 1)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start, end = weeks[0][0], weeks[-1][-1]
    events = list(
        Event.objects.visible_to(user)
        .filter(starts_on__lte=end)
        .filter(Q(ends_on__gte=start) | Q(ends_on__isnull=True, starts_on__gte=start))
        .select_related("desk")
        .order_by("starts_on", "id")
    )
    grid = [
        [
            (
                day,
                [e for e in events if e.starts_on <= day <= (e.ends_on or e.starts_on)],
            )
            for day in week
        ]
        for week in weeks
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return grid, previous, following


def deliverable_candidates(
    *, event: Event, user: Any, query: str, limit: int = 15
) -> list[dict]:
    """Open documents and active projects the user may change, matching the query;
    values are "agreement:<id>" or "project:<id>"."""
    from projects.models import Project
    from tracker.permissions import editable_desks

    query = query.strip()
    if not query:
        return []
    desks = editable_desks(user)
    documents = (
        Agreement.objects.open()
        .filter(desk__in=desks)
        .exclude(target_event=event)
        .search(query)
        .order_by("title_en")[:limit]
    )
    projects = (
        Project.objects.filter(desk__in=desks)
        .exclude(launch_event=event)
        .filter(Q(name_en__icontains=query) | Q(name_zh__icontains=query))
        .order_by("name_en")[:limit]
    )
    document_label, project_label = _("Document"), _("Project")
    return [
        {"value": f"agreement:{d.pk}", "text": f"{document_label}: {d}"}
        for d in documents
    ] + [
        {"value": f"project:{p.pk}", "text": f"{project_label}: {p}"} for p in projects
    ]
