"""Reads for the leadership dashboard: a fixed number of aggregate queries,
whatever the size of the portfolio, all within what the user may see."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlencode

import pycountry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agreements.events.selectors import events_upcoming
from agreements.models import Agreement, AgreementParty
from projects.models import Milestone, ProgressLog, Project, Rag
from workflows.models import TransitionLog

from .models import Desk, Region

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
SLIPPAGE_BUCKETS = (
    ("on_time", None, 0),
    ("1_30", 1, 30),
    ("31_90", 31, 90),
    ("91_180", 91, 180),
    ("over_180", 181, None),
)


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
    overdue_milestones: int
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
    def funnel(self) -> list[tuple[str, str, int]]:
        labels = dict(S.choices)
        return [(state, labels[state], self.by_state.get(state, 0)) for state in FUNNEL]


def _numeric_to_alpha3() -> dict[str, str]:
    return {c.numeric: c.alpha_3 for c in pycountry.countries}


def dashboard_get(
    *, user: Any, today: datetime.date, desk: Desk | None = None
) -> Dashboard:
    agreements = Agreement.objects.visible_to(user)
    projects = Project.objects.visible_to(user)
    if desk is not None:
        agreements = agreements.filter(desk=desk)
        projects = projects.filter(desk=desk)

    by_state = dict(agreements.order_by().values_list("state").annotate(n=Count("id")))
    signed = agreements.filter(signed_on__isnull=False)
    signed_per_year = sorted(
        signed.order_by()
        .annotate(year=ExtractYear("signed_on"))
        .values_list("year")
        .annotate(n=Count("id"))
    )
    by_region: dict[int, dict[str, int]] = defaultdict(dict)
    region_rows = (
        AgreementParty.objects.filter(
            agreement__in=signed,
            side=AgreementParty.Side.COUNTERPART,
            country__isnull=False,
        )
        .order_by()
        .annotate(year=ExtractYear("agreement__signed_on"))
        .values_list("year", "country__region")
        .annotate(n=Count("agreement", distinct=True))
    )
    for year, region, n in region_rows:
        by_region[year][region] = n
    by_country = [
        {"code": code, "name_en": en, "name_zh": zh, "count": n}
        for code, en, zh, n in AgreementParty.objects.filter(
            agreement__in=agreements,
            side=AgreementParty.Side.COUNTERPART,
            country__isnull=False,
        )
        .exclude(agreement__state=S.WITHDRAWN)
        .order_by()
        .values_list("country__code", "country__name_en", "country__name_zh")
        .annotate(n=Count("agreement", distinct=True))
    ]

    projects_by_status = dict(
        projects.order_by().values_list("status").annotate(n=Count("id"))
    )
    active = projects.active().with_health(today)
    zero = datetime.timedelta(0)
    health = active.aggregate(
        red=Count("id", filter=Q(latest_rag=Rag.RED)),
        amber=Count("id", filter=Q(latest_rag=Rag.AMBER)),
        green=Count("id", filter=Q(latest_rag=Rag.GREEN)),
        none=Count("id", filter=Q(latest_rag__isnull=True)),
        stale=Count("id", filter=Q(is_stale=True)),
        slipping=Count("id", filter=Q(worst_slippage__gt=zero)),
    )

    slip = ExpressionWrapper(
        F("forecast_date") - F("baseline_date"), output_field=DurationField()
    )
    milestones = Milestone.objects.filter(
        project__in=projects.active(), actual_date__isnull=True
    ).annotate(slip=slip)
    buckets = {
        key: Count("id", filter=_bucket(low, high))
        for key, low, high in SLIPPAGE_BUCKETS
    }
    milestone_figures = milestones.aggregate(
        overdue=Count("id", filter=Q(forecast_date__lt=today)), **buckets
    )
    overdue_milestones = milestone_figures.pop("overdue")

    week_start = today - datetime.timedelta(days=7)
    return Dashboard(
        today=today,
        desk=desk,
        by_state=by_state,
        signed_this_year=dict(signed_per_year).get(today.year, 0),
        signed_per_year=signed_per_year,
        signed_by_region=dict(by_region),
        by_country=by_country,
        projects_by_status=projects_by_status,
        health=health,
        overdue_milestones=overdue_milestones,
        slippage=milestone_figures,
        events=list(events_upcoming(user=user, today=today, days=90)[:8]),
        changes=_changes(agreements, projects, since=week_start),
        new_logs=list(
            ProgressLog.objects.filter(project__in=projects, reported_on__gt=week_start)
            .select_related("project", "author")
            .order_by("-reported_on", "-id")[:10]
        ),
        milestones_reached=list(
            Milestone.objects.filter(
                project__in=projects, actual_date__gt=week_start, actual_date__lte=today
            )
            .select_related("project")
            .order_by("-actual_date")[:10]
        ),
        milestones_missed=list(
            Milestone.objects.filter(
                project__in=projects,
                actual_date__isnull=True,
                forecast_date__gt=week_start,
                forecast_date__lt=today,
            )
            .select_related("project")
            .order_by("forecast_date")[:10]
        ),
    )


def _bucket(low: int | None, high: int | None) -> Q:
    condition = Q()
    if low is not None:
        condition &= Q(slip__gte=datetime.timedelta(days=low))
    if high is not None:
        condition &= Q(slip__lte=datetime.timedelta(days=high))
    return condition


def _changes(agreements, projects, *, since: datetime.date) -> list[TransitionLog]:
    """The latest transitions of visible documents and projects since ``since``."""
    types = ContentType.objects.get_for_models(Agreement, Project)
    logs = (
        TransitionLog.objects.filter(at__date__gt=since)
        .filter(
            Q(
                content_type=types[Agreement],
                object_id__in=agreements.values("pk"),
            )
            | Q(content_type=types[Project], object_id__in=projects.values("pk"))
        )
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


def _link(name: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def dashboard_charts(d: Dashboard) -> dict[str, Any]:
    """Every figure and chart segment with its label, value and the filtered
    list behind it. The page draws charts and their tables from this."""
    desk = d.desk.pk if d.desk else None
    docs = partial(_link, "agreements:list", desk=desk)
    projects = partial(_link, "projects:list", desk=desk)
    status_labels = dict(Project.Status.choices)
    region_labels = dict(Region.choices)
    years = [year for year, _n in d.signed_per_year]
    chinese = (get_language() or "").startswith("zh")
    countries = sorted(
        (
            {
                "name": (row["name_zh"] if chinese else row["name_en"]),
                "count": row["count"],
                "url": docs(country=row["code"]),
                "code": row["code"],
            }
            for row in d.by_country
        ),
        key=lambda row: -row["count"],
    )
    regions = sorted({r for per_year in d.signed_by_region.values() for r in per_year})
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
                projects(health="red"),
                "danger",
            ),
            (
                _("Overdue milestones"),
                d.overdue_milestones,
                projects(overdue="true"),
                "warning",
            ),
            (_("Events in 90 days"), len(d.events), reverse("events:list"), ""),
        ],
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
                "url": projects(**query),
                "color": color,
            }
            for key, label, query, color in (
                ("red", _("Red"), {"health": "red"}, "#dc3545"),
                ("amber", _("Amber"), {"health": "amber"}, "#fd7e14"),
                ("green", _("Green"), {"health": "green"}, "#198754"),
                ("none", _("No report yet"), {"health": "none"}, "#adb5bd"),
                (
                    "stale",
                    _("Stale (no report for 30 days)"),
                    {"stale": "true"},
                    "#6c757d",
                ),
                (
                    "slipping",
                    _("Milestones slipping"),
                    {"health": "slipping"},
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
                "url": projects(overdue="true") if key != "on_time" else projects(),
            }
            for key, label in (
                ("on_time", _("On time or early")),
                ("1_30", _("1–30 days late")),
                ("31_90", _("31–90 days late")),
                ("91_180", _("91–180 days late")),
                ("over_180", _("Over 180 days late")),
            )
        ],
        "map": {
            "counts": {row["code"]: row["count"] for row in d.by_country},
            "names": {row["code"]: row["name"] for row in countries},
            "rows": [
                {"label": row["name"], "value": row["count"], "url": row["url"]}
                for row in countries
            ],
            "numeric": _numeric_to_alpha3(),
            "url": docs(),
            "label": str(_("Documents")),
        },
    }
