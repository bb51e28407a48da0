"""Each project's worst slippage and next due date worked out from scratch,
in Python, beside the ones stored on it."""

import datetime

from projects.models import Milestone, Project


def worst_from_scratch() -> dict[int, int | None]:
    worst: dict[int, int | None] = dict.fromkeys(
        Project.objects.values_list("pk", flat=True)
    )
    for milestone in Milestone.objects.all():
        days = milestone.slippage_days
        current = worst[milestone.project_id]
        worst[milestone.project_id] = days if current is None else max(current, days)
    return worst


def worst_stored() -> dict[int, int | None]:
    return dict(Project.objects.values_list("pk", "worst_slippage_days"))


def next_due_from_scratch() -> dict[int, datetime.date | None]:
    """The earliest due date of each project's open milestones."""
    due: dict[int, datetime.date | None] = dict.fromkeys(
        Project.objects.values_list("pk", flat=True)
    )
    for milestone in Milestone.objects.filter(actual_date__isnull=True):
        current = due[milestone.project_id]
        day = milestone.due_date
        due[milestone.project_id] = day if current is None else min(current, day)
    return due


def next_due_stored() -> dict[int, datetime.date | None]:
    return dict(Project.objects.values_list("pk", "next_due_on"))
