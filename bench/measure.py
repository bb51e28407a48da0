"""Timing of pages and jobs, side by side with the admin and the SQL floor.

Every figure comes from one process and one run: each repetition times our
page, the admin page that stands in for it and the page's main query on its
own, one after the other, so a noisy machine slows all three alike.
"""

from __future__ import annotations

import gc
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

# Large tables that must never be counted whole on a page.
LARGE_TABLES = (
    "agreements_agreement",
    "agreements_agreementparty",
    "projects_project",
    "projects_milestone",
    "projects_progresslog",
    "workflows_transitionlog",
)
COUNT_ALL = re.compile(
    r'SELECT COUNT\(\*\) AS "__count" FROM "(' + "|".join(LARGE_TABLES) + r')"\s*$'
)
SELECT = re.compile(r"<select\b.*?</select>", re.S | re.I)
OPTION = re.compile(r"<option\b", re.I)


SLOW_ADMIN_SECONDS = 2.0
SLOW_ADMIN_RUNS = 3


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


class FullCollections:
    """Pauses of CPython's full (generation 2) garbage collection while in use.

    One fires every few dozen requests and scans every live object of the
    process, tens of milliseconds, inside whichever request is running: that
    request, not the page, makes its row's 95th percentile.
    """

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter() - self._started) * 1000)

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


@dataclass
class Timing:
    samples: list[float] = field(default_factory=list)
    queries: int | None = None
    # Full garbage collections that ran inside the timed requests (ms each).
    collections: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.samples.append(seconds * 1000)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        return percentile(self.samples, 0.95) if self.samples else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "median_ms": _round(self.median),
            "p95_ms": _round(self.p95),
            "queries": self.queries,
            "runs": len(self.samples),
            "full_gc_ms": [round(ms, 1) for ms in self.collections],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass
class PageCase:
    """One of our pages, the admin page that would replace it and the floor."""

    group: str
    name: str
    urls: list[str]  # one per repetition, cycled (detail pages vary the record)
    admin_urls: list[str] = field(default_factory=list)
    admin_note: str = ""
    target_p95_ms: float | None = 150
    admin_ratio: float | None = 2.0
    ours: Timing = field(default_factory=Timing)
    admin: Timing = field(default_factory=Timing)
    floor: Timing = field(default_factory=Timing)
    main_sql: str = ""
    exact_counts: list[str] = field(default_factory=list)
    max_select_options: int = 0
    bytes: int = 0
    admin_runs: int | None = None

    @property
    def title(self) -> str:
        return f"{self.group}: {self.name}"

    def url(self, run: int) -> str:
        return self.urls[run % len(self.urls)]

    def admin_url(self, run: int) -> str | None:
        if not self.admin_urls:
            return None
        return self.admin_urls[run % len(self.admin_urls)]

    def verdict(self) -> str:
        failures = []
        if self.target_p95_ms and self.ours.p95 > self.target_p95_ms:
            failures.append(f"p95>{self.target_p95_ms:.0f}ms")
        ratio = self.ratio_admin
        if self.admin_ratio and ratio is not None and ratio < self.admin_ratio:
            failures.append(f"<{self.admin_ratio:.0f}x admin")
        if self.exact_counts:
            failures.append("COUNT(*) of a large table")
        if self.max_select_options > 200:
            failures.append(f"{self.max_select_options} options")
        return "ok" if not failures else "MISS: " + ", ".join(failures)

    @property
    def ratio_admin(self) -> float | None:
        if self.admin.median is None or not self.ours.median:
            return None
        return self.admin.median / self.ours.median

    @property
    def ratio_floor(self) -> float | None:
        if not self.floor.median or self.ours.median is None:
            return None
        return self.ours.median / self.floor.median

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "name": self.name,
            "url": self.urls[0],
            "ours": self.ours.as_dict(),
            "admin": {**self.admin.as_dict(), "url": self.admin_url(0)}
            if self.admin_urls
            else None,
            "admin_note": self.admin_note,
            "floor": {**self.floor.as_dict(), "sql": self.main_sql},
            "admin_over_ours": _ratio(self.ratio_admin),
            "ours_over_floor": _ratio(self.ratio_floor),
            "exact_counts_of_large_tables": self.exact_counts,
            "max_select_options": self.max_select_options,
            "response_bytes": self.bytes,
            "target_p95_ms": self.target_p95_ms,
            "verdict": self.verdict(),
        }


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@dataclass
class JobCase:
    """A job (reminder run, import) timed in a transaction that is rolled back."""

    group: str
    name: str
    run: Callable[[], Any]
    target_ms: float | None = None
    prepare: Callable[[], Any] | None = None
    runs: int | None = None  # fewer than the others, for a job of minutes
    ours: Timing = field(default_factory=Timing)
    detail: str = ""

    @property
    def title(self) -> str:
        return f"{self.group}: {self.name}"

    def verdict(self) -> str:
        if self.target_ms and self.ours.p95 > self.target_ms:
            return f"MISS: p95>{self.target_ms / 1000:.0f}s"
        return "ok"

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "name": self.name,
            "ours": self.ours.as_dict(),
            "detail": self.detail,
            "target_ms": self.target_ms,
            "verdict": self.verdict(),
        }


