"""Demo projects: the AidData sample records plus milestones and progress logs.

Idempotent: records are imported by AidData Record ID, and milestones and
logs are added only to projects that have none yet.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.utils import timezone

from tracker.models import Country

from . import services
from .importer import import_aiddata
from .models import Milestone, Project, Rag

DATA = Path(__file__).resolve().parent / "data" / "aiddata"
FILES = [
    "gcdf3_malaysia_projects.csv",
    "gcdf3_ports_projects.csv",
    "gcdf3_projects_subset.csv",
]
# Desk officers who report on each desk's flagship projects.
OFFICERS = {"asia": "officer", "africa": "officer.africa", "europe": "officer.europe"}
FLAGSHIPS_PER_DESK = 4

# Projects of the Europe desk, which the AidData samples do not cover.
EUROPE = [
    (
        "Budapest–Belgrade Railway Modernisation (Hungarian section)",
        "匈塞铁路（匈牙利段）",
        "HUN",
        "transport",
    ),
    ("Pelješac Bridge", "佩列沙茨大桥", "HRV", "transport"),
    ("Smederevo Steel Plant Upgrade", "斯梅代雷沃钢厂升级", "SRB", "industry"),
]

# (title, baseline offset, forecast offset, actual offset) in days from today
MILESTONES = [
    ("Feasibility study approved", -400, -400, -398),
    ("Financing agreement signed", -300, -290, -288),
    ("Construction contract awarded", -120, -110, -105),
    ("Main works 50% complete", 60, 60, None),
    ("Handover to the host government", 300, 310, None),
]

# One per flagship, in turn: (days since the last log, RAG, percent, summary,
# issues, slip the open milestones?)
SCENARIOS = [
    (5, Rag.GREEN, 62, "Works on schedule; site inspection passed.", "", False),
    (
        12,
        Rag.AMBER,
        41,
        "Land acquisition for the access road is behind plan.",
        "Resettlement payments delayed by the provincial government.",
        True,
    ),
    (
        20,
        Rag.RED,
        18,
        "Contractor demobilised pending the second loan tranche.",
        "Disbursement conditions not met; exchange-rate losses on imports.",
        True,
    ),
    (
        47,
        Rag.GREEN,
        80,
        "Commissioning tests scheduled.",
        "",
        False,
    ),
]


def _day(today: datetime.date, offset: int | None) -> datetime.date | None:
    return None if offset is None else today + datetime.timedelta(days=offset)


def seed(context: dict) -> None:
    desks = context["desks"]
    users = context["users"]
    for name in FILES:
        import_aiddata((DATA / name).read_bytes(), filename=name, skip_invalid=True)
    _seed_europe(desks["europe"], users)
    today = timezone.localdate()
    for code, desk in desks.items():
        flagships = list(
            Project.objects.filter(
                desk=desk, status=Project.Status.IMPLEMENTATION
            ).order_by("aiddata_record_id", "id")[:FLAGSHIPS_PER_DESK]
        )
        officer = users.get(OFFICERS.get(code, ""))
        if officer is None:
            continue
        for position, project in enumerate(flagships):
            _seed_project(project, position, officer, users, today)


def _seed_europe(desk, users) -> None:
    countries = Country.objects.in_bulk()
    for name_en, name_zh, code, sector in EUROPE:
        Project.objects.get_or_create(
            name_en=name_en,
            defaults={
                "name_zh": name_zh,
                "country": countries[code],
                "sector": sector,
                "desk": desk,
                "status": Project.Status.IMPLEMENTATION,
                "officer": users.get("officer.europe"),
            },
        )


def _seed_project(project, position, officer, users, today) -> None:
    if project.milestones.exists():
        return
    Project.objects.filter(pk=project.pk).update(flagship=True, officer=officer)
    days_since, rag, percent, summary, issues, slips = SCENARIOS[
        position % len(SCENARIOS)
    ]
    for title, baseline, forecast, actual in MILESTONES:
        if slips and actual is None:
            forecast += 90
        Milestone.objects.create(
            project=project,
            title=title,
            baseline_date=_day(today, baseline),
            forecast_date=_day(today, forecast),
            actual_date=_day(today, actual),
            owner=officer,
        )
    # A red project has a milestone already past its forecast.
    if rag == Rag.RED:
        Milestone.objects.create(
            project=project,
            title="Environmental permit renewed",
            baseline_date=_day(today, -40),
            forecast_date=_day(today, -10),
            owner=officer,
        )
    services.project_slippage_refresh(project_ids=[project.pk])
    for weeks_back, earlier_percent in ((8, max(percent - 20, 0)), (4, percent - 10)):
        reported_on = _day(today, -(days_since + weeks_back * 7))
        services.project_log_progress(
            project=project,
            by=officer,
            reported_on=reported_on,
            percent_complete=max(earlier_percent, 0),
            rag=Rag.GREEN,
            summary="Monthly report: works progressing.",
        )
    services.project_log_progress(
        project=project,
        by=officer,
        reported_on=_day(today, -days_since),
        percent_complete=percent,
        rag=rag,
        summary=summary,
        issues=issues,
        next_steps="Next steering committee meeting with the host ministry.",
    )
    if slips and "leader" in users:
        milestone = project.milestones.filter(actual_date__isnull=True).last()
        services.milestone_rebaseline(
            milestone=milestone,
            by=users["leader"],
            baseline_date=milestone.baseline_date + datetime.timedelta(days=30),
            reason="Revised schedule agreed at the joint steering committee.",
        )
