"""Each project's worst slippage worked out from scratch, in Python, beside
the one stored on it."""

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