class _Rollback(Exception):
    pass


def measure_pages(
    cases: list[PageCase],
    *,
    ours: Client,
    admin: Client,
    runs: int,
    warmup: int,
    log: Callable[[str], None] = print,
) -> None:
    for case in cases:
        for run in range(warmup):
            _get(ours, case.url(run))
            if case.admin_urls:
                seconds = _timed(admin, case.admin_url(run))
                if seconds > SLOW_ADMIN_SECONDS:
                    # Seconds a page: a few runs tell enough.
                    case.admin_runs = SLOW_ADMIN_RUNS
        _inspect(case, ours)
        if case.admin_urls:
            with CaptureQueriesContext(connection) as captured:
                _get(admin, case.admin_url(0))
            case.admin.queries = len(captured)
        log(f"  warmed up: {case.group} / {case.name} ({case.ours.queries} queries)")
    # Interleaved: every repetition times every case, ours then admin then floor.
    with FullCollections() as collections:
        for run in range(runs):
            for case in cases:
                _time(case.ours, ours, case.url(run), collections)
                if case.admin_urls and run < (case.admin_runs or runs):
                    _time(case.admin, admin, case.admin_url(run), collections)
                if case.main_sql:
                    case.floor.add(_raw(case.main_sql))
    for case in cases:
        case.floor.queries = 1 if case.main_sql else None


def _get(client: Client, url: str):
    response = client.get(url, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def _timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    _get(client, url)
    return time.perf_counter() - started


def _time(
    timing: Timing, client: Client, url: str, collections: FullCollections
) -> None:
    before = len(collections.pauses)
    timing.add(_timed(client, url))
    timing.collections += collections.pauses[before:]


def _raw(sql: str) -> float:
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchall()
        return time.perf_counter() - started


def _inspect(case: PageCase, client: Client) -> None:
    """Query count, the main query (the slowest SELECT on its own), COUNTs of
    large tables and the largest <select> of the page."""
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, case.url(0))
    case.ours.queries = len(captured)
    body = response.content.decode("utf-8", "replace")
    case.bytes = len(response.content)
    case.max_select_options = max(
        (len(OPTION.findall(block)) for block in SELECT.findall(body)), default=0
    )
    selects = [q["sql"] for q in captured.captured_queries]
    case.exact_counts = [sql for sql in selects if COUNT_ALL.search(sql)]
    slowest, worst = "", -1.0
    for sql in selects:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        if "django_session" in sql:
            continue
        seconds = min(_raw(sql) for _ in range(3))
        if seconds > worst:
            slowest, worst = sql, seconds
    case.main_sql = slowest


def measure_jobs(
    cases: list[JobCase], *, runs: int, log: Callable[[str], None] = print
) -> None:
    """Each job runs ``runs`` times inside a transaction rolled back after each,
    so every repetition starts from the same data."""
    for case in cases:
        try:
            with transaction.atomic():
                if case.prepare is not None:
                    started = time.perf_counter()
                    case.prepare()
                    log(
                        f"  prepared {case.name} in "
                        f"{time.perf_counter() - started:.1f} s"
                    )
                for run in range(min(runs, case.runs or runs)):
                    sid = transaction.savepoint()
                    if run == 0:
                        with CaptureQueriesContext(connection) as captured:
                            started = time.perf_counter()
                            result = case.run()
                            elapsed = time.perf_counter() - started
                        case.ours.queries = len(captured)
                        case.detail = str(result)
                    else:
                        started = time.perf_counter()
                        case.run()
                        elapsed = time.perf_counter() - started
                    # The first run is counted too: it has the query log's
                    # overhead, which only makes it slower.
                    case.ours.add(elapsed)
                    transaction.savepoint_rollback(sid)
                    log(f"  {case.name}: run {run + 1} {elapsed:.2f} s")
                raise _Rollback
        except _Rollback:
            pass
