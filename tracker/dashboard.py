"""Reads for the leadership dashboard: a fixed number of aggregate queries,
whatever the size of the portfolio, all within what the user may see."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pycountry
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agreements.events.selectors import events_upcoming
from agreements.models import Agreement, AgreementParty
from projects.models import (
    SLIPPAGE_BUCKETS,
    Milestone,
    ProgressLog,
    Project,
    Rag,
    has_overdue_milestone,
    is_stale,
    slippage_bucket,
)
from workflows.models import TransitionLog

from .models import Country, Desk, Region
from .permissions import sees_all_desks, user_desk_ids

S = Agreement.State
# Funnel order: how far documents have come.
FUNNEL = (
    S.DRAFTING,
    S.NEGOTIATING,
    S.AGREED,
    S.APPROVAL,
    S.READY,
    S.SIGNED,
    S.IN_FORCE,
)
INACTIVE = [
    status for status in Project.Status if status not in Project.ACTIVE_STATUSES
]
EVENT_DAYS = 90
EVENT_ROWS = 8


@dataclass
class Dashboard:
    today: datetime.date
    desk: Desk | None
    by_state: dict[str, int]
    signed_this_year: int
    signed_per_year: list[tuple[int, int]]
    signed_by_region: dict[int, dict[str, int]]
    by_country: list[dict[str, Any]]
    projects_by_status: dict[str, int]
    health: dict[str, int]
    overdue_projects: int
    slippage: dict[str, int]
    events: list[Any]
    changes: list[TransitionLog] = field(default_factory=list)
    new_logs: list[ProgressLog] = field(default_factory=list)
    milestones_reached: list[Milestone] = field(default_factory=list)
    milestones_missed: list[Milestone] = field(default_factory=list)

    @property
    def in_negotiation(self) -> int:
        return self.by_state.get(S.NEGOTIATING, 0)

    @property
    def awaiting_approval(self) -> int:
        return self.by_state.get(S.APPROVAL, 0)

    @property
    def in_force(self) -> int:
        return self.by_state.get(S.IN_FORCE, 0)

    @property
    def events_shown(self) -> list[Any]:
        """The soonest events, for the table; the headline counts them all."""
        return self.events[:EVENT_ROWS]

    @property
    def funnel(self) -> list[tuple[str, str, int]]:
        labels = dict(S.choices)
        return [(state, labels[state], self.by_state.get(state, 0)) for state in FUNNEL]


@functools.cache
def _numeric_to_alpha3() -> dict[str, str]:
    return {c.numeric: c.alpha_3 for c in pycountry.countries}


def _scope(user: Any, desk: Desk | None, lookup: str) -> Q:
    """What ``user`` may see, narrowed to ``desk`` if given, for records whose
    desk is reached through ``lookup``. A plain condition rather than an IN
    over the visible records, which the database would have to build first."""
    scope = Q()
    if not sees_all_desks(user):
        scope &= Q(**{f"{lookup}__in": user_desk_ids(user)})
    if desk is not None:
        scope &= Q(**{lookup: desk.pk})
    return scope


def _worst_slippage_bucket() -> Case:
    """The bucket of a project's stored worst milestone slippage, as the
    project list's ``slippage`` filter defines it; None for a project
    without milestones."""
    return Case(
        *(
            When(slippage_bucket(key), then=Value(key))
            for key, *_rest in SLIPPAGE_BUCKETS
        ),
        output_field=CharField(),
    )


def _project_health(projects, *, today: datetime.date) -> dict[str, Any]:
    """Projects by status; active projects by health, by worst slippage and
    with an overdue milestone, as the project list's filters define them.

    Read from the facts stored on each project (its latest report, worst
    slippage and next due date, see ``Project.STORED_FIELDS``) in the index
    that covers them, reading no milestone, no report and no wide project
    row: one grouped query for the active projects and one count by status
    for the others, each a range of that index, which PostgreSQL prefers to
    the table even while many of its pages wait for vacuum (over all projects
    at once it would not)."""
    by_status: dict[str, int] = defaultdict(int)
    health = dict.fromkeys((*Rag.values, "none", "stale", "slipping"), 0)
    slippage = dict.fromkeys((key for key, *_rest in SLIPPAGE_BUCKETS), 0)
    overdue = 0
    groups = (
        projects.active()
        .annotate(
            stale=is_stale(today),
            bucket=_worst_slippage_bucket(),
            overdue=has_overdue_milestone(today),
        )
        .order_by()
        .values_list("status", "latest_rag", "stale", "bucket", "overdue")
        .annotate(n=Count("*"))
    )
    for status, rag, stale, bucket, late, n in groups:
        by_status[status] += n
        health[rag or "none"] += n
        health["stale"] += n if stale else 0
        overdue += n if late else 0
        # Projects without milestones have no bucket.
        if bucket is not None:
            slippage[bucket] += n
    health["slipping"] = sum(n for key, n in slippage.items() if key != "on_time")
    by_status.update(
        projects.filter(status__in=INACTIVE)
        .order_by()
        .values_list("status")
        .annotate(n=Count("*"))
    )
    return {
        "projects_by_status": dict(by_status),
        "health": health,
        "slippage": slippage,
        "overdue_projects": overdue,
    }


def _by_country(parties) -> list[dict[str, Any]]:
    """Documents per counterpart country. Grouping by the code alone, and
    reading the names apart, keeps the long names out of the sort."""
    counts = dict(
        parties.order_by()
        .values_list("country_id")
        .annotate(n=Count("agreement_id", distinct=True))
    )
    names = Country.objects.filter(code__in=counts).values_list(
        "code", "name_en", "name_zh"
    )
    return [
        {"code": code, "name_en": en, "name_zh": zh, "count": counts[code]}
        for code, en, zh in names
    ]


def dashboard_get(
    *, user: Any, today: datetime.date, desk: Desk | None = None
) -> Dashboard:
    agreements = Agreement.objects.filter(_scope(user, desk, "desk_id"))
    projects = Project.objects.filter(_scope(user, desk, "desk_id"))
    parties = AgreementParty.objects.filter(
        _scope(user, desk, "agreement__desk_id"),
        side=AgreementParty.Side.COUNTERPART,
        country__isnull=False,
    )

    # COUNT(*), not of a column: read off the index on state alone.
    by_state = dict(agreements.order_by().values_list("state").annotate(n=Count("*")))
    # Signed documents per year and per year and region, from the documents
    # alone (each stores its counterparts' regions): one row per year and set
    # of regions.
    per_year: dict[int, int] = defaultdict(int)
    by_region: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    signed = (
        agreements.filter(signed_on__isnull=False)
        .order_by()
        .annotate(year=ExtractYear("signed_on"))
        .values_list("year", "counterpart_regions")
        .annotate(n=Count("*"))
    )
    for year, regions, n in signed:
        per_year[year] += n
        for region in filter(None, regions.split(",")):
            by_region[year][region] += n
    signed_per_year = sorted(per_year.items())

    week_start = today - datetime.timedelta(days=7)
    return Dashboard(
        today=today,
        desk=desk,
        by_state=by_state,
        signed_this_year=dict(signed_per_year).get(today.year, 0),
        signed_per_year=signed_per_year,
        signed_by_region={year: dict(n) for year, n in by_region.items()},
        # Leaving out the few withdrawn documents, rather than joining every
        # document to check its state, halves the time.
        by_country=_by_country(
            parties.exclude(
                agreement__in=Agreement.objects.filter(state=S.WITHDRAWN).values("pk")
            )
        ),
        **_project_health(projects, today=today),
        events=list(
            events_upcoming(user=user, today=today, days=EVENT_DAYS, desk=desk)
        ),
        changes=_changes(_scope(user, desk, "desk_id"), since=week_start),
        new_logs=list(
            ProgressLog.objects.filter(
                _scope(user, desk, "project__desk_id"), reported_on__gt=week_start
            )
            .select_related("project", "author")
            .order_by("-reported_on", "-id")[:10]
        ),
        milestones_reached=list(
            milestones_reached(
                _scope(user, desk, "project__desk_id"), since=week_start, today=today
            )
        ),
        milestones_missed=list(
            Milestone.objects.filter(
                _scope(user, desk, "project__desk_id"),
                actual_date__isnull=True,
                forecast_date__gt=week_start,
                forecast_date__lt=today,
            )
            .select_related("project")
            .order_by("forecast_date")[:10]
        ),
    )


def milestones_reached(
    scope: Q, *, since: datetime.date, today: datetime.date
) -> QuerySet[Milestone]:
    """The ten milestones in ``scope`` (a condition on their project's desk)
    reached most lately after ``since``, newest first: read off the index
    ``milestone_reached`` in its order."""
    return (
        Milestone.objects.filter(scope, actual_date__gt=since, actual_date__lte=today)
        .select_related("project")
        .order_by("-actual_date", "-id")[:10]
    )


def _changes(scope: Q, *, since: datetime.date) -> list[TransitionLog]:
    """The latest transitions of documents and projects in ``scope`` (a
    condition on their desk) since ``since``."""
    types = ContentType.objects.get_for_models(Agreement, Project)
    subjects = Q()
    for model in (Agreement, Project):
        condition = Q(content_type=types[model])
        if scope:
            condition &= Q(object_id__in=model.objects.filter(scope).values("pk"))
        subjects |= condition
    logs = (
        TransitionLog.objects.filter(subjects, at__date__gt=since)
        .select_related("by", "content_type")
        .order_by("-at", "-id")[:15]
    )
    logs = list(logs)
    subjects = {
        Agreement: Agreement.objects.in_bulk(
            [
                log.object_id
                for log in logs
                if log.content_type_id == types[Agreement].pk
            ]
        ),
        Project: Project.objects.in_bulk(
            [log.object_id for log in logs if log.content_type_id == types[Project].pk]
        ),
    }
    labels = {Agreement: dict(S.choices), Project: dict(Project.Status.choices)}
    for log in logs:
        model = Agreement if log.content_type_id == types[Agreement].pk else Project
        log.record = subjects[model].get(log.object_id)
        log.source_label = labels[model].get(log.source, log.source)
        log.target_label = labels[model].get(log.target, log.target)
    return logs


def _query(params: dict[str, Any]) -> str:
    return urlencode(
        {key: value for key, value in params.items() if value not in (None, "")},
        doseq=True,
    )


def _list_url(name: str, **fixed: Any) -> Callable[..., str]:
    """A builder of links to the list ``name`` with the filters ``fixed`` and
    those it is called with, after them; a list value repeats the parameter.
    The fixed part is encoded once: the map links every partner country."""
    base = reverse(name)
    prefix = _query(fixed)

    def url(**params: Any) -> str:
        query = "&".join(part for part in (prefix, _query(params)) if part)
        return f"{base}?{query}" if query else base

    return url


# The lists behind figures about active projects, and about documents that
# were not withdrawn, filter on exactly those statuses and states.
ACTIVE = [str(status) for status in Project.ACTIVE_STATUSES]
NOT_WITHDRAWN = [state for state in S.values if state != S.WITHDRAWN]


def dashboard_charts(d: Dashboard) -> dict[str, Any]:
    """Every figure and chart segment with its label, value and the filtered
    list behind it, which shows exactly the records counted. The page draws
    the headline and every chart's table from this; its script draws the
    charts from ``data`` alone, which the page embeds as JSON."""
    desk = d.desk.pk if d.desk else None
    docs = _list_url("agreements:list", desk=desk)
    projects = _list_url("projects:list", desk=desk)
    active = _list_url("projects:list", desk=desk, status=ACTIVE)
    events = _list_url("events:list", desk=desk, when="upcoming")
    partner = _list_url("agreements:list", desk=desk, state=NOT_WITHDRAWN)
    status_labels = dict(Project.Status.choices)
    region_labels = dict(Region.choices)
    years = [year for year, _n in d.signed_per_year]
    chinese = (get_language() or "").startswith("zh")
    countries = sorted(
        (
            {
                "name": (row["name_zh"] if chinese else row["name_en"]),
                "count": row["count"],
                "url": partner(country=row["code"]),
                "code": row["code"],
            }
            for row in d.by_country
        ),
        key=lambda row: -row["count"],
    )
    regions = sorted({r for per_year in d.signed_by_region.values() for r in per_year})
    # What the page's script draws, sent to it as JSON, and nothing more.
    data = {
        "funnel": [
            {"label": str(label), "value": n, "url": docs(state=state)}
            for state, label, n in d.funnel
        ],
        "signed": {
            "years": years,
            "total": [
                {"label": str(year), "value": n, "url": docs(signed_year=year)}
                for year, n in d.signed_per_year
            ],
            "series": [
                {
                    "name": str(region_labels.get(region, region)),
                    "data": [
                        {
                            "value": d.signed_by_region.get(year, {}).get(region, 0),
                            "url": docs(signed_year=year, region=region),
                        }
                        for year in years
                    ],
                }
                for region in regions
            ],
        },
        "health": [
            {
                "label": str(label),
                "value": d.health[key],
                "url": url,
                "color": color,
            }
            for key, label, url, color in (
                ("red", _("Red"), active(health="red"), "#dc3545"),
                ("amber", _("Amber"), active(health="amber"), "#fd7e14"),
                ("green", _("Green"), active(health="green"), "#198754"),
                ("none", _("No report yet"), active(health="none"), "#adb5bd"),
                (
                    "stale",
                    _("Stale (no report for 30 days)"),
                    # Only an active project can be stale: no status filter.
                    projects(stale="true"),
                    "#6c757d",
                ),
                (
                    "slipping",
                    _("Milestones slipping"),
                    active(health="slipping"),
                    "#6f42c1",
                ),
            )
        ],
        "status": [
            {
                "label": str(status_labels[status]),
                "value": d.projects_by_status.get(status, 0),
                "url": projects(status=status),
            }
            for status in status_labels
        ],
        "slippage": [
            {
                "label": str(label),
                "value": d.slippage[key],
                "url": active(slippage=key),
            }
            for key, label, *_bounds in SLIPPAGE_BUCKETS
        ],
        "map": {
            "counts": {row["code"]: row["count"] for row in d.by_country},
            "names": {row["code"]: row["name"] for row in countries},
            "urls": {row["code"]: row["url"] for row in countries},
            "numeric": _numeric_to_alpha3(),
            "label": str(_("Documents")),
        },
    }
    return {
        "headline": [
            (_("In negotiation"), d.in_negotiation, docs(state="negotiating"), ""),
            (_("Awaiting approval"), d.awaiting_approval, docs(state="approval"), ""),
            (
                _("Signed this year"),
                d.signed_this_year,
                docs(signed_year=d.today.year),
                "",
            ),
            (_("In force"), d.in_force, docs(state="in_force"), ""),
            (
                _("Projects at risk (red)"),
                d.health["red"],
                active(health="red"),
                "danger",
            ),
            (
                _("Projects with overdue milestones"),
                d.overdue_projects,
                active(overdue="true"),
                "warning",
            ),
            (
                _("Events in 90 days"),
                len(d.events),
                events(starts_by=d.today + datetime.timedelta(days=EVENT_DAYS)),
                "",
            ),
        ],
        "events_url": events(starts_by=d.today + datetime.timedelta(days=EVENT_DAYS)),
        # Each chart's table, the map's included, drawn by the page.
        "tables": {
            "funnel": _table_rows(data["funnel"]),
            "signed": _table_rows(data["signed"]["total"]),
            "countries": _table_rows(
                {"label": row["name"], "value": row["count"], "url": row["url"]}
                for row in countries
            ),
            "health": _table_rows(data["health"]),
            "status": _table_rows(data["status"]),
            "slippage": _table_rows(data["slippage"]),
        },
        "data": data,
    }


def _table_rows(items: Iterable[dict[str, Any]]) -> str:
    """A chart's table body: each segment's label, linked to the list behind
    it, and its value. Written in one call rather than a template loop: the
    map's table has a row per partner country."""
    rows = format_html_join(
        "",
        '<tr><td><a href="{}">{}</a></td><td class="text-end">{}</td></tr>',
        ((item["url"], item["label"], item["value"]) for item in items),
    )
    return rows or format_html('<tr><td colspan="2">{}</td></tr>', _("None yet."))
