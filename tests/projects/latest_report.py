"""Each project's latest progress report worked out from scratch, in Python,
beside the one stored on it."""

from projects.models import ProgressLog, Project

STORED = ("latest_rag", "latest_reported_on", "latest_percent")


def from_scratch() -> dict[int, tuple]:
    """Each project's latest report, worked out in Python from every report."""
    latest: dict[int, tuple] = dict.fromkeys(
        Project.objects.values_list("pk", flat=True), (None, None, None)
    )
    newest: dict[int, tuple] = {}
    for log in ProgressLog.objects.all():
        key = (log.reported_on, log.pk)
        if log.project_id not in newest or key > newest[log.project_id]:
            newest[log.project_id] = key
            latest[log.project_id] = (log.rag, log.reported_on, log.percent_complete)
    return latest


def stored() -> dict[int, tuple]:
    return {pk: tuple(rest) for pk, *rest in Project.objects.values_list("pk", *STORED)}
