"""State changes of projects, milestones and progress logs."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min, OuterRef, Subquery, Value
from django.db.models.functions import Lower, Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import Organization
from tracker.permissions import can_edit, can_edit_desk
from workflows.models import TransitionLog
from workflows.services import transition_run

from .models import (
    Milestone,
    ProgressLog,
    Project,
    ProjectOrganization,
    due_date,
    slippage_days,
)
from .permissions import can_rebaseline

REASON_REQUIRED = ("suspend", "cancel")
# Transitions that record the date something happened.
DATED = ("start_implementation", "complete")
REBASELINE = "rebaseline"


def _require_editor(user: Any, project: Project) -> None:
    if not can_edit(user, project):
        raise PermissionDenied


def _set_many(project: Project, fields: dict[str, Any], by: Any) -> None:
    agreements = fields.pop("agreements", None)
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean(exclude=["status"])
    project.save()
    if agreements is not None:
        # The user chose among the documents they may see; links to the
        # others are not theirs to drop.
        visible = project.agreements.model.objects.visible_to(by)
        hidden = project.agreements.exclude(pk__in=visible.values("pk"))
        project.agreements.set([*agreements, *hidden])


def project_create(*, by: Any, **fields: Any) -> Project:
    """Create a project on a desk the user edits; it starts in the pipeline."""
    agreements = fields.pop("agreements", None)
    project = Project(**fields)
    _require_editor(by, project)
    with transaction.atomic():
        project.full_clean(exclude=["status"])
        project.save()
        if agreements:
            project.agreements.set(agreements)
    return project


def project_update(*, project: Project, by: Any, **fields: Any) -> Project:
    """Change a project's facts (not its status, which moves by transitions).

    ``agreements`` replaces the links to documents ``by`` may see; links to
    documents hidden from them are kept.
    """
    _require_editor(by, project)
    fields.pop("status", None)
    new_desk = fields.get("desk")
    if new_desk is not None and not can_edit_desk(by, new_desk.pk):
        raise PermissionDenied
    with transaction.atomic():
        _set_many(project, fields, by)
    return project


def project_transition(
    *,
    project: Project,
    transition: str,
    by: Any,
    comment: str = "",
    on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> TransitionLog:
    """Run a status transition, logged with who, when and why.

    ``suspend`` and ``cancel`` need a reason; ``start_implementation`` and
    ``complete`` record ``on`` as the actual start or completion date, which
    has happened (not after ``today``) and a completion not before the start.
    On a bad date nothing is saved.
    """
    if transition not in Project.TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    comment = comment.strip()
    today = today or timezone.localdate()
    actual_start = project.actual_start

    def guard() -> dict[str, str]:
        errors = {}
        if transition in REASON_REQUIRED and not comment:
            errors["comment"] = _("Give a reason.")
        if transition in DATED:
            errors.update(_date_errors(transition, on, today, actual_start))
        return errors

    before = (project.actual_start, project.actual_completion)
    if transition == "start_implementation":
        project.actual_start = on
    if transition == "complete":
        project.actual_completion = on
    try:
        return transition_run(
            instance=project, transition=transition, by=by, comment=comment, guard=guard
        )
    except Exception:
        # Nothing was saved; the caller's instance says so too.
        project.actual_start, project.actual_completion = before
        raise


def _date_errors(
    transition: str,
    on: datetime.date | None,
    today: datetime.date,
    actual_start: datetime.date | None,
) -> dict[str, str]:
    if on is None:
        return {"on": _("Give the date.")}
    if on > today:
        return {"on": _("The date cannot be in the future.")}
    if transition == "complete" and actual_start and on < actual_start:
        return {
            "on": _("The completion date cannot be before the start date (%(date)s).")
            % {"date": actual_start.isoformat()}
        }
    return {}


def project_add_organization(
    *, project: Project, organization: Organization, role: str, by: Any
) -> ProjectOrganization:
    _require_editor(by, project)
    link, _created = ProjectOrganization.objects.get_or_create(
        project=project, organization=organization, role=role
    )
    return link


def project_remove_organization(*, link: ProjectOrganization, by: Any) -> None:
    _require_editor(by, link.project)
    link.delete()


def project_slippage_refresh(*, project_ids: Iterable[int] | None = None) -> None:
    """Store each project's worst slippage and next due date as its milestones
    now stand: the largest ``Milestone.slippage_days``, or None without
    milestones; the earliest ``Milestone.due_date`` of the open ones, or None.

    Call it in the transaction that changed the milestones, with the projects
    they are (or were) on. Their rows are locked first, so that of two
    transactions changing one project's milestones the later one computes
    once the earlier has committed, and counts its changes. Without
    ``project_ids`` every project is refreshed, unlocked: for bulk loads."""
    milestones = Milestone.objects.filter(project=OuterRef("pk")).order_by()
    worst = (
        milestones.values("project")
        .annotate(worst=Max(slippage_days()))
        .values("worst")
    )
    next_due = (
        milestones.open().values("project").annotate(due=Min(due_date())).values("due")
    )
    _stored_refresh(
        project_ids,
        worst_slippage_days=Subquery(worst),
        next_due_on=Subquery(next_due),
    )


def project_report_refresh(*, project_ids: Iterable[int] | None = None) -> None:
    """Store each project's latest progress report (the latest ``reported_on``,
    then the highest id): its RAG, date and percent, or None without reports.

    Call it in the transaction that added, corrected or deleted the reports,
    with the projects they are (or were) on; the rows are locked as
    ``project_slippage_refresh`` locks them. Without ``project_ids`` every
    project is refreshed, unlocked: for bulk loads."""
    latest = ProgressLog.objects.filter(project=OuterRef("pk")).order_by(
        "-reported_on", "-id"
    )
    _stored_refresh(
        project_ids,
        latest_rag=Subquery(latest.values("rag")[:1]),
        latest_reported_on=Subquery(latest.values("reported_on")[:1]),
        latest_percent=Subquery(latest.values("percent_complete")[:1]),
    )


def _stored_refresh(project_ids: Iterable[int] | None, **values: Any) -> None:
    """Set ``values`` (expressions over each project) on the projects
    ``project_ids``, their rows locked first, or on every project."""
    projects = Project.objects.all()
    if project_ids is not None:
        projects = projects.filter(pk__in=sorted(set(project_ids)))
    with transaction.atomic():
        if project_ids is not None:
            # Locked in the order of the id, as every caller locks them.
            list(projects.select_for_update().order_by("pk").values_list("pk"))
        projects.update(**values)


def milestone_create(
    *,
    project: Project,
    by: Any,
    title: str,
    baseline_date: datetime.date,
    forecast_date: datetime.date | None = None,
    actual_date: datetime.date | None = None,
    owner: Any = None,
) -> Milestone:
    _require_editor(by, project)
    milestone = Milestone(
        project=project,
        title=title,
        baseline_date=baseline_date,
        forecast_date=forecast_date or baseline_date,
        actual_date=actual_date,
        owner=owner,
    )
    milestone._history_user = by
    with transaction.atomic():
        milestone.save()
        project_slippage_refresh(project_ids=[project.pk])
    return milestone


def milestone_update(
    *,
    milestone: Milestone,
    by: Any,
    title: str,
    forecast_date: datetime.date | None,
    actual_date: datetime.date | None,
    owner: Any = None,
) -> Milestone:
    """Change the estimate, the actual date, title or owner; never the baseline."""
    _require_editor(by, milestone.project)
    milestone.title = title
    milestone.forecast_date = forecast_date
    milestone.actual_date = actual_date
    milestone.owner = owner
    milestone._history_user = by
    with transaction.atomic():
        milestone.save()
        project_slippage_refresh(project_ids=[milestone.project_id])
    return milestone


def milestone_rebaseline(
    *, milestone: Milestone, by: Any, baseline_date: datetime.date, reason: str
) -> Milestone:
    """Move a milestone's baseline: leadership only, with a reason.

    The change is kept in the milestone's history and logged on the project's
    transition log (state unchanged) in the same transaction.
    """
    project = milestone.project
    if not can_rebaseline(by, project):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    with transaction.atomic():
        milestone.baseline_date = baseline_date
        milestone._history_user = by
        milestone._change_reason = reason[:100]
        milestone.save()
        project_slippage_refresh(project_ids=[project.pk])
        TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(project),
            object_id=project.pk,
            transition=REBASELINE,
            source=project.status,
            target=project.status,
            by=by,
            # The reason alone: the history shows the change from the
            # milestone's own record, in the reader's language.
            comment=reason,
        )
    return milestone


def project_log_progress(
    *,
    project: Project,
    by: Any,
    reported_on: datetime.date,
    percent_complete: int,
    rag: str,
    summary: str,
    issues: str = "",
    next_steps: str = "",
) -> ProgressLog:
    """Add a dated progress report by an officer of the project's desk."""
    _require_editor(by, project)
    log = ProgressLog(
        project=project,
        reported_on=reported_on,
        author=by,
        percent_complete=percent_complete,
        rag=rag,
        summary=summary,
        issues=issues,
        next_steps=next_steps,
    )
    log.full_clean()
    log._history_user = by
    with transaction.atomic():
        log.save()
        project_report_refresh(project_ids=[project.pk])
    return log


