"""Reproducible bulk data for the benchmark (``manage.py seed_scale``)."""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from agreements.models import (
    Agreement,
    AgreementFile,
    AgreementParty,
    Event,
    NegotiationRound,
)
from projects.models import Milestone, ProgressLog, Project, ProjectOrganization
from workflows.models import Digest, Notice, Reminder, TransitionLog

from .documents import generate_documents
from .projects import generate_projects
from .reference import ensure_reference
from .writer import TableWriter

DEFAULT_SEED = 20260101


@dataclass(frozen=True)
class Plan:
    documents: int
    events: int
    projects: int
    milestones: int
    progress_logs: int
    officers_per_desk: int

    @classmethod
    def for_scale(cls, scale: float) -> Plan:
        def n(full: int, least: int = 1) -> int:
            return max(least, round(full * scale))

        return cls(
            documents=n(100_000),
            events=n(2_000, 5),
            projects=n(50_000),
            milestones=n(500_000),
            progress_logs=n(2_000_000),
            officers_per_desk=n(40, 2),
        )


# Children first: the order rows are removed in.
TABLES = [
    Notice,
    Reminder,
    Digest,
    TransitionLog,
    ProgressLog.history.model,
    Milestone.history.model,
    ProgressLog,
    Milestone,
    ProjectOrganization,
    Project.agreements.through,
    Project,
    AgreementFile,
    NegotiationRound,
    AgreementParty,
    Agreement.history.model,
    Agreement,
    Event.counterparts.through,
    Event.counterpart_organizations.through,
    Event,
]
# Tables written with explicit ids, whose sequences move past them.
SEQUENCED = [
    Event,
    Event.counterparts.through,
    Agreement,
    AgreementParty,
    NegotiationRound,
    TransitionLog,
    Project,
    ProjectOrganization,
    Project.agreements.through,
    Milestone,
    ProgressLog,
]


def existing_rows() -> int:
    return Agreement.objects.count() + Project.objects.count() + Event.objects.count()


def reset() -> None:
    """Remove every document, event, project and what hangs off them."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Checks deferred to the end of an enclosing transaction (a test's)
            # would keep TRUNCATE from running: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            names = ", ".join(quote(m._meta.db_table) for m in TABLES)
            cursor.execute(f"TRUNCATE {names} RESTART IDENTITY")
        else:
            for model in TABLES:
                cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")


def seed_scale(
    *,
    plan: Plan,
    anchor: datetime.date,
    seed: int = DEFAULT_SEED,
    history: bool = True,
    log: Callable[[str], None] = print,
) -> dict[str, float]:
    """Fill the (empty) domain tables; returns seconds per phase."""
    started = time.monotonic()
    timings: dict[str, float] = {}

    def phase(name: str, since: float) -> float:
        now = time.monotonic()
        timings[name] = round(now - since, 2)
        return now

    rng = random.Random(f"{seed}-reference")
    writer = TableWriter()
    ref = ensure_reference(officers_per_desk=plan.officers_per_desk, rng=rng)
    mark = phase("reference", started)
    documents = generate_documents(
        writer=writer,
        ref=ref,
        anchor=anchor,
        count=plan.documents,
        events=plan.events,
        seed=seed,
        log=log,
    )
    mark = phase("documents", mark)
    generate_projects(
        writer=writer,
        ref=ref,
        documents=documents,
        anchor=anchor,
        count=plan.projects,
        milestones=plan.milestones,
        progress_logs=plan.progress_logs,
        seed=seed,
        history=history,
        log=log,
    )
    mark = phase("projects", mark)
    writer.reset_sequences(SEQUENCED)
    if connection.vendor == "postgresql":
        vacuum()
    phase("analyze", mark)
    timings["total"] = round(time.monotonic() - started, 2)
    return timings


def vacuum() -> None:
    """What autovacuum would have done by the time such data exists, for every
    table, the small reference ones too (VACUUM cannot run inside a
    transaction, as in tests: there only ANALYZE). PostgreSQL only."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
