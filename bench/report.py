"""The benchmark's table and JSON file."""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connection

from .measure import JobCase, PageCase, Timing

TABLES = (
    "agreements_agreement",
    "agreements_agreementparty",
    "agreements_negotiationround",
    "agreements_historicalagreement",
    "workflows_transitionlog",
    "projects_project",
    "projects_milestone",
    "projects_progresslog",
    "workflows_reminder",
)


def environment() -> dict[str, Any]:
    counts = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        version = ""
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parent.parent,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "database": f"{connection.vendor} {version}".strip(),
        "database_name": connection.settings_dict["NAME"],
        "debug": settings.DEBUG,
        "conn_max_age": connection.settings_dict.get("CONN_MAX_AGE"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "rows": counts,
    }


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}x"


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


def _collections(case: PageCase) -> str:
    def pauses(timing: Timing) -> str:
        return ", ".join(f"{ms:.0f}" for ms in timing.collections) or "none"

    return (
        f"full garbage collections in timed requests (ms): ours {pauses(case.ours)}; "
        f"admin {pauses(case.admin)}"
    )


def table(pages: list[PageCase], jobs: list[JobCase]) -> str:
    head = (
        "row",
        "median ms",
        "p95 ms",
        "queries",
        "admin med",
        "admin p95",
        "admin q",
        "admin/ours",
        "floor ms",
        "ours/floor",
        "verdict",
    )
    rows = [head]
    for case in pages:
        rows.append(
            (
                case.title,
                _ms(case.ours.median),
                _ms(case.ours.p95),
                _n(case.ours.queries),
                _ms(case.admin.median),
                _ms(case.admin.p95),
                _n(case.admin.queries),
                _x(case.ratio_admin),
                _ms(case.floor.median),
                _x(case.ratio_floor),
                case.verdict(),
            )
        )
    for job in jobs:
        rows.append(
            (
                job.title,
                _ms(job.ours.median),
                _ms(job.ours.p95),
                _n(job.ours.queries),
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                job.verdict(),
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(head))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            str(cell).ljust(widths[i])
            if i in (0, len(head) - 1)
            else str(cell).rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [f"  {case.title}: {case.admin_note}" for case in pages if case.admin_note]
    notes += [
        f"  {case.title}: {_collections(case)}"
        for case in pages
        if case.ours.collections or case.admin.collections
    ]
    notes += [f"  {job.title}: {job.detail}" for job in jobs if job.detail]
    return "\n".join(lines + (["", "Notes:", *notes] if notes else []))


def write_json(
    path: Path,
    *,
    pages: list[PageCase],
    jobs: list[JobCase],
    options: dict[str, Any],
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "environment": environment(),
        "options": options,
        "pages": [case.as_dict() for case in pages],
        "jobs": [job.as_dict() for job in jobs],
    }
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