CORRECTABLE = (
    "reported_on",
    "percent_complete",
    "rag",
    "summary",
    "issues",
    "next_steps",
)


def progress_log_correct(
    *, log: ProgressLog, by: Any, reason: str, **fields: Any
) -> ProgressLog:
    """Correct a progress log; the earlier version and the reason stay on record."""
    _require_editor(by, log.project)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the correction.")})
    for name in CORRECTABLE:
        if name in fields:
            setattr(log, name, fields[name])
    log.full_clean()
    log._history_user = by
    log._change_reason = reason[:100]
    with transaction.atomic():
        log.save()
        project_report_refresh(project_ids=[log.project_id])
    return log


def organization_key(name: str) -> str:
    """What two organisation names that differ only in case and spacing share."""
    return "".join(name.split()).lower()


def organizations_find_or_create(
    *, names: Iterable[tuple[str, str, Any]]
) -> dict[str, Organization]:
    """Organisations by ``organization_key`` of their English name, found
    whatever their case and spacing, and created once when new.

    ``names`` holds (name, kind, country) triples; the first kind seen for a new
    name is used, and a new organisation is named with its spacing tidied.
    """
    wanted: dict[str, tuple[str, str, Any]] = {}
    for name, kind, country in names:
        wanted.setdefault(
            organization_key(name), (" ".join(name.split()), kind, country)
        )
    if not wanted:
        return {}
    found: dict[str, Organization] = {}
    # Names compared without spaces and in lower case, in the database too.
    matches = (
        Organization.objects.annotate(key=Lower(Replace("name_en", Value(" "))))
        .filter(key__in=list(wanted))
        .order_by("pk")
    )
    for org in matches:
        found.setdefault(organization_key(org.name_en), org)
    missing = [
        Organization(name_en=name, kind=kind, country=country)
        for key, (name, kind, country) in wanted.items()
        if key not in found
    ]
    if missing:
        Organization.objects.bulk_create(missing, ignore_conflicts=True)
        for org in Organization.objects.filter(
            name_en__in=[o.name_en for o in missing]
        ).order_by("pk"):
            found.setdefault(organization_key(org.name_en), org)
    return found
