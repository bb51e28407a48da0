import pytest
from django.utils import timezone

from projects import demo
from projects.models import Milestone, ProgressLog, Project
from tests.projects.slippage import (
    next_due_from_scratch,
    next_due_stored,
    worst_from_scratch,
    worst_stored,
)
from tracker import demo as tracker_demo

pytestmark = pytest.mark.django_db


def test_it_seeds_meaningful_demo_projects_idempotently():
    context: dict = {}
    tracker_demo.seed(context)
    demo.seed(context)
    counts = (
        Project.objects.count(),
        Milestone.objects.count(),
        ProgressLog.objects.count(),
    )
    demo.seed(context)
    assert (
        Project.objects.count(),
        Milestone.objects.count(),
        ProgressLog.objects.count(),
    ) == counts
    assert Project.objects.filter(aiddata_record_id__isnull=False).count() > 2000
    flagships = Project.objects.with_health(timezone.localdate()).filter(flagship=True)
    assert {p.latest_rag for p in flagships} == {"red", "amber", "green"}
    assert any(p.is_stale for p in flagships)
    assert any((p.worst_slippage_days or 0) > 0 for p in flagships)
    assert worst_stored() == worst_from_scratch()
    assert next_due_stored() == next_due_from_scratch()
    assert any(p.has_overdue_milestone for p in flagships)
    for code in ("asia", "africa", "europe"):
        assert flagships.filter(desk__code=code).exists(), code
