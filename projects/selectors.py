"""Reads for project lists, the detail page and its history."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from tracker.history import change_values, readable_changes, related_names
from tracker.permissions import get_for_user
from workflows.models import TransitionLog

from .models import (
    TRANSITION_LABELS,
    Milestone,
    ProgressLog,
    Project,
    ProjectOrganization,
)

RECENT_LOGS = 20


def project_list(*, user: Any, today: datetime.date) -> Any:
    """Projects the user may see, with health, ready for a table."""
    return (
        Project.objects.visible_to(user)
        .with_health(today)
        .select_related("country", "desk", "officer")
    )


def project_get(
    *, user: Any, pk: int, write: bool = False, today: datetime.date | None = None
) -> Project:
    """One project the user may see (404) and, with ``write``, change (403)."""
    queryset = Project.objects.select_related(
        "country", "desk", "officer", "launch_event"
    )
    if today is not None:
        queryset = queryset.with_health(today)
    return get_for_user(queryset, user, write=write, pk=pk)


def project_detail_parts(*, project: Project, user: Any) -> dict[str, Any]:
    """Everything the detail page shows besides the project, one query each."""
    organizations = list(
        ProjectOrganization.objects.filter(project=project).select_related(
            "organization"
        )
    )
    milestones = list(
        Milestone.objects.filter(project=project)
        .select_related("owner")
        .order_by("baseline_date", "id")
    )
    logs = list(
        ProgressLog.objects.filter(project=project)
        .select_related("author")
        .order_by("-reported_on", "-id")[:RECENT_LOGS]
    )
    return {
        "organizations": organizations,
        "milestones": milestones,
        "logs": logs,
        "agreements": project_agreements(project=project, user=user),
    }


def project_agreements(*, project: Project, user: Any) -> list[Any]:
    """The documents underpinning the project that the user may see."""
    return list(project.agreements.visible_to(user).order_by("title_en"))


def milestone_timeline(milestones: list[Milestone]) -> dict[str, Any]:
    """Chart data: one row per milestone with its three dates (ISO strings)."""

    def iso(value: datetime.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "titles": [m.title for m in milestones],
        "baseline": [iso(m.baseline_date) for m in milestones],
        "forecast": [iso(m.forecast_date) for m in milestones],
        "actual": [iso(m.actual_date) for m in milestones],
    }


def project_history(*, project: Project, user: Any) -> list[dict[str, Any]]:
    """Status changes, re-baselines and audited edits of milestones and logs,
    newest first, in words: labels of states and choices, names of people."""
    statuses = dict(Project.Status.choices)
    entries: list[dict[str, Any]] = []
    for log in TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Project), object_id=project.pk
    ).select_related("by"):
        entries.append(
            {
                "at": log.at,
                "by": log.by,
                "kind": "transition",
                "transition": log.transition,
                "what": TRANSITION_LABELS.get(log.transition, log.transition),
                "source": statuses.get(log.source, log.source),
                "target": statuses.get(log.target, log.target),
                "comment": log.comment,
            }
        )
    for model, kind in ((Milestone, "milestone"), (ProgressLog, "progress")):
        entries.extend(_audit_entries(model, kind, project, user))
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries


# Always the same project, or bookkeeping.
SKIP = ["id", "project", "created_at"]


def _audit_entries(
    model: Any, kind: str, project: Project, user: Any
) -> list[dict[str, Any]]:
    """One entry per audited version, with what changed since the one before."""
    history = (
        model.history.filter(project_id=project.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    previous: dict[int, Any] = {}
    raw = []
    for record in history:
        before = previous.get(record.id)
        changes = []
        if before is not None:
            delta = record.diff_against(before, excluded_fields=SKIP)
            changes = [(c.field, c.old, c.new) for c in delta.changes]
        previous[record.id] = record
        raw.append((record, changes))
    names = related_names(
        model, change_values(c for _, changes in raw for c in changes), user
    )
    return [
        {
            "at": record.history_date,
            "by": record.history_user,
            "kind": kind,
            "what": record.get_history_type_display(),
            "object": _label(record),
            "changes": readable_changes(model, changes, names),
            "comment": record.history_change_reason or "",
        }
        for record, changes in raw
    ]


def _label(record: Any) -> str:
    return getattr(record, "title", None) or str(getattr(record, "reported_on", ""))


def agreements_for_lookup(*, user: Any, query: str, limit: int = 20) -> list[Any]:
    from agreements.models import Agreement

    return list(
        Agreement.objects.visible_to(user).search(query).order_by("title_en")[:limit]
    )


def events_for_lookup(*, user: Any, query: str, limit: int = 20) -> list[Any]:
    from agreements.models import Event

    events = Event.objects.visible_to(user)
    query = query.strip()
    if query:
        events = events.filter(
            Q(name_en__icontains=query) | Q(name_zh__icontains=query)
        )
    return list(events.order_by("-starts_on")[:limit])
