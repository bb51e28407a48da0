"""Projects with organisations, linked documents, milestones, progress logs,
status transitions and the history records their creation leaves.

Milestones and progress logs are streamed to the database project by project
(never all in memory); their creation history is copied from them in SQL.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connections

from projects.models import (
    Milestone,
    ProgressLog,
    Project,
    ProjectOrganization,
    Sector,
)
from projects.services import project_report_refresh, project_slippage_refresh
from workflows.models import TransitionLog

from . import text
from .common import Weighted, at, days, spread
from .documents import Documents
from .reference import Reference
from .writer import TableWriter

P = Project.Status
STATUS_WEIGHTS = {
    P.PIPELINE: 20,
    P.IMPLEMENTATION: 35,
    P.COMPLETED: 35,
    P.SUSPENDED: 5,
    P.CANCELLED: 5,
}
# Relative number of progress reports by status.
LOG_SHARE = {
    P.PIPELINE: 0.1,
    P.IMPLEMENTATION: 1.5,
    P.COMPLETED: 1.2,
    P.SUSPENDED: 0.8,
    P.CANCELLED: 0.25,
}
STATUSES = Weighted(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))
CURRENCIES = [("USD", Decimal("1")), ("CNY", Decimal("7.1")), ("EUR", Decimal("0.9"))]

PROJECT_FIELDS = (
    "id", "name_en", "name_zh", "description", "country_id", "sector", "desk_id",
    "officer_id", "flagship", "status", "amount", "currency", "amount_usd",
    "launch_event_id", "committed_on", "planned_start", "actual_start",
    "planned_completion", "actual_completion", "aiddata_record_id", "created_at",
    "updated_at",
)  # fmt: skip
MILESTONE_FIELDS = (
    "id", "project_id", "title", "baseline_date", "forecast_date", "actual_date",
    "owner_id",
)  # fmt: skip
LOG_FIELDS = (
    "id", "project_id", "reported_on", "author_id", "percent_complete", "rag",
    "summary", "issues", "next_steps", "created_at",
)  # fmt: skip


def generate_projects(
    *,
    writer: TableWriter,
    ref: Reference,
    documents: Documents,
    anchor: datetime.date,
    count: int,
    milestones: int,
    progress_logs: int,
    seed: int,
    history: bool,
    log,
) -> None:
    rng = random.Random(f"{seed}-projects")
    countries = Weighted(ref.countries, ref.country_weights)
    projects = [
        _project(pk, ref, countries, documents, anchor, rng)
        for pk in range(1, count + 1)
    ]
    writer.write(Project, PROJECT_FIELDS, (p[:-1] for p in projects))
    log(f"projects: {count}")

    writer.write(
        ProjectOrganization,
        ("id", "project_id", "organization_id", "role"),
        _organizations(projects, ref, random.Random(f"{seed}-roles")),
    )
    writer.write(
        Project.agreements.through,
        ("id", "project_id", "agreement_id"),
        _agreement_links(projects, documents, random.Random(f"{seed}-links")),
    )
    content_type = ContentType.objects.get_for_model(Project).pk
    start = (
        TransitionLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ) + 1
    writer.write(
        TransitionLog,
        ("id", "content_type_id", "object_id", "transition", "source", "target",
         "by_id", "at", "comment"),
        _transitions(projects, content_type, start, random.Random(f"{seed}-ptrans")),
    )  # fmt: skip
    log(f"project transitions: {writer.written[TransitionLog._meta.db_table]} (all)")

    per_project = milestones / max(count, 1)
    writer.write(
        Milestone,
        MILESTONE_FIELDS,
        _milestones(projects, per_project, anchor, random.Random(f"{seed}-milestones")),
    )
    log(f"milestones: {writer.written[Milestone._meta.db_table]}")
    project_slippage_refresh()
    log("worst slippage stored on every project")
    share = sum(STATUS_WEIGHTS[s] * LOG_SHARE[s] for s in STATUS_WEIGHTS)
    unit = progress_logs / max(count, 1) * sum(STATUS_WEIGHTS.values()) / share
    writer.write(
        ProgressLog,
        LOG_FIELDS,
        _logs(projects, ref, unit, anchor, random.Random(f"{seed}-logs")),
    )
    log(f"progress logs: {writer.written[ProgressLog._meta.db_table]}")
    project_report_refresh()
    log("latest report stored on every project")
    if history:
        _copy_history(writer)
        log("milestone and progress log history copied")


def _project(
    pk, ref: Reference, countries: Weighted, documents: Documents, anchor, rng
) -> tuple:
    code, country_en, country_zh, region = countries.pick(rng)
    status = STATUSES.pick(rng)
    sector = SECTORS[rng.randrange(len(SECTORS))]
    desk = ref.desk_of(region)
    officers = ref.officers.get(desk) or [None]
    officer = officers[rng.randrange(len(officers))] if rng.random() < 0.9 else None
    if status == P.PIPELINE:
        committed = anchor - days(rng.randint(0, 3 * 365))
    elif status == P.IMPLEMENTATION:
        committed = anchor - days(rng.randint(200, 8 * 365))
    else:
        committed = anchor - days(rng.randint(400, 22 * 365))
    planned_start = committed + days(rng.randint(30, 400))
    planned_completion = planned_start + days(rng.randint(180, 2500))
    actual_start = actual_completion = None
    if status in (P.IMPLEMENTATION, P.COMPLETED, P.SUSPENDED):
        actual_start = min(
            planned_start + days(rng.randint(-30, 200)), anchor - days(30)
        )
        actual_start = max(actual_start, committed)
    if status == P.COMPLETED:
        length = (planned_completion - planned_start).days + rng.randint(-60, 500)
        actual_completion = min(actual_start + days(max(length, 30)), anchor - days(1))
        actual_completion = max(actual_completion, actual_start)
    words = text.SECTOR_WORDS.get(sector, text.GENERIC_WORDS)
    what = words[rng.randrange(len(words))]
    usd = Decimal(int(rng.lognormvariate(17, 1.6))).quantize(Decimal("0.01"))
    currency, rate = CURRENCIES[rng.randrange(len(CURRENCIES))]
    launch_event = None
    if documents.events_all and rng.random() < 0.02:
        launch_event = documents.events_all[rng.randrange(len(documents.events_all))]
    created_at = at(committed, rng)
    end = actual_completion or actual_start or committed
    return (
        pk,
        f"{country_en} {what} (project {pk})",
        f"{country_zh}{what}项目（{pk}）",
        f"{what.capitalize()} in {country_en}, financed by Chinese lenders.",
        code,
        sector,
        desk,
        officer,
        rng.random() < 0.03,
        status,
        (usd * rate).quantize(Decimal("0.01")),
        currency,
        usd,
        launch_event,
        committed,
        planned_start,
        actual_start,
        planned_completion,
        actual_completion,
        pk if rng.random() < 0.4 else None,
        created_at,
        max(created_at, at(min(end, anchor), rng)),
        # not a column: the desk's officers, for authors and owners
        officers,
    )


SECTORS = [value for value, _label in Sector.choices]
# Positions in the project tuple.
ID, COUNTRY, DESK, OFFICER, STATUS = 0, 4, 6, 7, 9
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = 15, 16, 17, 18
COMMITTED, CREATED, OFFICERS = 14, 20, 22


def _organizations(projects, ref: Reference, rng) -> Iterator[tuple]:
    pk = 0
    banks = ref.banks or ref.chinese_agencies
    for p in projects:
        seen = set()
        choices = []
        if banks:
            choices.append((banks[rng.randrange(len(banks))], "financier"))
        if ref.companies and rng.random() < 0.8:
            choices.append(
                (ref.companies[rng.randrange(len(ref.companies))], "implementing")
            )
        ministry = ref.ministries.get(p[COUNTRY])
        if ministry and rng.random() < 0.5:
            choices.append((ministry, "receiving"))
        for organization, role in choices:
            if (organization, role) in seen:
                continue
            seen.add((organization, role))
            pk += 1
            yield (pk, p[ID], organization, role)


def _agreement_links(projects, documents: Documents, rng) -> Iterator[tuple]:
    pk = 0
    for p in projects:
        signed = documents.signed_by_country.get(p[COUNTRY])
        if not signed or rng.random() > 0.3:
            continue
        picked = {signed[rng.randrange(len(signed))] for _ in range(rng.randint(1, 2))}
        for agreement in sorted(picked):
            pk += 1
            yield (pk, p[ID], agreement)


def _transitions(projects, content_type: int, start: int, rng) -> Iterator[tuple]:
    pk = start - 1
    for p in projects:
        status = p[STATUS]
        by = p[OFFICER] or p[OFFICERS][0]
        if by is None:
            continue
        steps = []
        if p[ACTUAL_START]:
            steps.append(
                (
                    "start_implementation",
                    P.PIPELINE,
                    P.IMPLEMENTATION,
                    p[ACTUAL_START],
                    "",
                )
            )
        if status == P.COMPLETED:
            steps.append(("complete", P.IMPLEMENTATION, P.COMPLETED, p[ACTUAL_END], ""))
        elif status in (P.SUSPENDED, P.CANCELLED):
            source = P.IMPLEMENTATION if p[ACTUAL_START] else P.PIPELINE
            begin = p[ACTUAL_START] or p[COMMITTED]
            day = begin + days(rng.randint(1, 400))
            steps.append(
                (
                    "suspend" if status == P.SUSPENDED else "cancel",
                    source,
                    status,
                    day,
                    text.REASONS[rng.randrange(len(text.REASONS))],
                )
            )
        previous = None
        for name, source, target, day, comment in steps:
            moment = at(day, rng)
            if previous and moment <= previous:
                moment = previous + datetime.timedelta(minutes=rng.randint(1, 240))
            previous = moment
            pk += 1
            yield (pk, content_type, p[ID], name, source, target, by, moment, comment)


def _milestones(projects, per_project: float, anchor, rng) -> Iterator[tuple]:
    pk = 0
    low = max(1, round(per_project * 0.4))
    high = max(low, round(per_project * 1.6))
    for p in projects:
        status = p[STATUS]
        start, end = p[PLANNED_START], p[PLANNED_END]
        n = rng.randint(low, high)
        owner_pool = p[OFFICERS]
        for number, baseline in enumerate(spread(start, end, n, rng)):
            slip = int(rng.triangular(-20, 200, 10)) if rng.random() < 0.6 else 0
            current = baseline + days(slip)
            forecast = actual = None
            if status == P.COMPLETED:
                actual = min(current, p[ACTUAL_END] or anchor)
                forecast = actual if rng.random() < 0.5 else None
            elif (
                status == P.IMPLEMENTATION
                and baseline < anchor - days(30)
                and rng.random() < 0.85
            ):
                actual = min(current, anchor - days(1))
                forecast = actual if rng.random() < 0.5 else None
            elif status in (P.SUSPENDED, P.CANCELLED) and current < anchor - days(200):
                actual = current
            else:
                forecast = current if slip or rng.random() < 0.5 else None
            owner = None
            if rng.random() < 0.7:
                owner = p[OFFICER] or owner_pool[rng.randrange(len(owner_pool))]
            pk += 1
            yield (
                pk, p[ID], text.MILESTONES[(number + p[ID]) % len(text.MILESTONES)],
                baseline, forecast, actual, owner,
            )  # fmt: skip


def _logs(projects, ref: Reference, unit: float, anchor, rng) -> Iterator[tuple]:
    pk = 0
    for p in projects:
        status = p[STATUS]
        mean = unit * LOG_SHARE[status]
        n = int(rng.uniform(0.3, 1.7) * mean + 0.5)
        if n <= 0:
            continue
        if status == P.PIPELINE:
            begin, end = p[COMMITTED], anchor - days(rng.randint(0, 120))
        elif status == P.COMPLETED:
            begin, end = p[ACTUAL_START], p[ACTUAL_END]
        else:
            begin = p[ACTUAL_START] or p[COMMITTED]
            # Most reports are recent; some projects have gone quiet (stale).
            quiet = rng.randint(0, 25) if rng.random() < 0.8 else rng.randint(31, 200)
            end = anchor - days(quiet)
        if end < begin:
            end = begin
        authors = [a for a in p[OFFICERS] if a] or [ref.system_user]
        author = p[OFFICER] or authors[0]
        base_rag = rng.random()
        span = max((end - begin).days, 0)
        dates = sorted(begin + days(rng.randint(0, span)) for _ in range(n))
        last = len(dates) - 1
        for number, day in enumerate(dates):
            percent = (
                round(100 * (number + 1) / (last + 1))
                if status == P.COMPLETED
                else min(99, round(95 * (number + 1) / (last + 1)))
            )
            roll = rng.random()
            rag = (
                "green"
                if roll > base_rag * 0.8
                else ("amber" if roll > base_rag * 0.3 else "red")
            )
            if rng.random() < 0.1:
                author = authors[rng.randrange(len(authors))]
            pk += 1
            yield (
                pk, p[ID], day, author, percent, rag,
                text.SUMMARIES[rng.randrange(len(text.SUMMARIES))],
                text.ISSUES[rng.randrange(len(text.ISSUES))],
                text.LOG_NEXT[rng.randrange(len(text.LOG_NEXT))],
                at(day, rng),
            )  # fmt: skip


def _copy_history(writer: TableWriter) -> None:
    """The creation record simple-history writes for each milestone and
    progress log, copied in SQL."""
    quote = connections[writer.using].ops.quote_name
    for model, columns, when, who in (
        (
            Milestone,
            ["title", "baseline_date", "forecast_date", "actual_date", "owner_id",
             "project_id"],
            "p.created_at",
            "p.officer_id",
        ),
        (
            ProgressLog,
            ["reported_on", "percent_complete", "rag", "summary", "issues",
             "next_steps", "created_at", "author_id", "project_id"],
            "t.created_at",
            "t.author_id",
        ),
    ):  # fmt: skip
        history = model.history.model._meta.db_table
        table = model._meta.db_table
        project = Project._meta.db_table
        names = ", ".join(quote(c) for c in ["id", *columns])
        values = ", ".join(f"t.{quote(c)}" for c in ["id", *columns])
        writer.execute(
            f"INSERT INTO {quote(history)} ({names}, history_date, "
            "history_change_reason, history_type, history_user_id, "
            "history_relation_id) "
            f"SELECT {values}, {when}, NULL, '+', {who}, t.id "
            f"FROM {quote(table)} t JOIN {quote(project)} p ON p.id = t.project_id "
            "ORDER BY t.id"
        )
