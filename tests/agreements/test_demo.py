import pytest

from agreements import demo
from agreements.models import Agreement, Event, NegotiationRound
from tracker import demo as tracker_demo
from workflows.models import TransitionLog

pytestmark = pytest.mark.django_db


def test_it_seeds_documents_in_every_state_idempotently():
    context: dict = {}
    tracker_demo.seed(context)
    demo.seed(context)
    counts = (
        Agreement.objects.count(),
        Event.objects.count(),
        NegotiationRound.objects.count(),
        TransitionLog.objects.count(),
    )
    demo.seed(context)
    assert (
        Agreement.objects.count(),
        Event.objects.count(),
        NegotiationRound.objects.count(),
        TransitionLog.objects.count(),
    ) == counts
    states = set(Agreement.objects.values_list("state", flat=True))
    assert states == set(Agreement.State.values)
    desks = set(Agreement.objects.values_list("desk__code", flat=True))
    assert {"asia", "africa", "europe"} <= desks
    assert Agreement.objects.filter(target_event__isnull=False).exists()
    in_force = Agreement.objects.filter(state="in_force", expires_on__isnull=False)
    assert in_force.filter(notice_deadline__isnull=False).exists()
    # Every state was reached through logged transitions.
    assert (
        TransitionLog.objects.count()
        >= Agreement.objects.exclude(state="drafting").count()
    )
