import datetime
import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agreements.models import Agreement, AgreementParty, NegotiationRound
from agreements.services import counterpart_regions_store
from projects.models import Milestone, ProgressLog, Project
from tests.projects.latest_report import from_scratch as report_from_scratch
from tests.projects.latest_report import stored as report_stored
from tests.projects.slippage import (
    next_due_from_scratch,
    next_due_stored,
    worst_from_scratch,
    worst_stored,
)
from workflows.models import TransitionLog

ANCHOR = "2026-03-02"
MODELS = [
    Agreement,
    AgreementParty,
    NegotiationRound,
    TransitionLog,
    Project,
    Milestone,
    ProgressLog,
    Agreement.history.model,
    Milestone.history.model,
]


def fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of each table (history rows
    without their own id, which a database may number on)."""
    found = {}
    for model in MODELS:
        fields = [f.attname for f in model._meta.concrete_fields]
        fields = [f for f in fields if f != "history_id"]
        rows = model.objects.order_by(*fields[:1], "pk").values_list(*fields)
        digest = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
        found[model._meta.label] = (len(rows), digest)
    return found


def seed(*extra: str) -> None:
    call_command(
        "seed_scale", "--scale", "0.001", "--anchor", ANCHOR, *extra, verbosity=0
    )


@pytest.mark.django_db
def test_it_writes_the_same_rows_for_the_same_seed():
    seed()
    first = fingerprint()
    seed("--reset")
    assert fingerprint() == first
    assert first["agreements.Agreement"][0] == 100
    assert first["projects.Project"][0] == 50
    # About ten milestones and forty reports a project, as at full scale.
    assert 300 <= first["projects.Milestone"][0] <= 700
    assert 1200 <= first["projects.ProgressLog"][0] <= 2800


@pytest.mark.django_db
def test_it_writes_other_rows_for_another_seed():
    seed()
    first = fingerprint()
    seed("--reset", "--seed", "7")
    assert fingerprint()["agreements.Agreement"] != first["agreements.Agreement"]


@pytest.mark.django_db
def test_it_refuses_to_add_to_existing_data():
    seed()
    with pytest.raises(CommandError, match="--reset"):
        seed()


@pytest.mark.django_db
def test_it_keeps_states_consistent_with_their_dates():
    seed()
    anchor = datetime.date.fromisoformat(ANCHOR)
    signed = Agreement.objects.filter(
        state__in=["signed", "in_force", "expired", "terminated"]
    )
    assert signed.exists()
    assert not signed.filter(signed_on__isnull=True).exists()
    assert not Agreement.objects.exclude(pk__in=signed).filter(signed_on__isnull=False)
    assert not Agreement.objects.filter(state="in_force", expires_on__lt=anchor)
    assert not Agreement.objects.filter(state="expired", expires_on__gte=anchor)
    assert not AgreementParty.objects.filter(
        agreement__in=signed, signatory_name=""
    ).exists()
    # Every document's last logged transition leads to its state.
    for agreement in Agreement.objects.exclude(state="drafting")[:50]:
        last = TransitionLog.objects.for_object(agreement).order_by("-at", "-id")[0]
        assert last.target == agreement.state
    assert not Milestone.objects.filter(actual_date__gt=anchor).exists()
    assert not Project.objects.filter(
        status="completed", actual_completion__isnull=True
    ).exists()


@pytest.mark.django_db
def test_it_stores_each_projects_worst_slippage():
    seed()
    stored = worst_stored()
    assert stored == worst_from_scratch()
    assert any(value and value > 0 for value in stored.values())
    due = next_due_stored()
    assert due == next_due_from_scratch()
    assert None in due.values() and len(set(due.values())) > 2


@pytest.mark.django_db
def test_it_stores_each_projects_latest_report():
    seed()
    latest = report_stored()
    assert latest == report_from_scratch()
    assert any(rag for rag, _on, _percent in latest.values())


@pytest.mark.django_db
def test_it_stores_each_documents_counterpart_regions():
    seed()
    stored = dict(Agreement.objects.values_list("pk", "counterpart_regions"))
    assert (
        counterpart_regions_store(Agreement.objects.all(), AgreementParty.objects.all())
        == 0
    )
    assert "," in "".join(stored.values()), "some document has two regions"
    assert "" in stored.values(), "and some only organisations"
