"""What the benchmark measures, chosen from the data in the database."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.core import mail
from django.db.models import Count
from django.urls import reverse

from agreements.models import Agreement, AgreementParty
from projects.importer import import_aiddata
from projects.models import Project
from tracker.models import Country, DeskRegion
from workflows.reminders import reminders_run

from .aiddata import aiddata_csv
from .measure import JobCase, PageCase

DOCUMENT_SEARCH = "Railways"
PROJECT_SEARCH = "hospital"
FILTER_STATE = Agreement.State.NEGOTIATING
FILTER_STATUS = Project.Status.IMPLEMENTATION


def _url(name: str, *args: Any, **query: Any) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _spread_ids(model, runs: int) -> list[int]:
    """``runs`` ids spread evenly over the table."""
    ids = model.objects.order_by("id").values_list("id", flat=True)
    first, last = (
        ids.first(),
        model.objects.order_by("-id").values_list("id", flat=True).first(),
    )
    if first is None:
        raise RuntimeError(f"No {model._meta.verbose_name_plural}: run seed_scale.")
    step = max(1, (last - first) // runs)
    return [first + step * i for i in range(runs)]


def busiest_document_country() -> str:
    return (
        AgreementParty.objects.filter(side="counterpart", country__isnull=False)
        .values("country")
        .annotate(n=Count("id"))
        .order_by("-n", "country")
        .values_list("country", flat=True)
        .first()
    )


def busiest_project_country() -> str:
    return (
        Project.objects.values("country")
        .annotate(n=Count("id"))
        .order_by("-n", "country")
        .values_list("country", flat=True)
        .first()
    )


def admin_sort(model, column: str, *, descending: bool = False) -> str:
    """The admin changelist's ``o`` parameter that sorts by a list column (its
    position after the action checkbox, which comes first)."""
    position = admin.site.get_model_admin(model).list_display.index(column) + 1
    return f"-{position}" if descending else str(position)


def page_cases(runs: int) -> list[PageCase]:
    doc_country = busiest_document_country()
    project_country = busiest_project_country()
    doc_ids = _spread_ids(Agreement, runs)
    project_ids = _spread_ids(Project, runs)
    docs_admin = "admin:agreements_agreement_changelist"
    projects_admin = "admin:projects_project_changelist"
    return [
        PageCase(
            "documents",
            "list",
            [_url("agreements:list")],
            [_url(docs_admin)],
        ),
        PageCase(
            "documents",
            f"filter state={FILTER_STATE} country={doc_country}",
            [_url("agreements:list", state=FILTER_STATE, country=doc_country)],
            [
                _url(
                    docs_admin,
                    state__exact=FILTER_STATE,
                    parties__country__code__exact=doc_country,
                )
            ],
        ),
        PageCase(
            "documents",
            "sorted by target date",
            [_url("agreements:list", sort="target_signing_date")],
            [_url(docs_admin, o=admin_sort(Agreement, "target_signing_date"))],
        ),
        PageCase(
            "documents",
            f"search '{DOCUMENT_SEARCH}'",
            [_url("agreements:list", q=DOCUMENT_SEARCH)],
            [_url(docs_admin, q=DOCUMENT_SEARCH)],
        ),
        PageCase(
            "documents",
            "detail",
            [_url("agreements:detail", pk) for pk in doc_ids],
            [reverse("admin:agreements_agreement_change", args=[pk]) for pk in doc_ids],
            admin_note="admin: change form with its inlines",
        ),
        PageCase(
            "projects",
            "list",
            [_url("projects:list")],
            [_url(projects_admin)],
        ),
        PageCase(
            "projects",
            f"filter status={FILTER_STATUS} country={project_country}",
            [_url("projects:list", status=FILTER_STATUS, country=project_country)],
            [
                _url(
                    projects_admin,
                    status__exact=FILTER_STATUS,
                    country__code__exact=project_country,
                )
            ],
        ),
        PageCase(
            "projects",
            "sorted by worst slippage",
            [_url("projects:list", sort="-worst_slippage")],
            [
                _url(
                    projects_admin,
                    o=admin_sort(Project, "worst_slippage", descending=True),
                )
            ],
        ),
        PageCase(
            "projects",
            f"search '{PROJECT_SEARCH}'",
            [_url("projects:list", q=PROJECT_SEARCH)],
            [_url(projects_admin, q=PROJECT_SEARCH)],
        ),
        PageCase(
            "projects",
            "detail",
            [_url("projects:detail", pk) for pk in project_ids],
            [reverse("admin:projects_project_change", args=[pk]) for pk in project_ids],
            admin_note="admin: change form with its inline",
        ),
        PageCase(
            "dashboard",
            "leadership, uncached",
            [_url("tracker:home")],
            target_p95_ms=300,
            admin_ratio=None,
        ),
    ]


def _reminder_run(day: datetime.date):
    def run() -> str:
        report = reminders_run(today=day)
        mail.outbox = []
        return (
            f"{report.claimed} reminders claimed, {len(report.digests)} digests, "
            f"{report.sent} sent, {report.failed} failed"
        )

    return run


def importable() -> Callable[[dict[str, str]], bool]:
    """Sample rows the importer takes as they are: a recipient country whose
    region a desk covers (regional projects name none)."""
    covered = set(DeskRegion.objects.values_list("region", flat=True))
    regions = dict(Country.objects.values_list("code", "region"))
    return lambda row: regions.get(row.get("Recipient ISO-3", "")) in covered


def job_cases(*, today: datetime.date, import_rows: int) -> list[JobCase]:
    data = aiddata_csv(import_rows, accept=importable())

    def import_file() -> str:
        report = import_aiddata(data, filename="aiddata-bench.csv")
        return report.summary()

    yesterday = today - datetime.timedelta(days=1)
    return [
        JobCase(
            "reminders",
            f"daily run for {today} (ledger holds {yesterday})",
            _reminder_run(today),
            target_ms=10_000,
            prepare=_reminder_run(yesterday),
        ),
        JobCase(
            "reminders",
            f"first run for {today} (empty ledger: whole backlog)",
            _reminder_run(today),
            runs=1,
        ),
        JobCase(
            "import",
            f"AidData file, {import_rows:,} rows",
            import_file,
            target_ms=30_000,
        ),
    ]
