from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import django_tables2 as tables
from django.db.models import F
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tracker.tables import EMPTY, IsoDateColumn, ListTable, iso, labels, link

from .models import Project, Rag, Sector

RAG_CLASSES = {"red": "danger", "amber": "warning", "green": "success"}


def rag_badge(value: str | None, label: str) -> str:
    if not value:
        return format_html('<span class="text-body-secondary">{}</span>', _("none"))
    return format_html(
        '<span class="badge text-bg-{}">{}</span>', RAG_CLASSES[value], label
    )


# As django-tables2's BooleanColumn renders them.
YES = format_html('<span class="true">{}</span>', "✔")
NO = format_html('<span class="false">{}</span>', "✘")


def _labels() -> tuple[dict[str, str], ...]:
    """Sector, status and health labels in the active language."""
    return labels(Sector.choices), labels(Project.Status.choices), labels(Rag.choices)


class ProjectTable(ListTable):
    # Every order ends with the id, so paging neither repeats nor skips rows
    # that tie.
    name_en = tables.Column(
        verbose_name=_("Project"), linkify=True, order_by=("name_en", "id")
    )
    country = tables.Column(
        verbose_name=_("Country"), order_by=("country__name_en", "id")
    )
    sector = tables.Column(verbose_name=_("Sector"), order_by=("sector", "id"))
    desk = tables.Column(verbose_name=_("Desk"), order_by=("desk__code", "id"))
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "id"))
    latest_rag = tables.Column(verbose_name=_("Health"), order_by=("latest_rag", "id"))
    worst_slippage = tables.Column(
        verbose_name=_("Worst slippage (days)"), accessor="worst_slippage_days"
    )
    is_stale = tables.BooleanColumn(
        verbose_name=_("Stale"), order_by=("is_stale", "id")
    )
    latest_reported_on = IsoDateColumn(
        verbose_name=_("Last report"), order_by=("latest_reported_on", "id")
    )
    amount_usd = tables.Column(
        verbose_name=_("USD (2021)"), order_by=("amount_usd", "id")
    )
    flagship = tables.BooleanColumn(
        verbose_name=_("Flagship"), order_by=("flagship", "id")
    )
    aiddata_record_id = tables.Column(
        verbose_name=_("AidData ID"), order_by=("aiddata_record_id", "id")
    )

    class Meta:
        model = Project
        fields: list[str] = []
        sequence = (
            "name_en",
            "country",
            "sector",
            "desk",
            "status",
            "latest_rag",
            "worst_slippage",
            "is_stale",
            "latest_reported_on",
            "amount_usd",
            "flagship",
            "aiddata_record_id",
        )
        order_by = ("name_en",)
        empty_text = _("No projects match.")
        template_name = "_table.html"

    @cached_property
    def _labels(self) -> tuple[dict[str, str], ...]:
        return _labels()

    def cells(self, p: Project) -> tuple:
        sectors, statuses, rags = self._labels
        slippage, usd, rag = p.worst_slippage_days, p.amount_usd, p.latest_rag
        return (
            link(p.get_absolute_url(), p.localized()),
            p.country,
            sectors.get(p.sector, p.sector) or EMPTY,
            p.desk,
            statuses.get(p.status, p.status),
            rag_badge(rag, rags[rag]) if rag else EMPTY,
            EMPTY if slippage is None else slippage,
            YES if p.is_stale else NO,
            iso(p.latest_reported_on),
            EMPTY if usd is None else self.render_amount_usd(usd),
            YES if p.flagship else NO,
            EMPTY if p.aiddata_record_id is None else p.aiddata_record_id,
        )

    def render_name_en(self, record: Project) -> str:
        return record.localized()

    def render_latest_rag(self, value: str) -> str:
        return rag_badge(value, Rag(value).label)

    def order_worst_slippage(self, queryset: Any, is_descending: bool) -> Any:
        # Projects without milestones have no slippage: last either way (on
        # PostgreSQL a plain descending order would put them first). Each
        # order is read off an index (see Project.Meta.indexes).
        slippage = F("worst_slippage_days")
        first = (
            slippage.desc(nulls_last=True)
            if is_descending
            else slippage.asc(nulls_last=True)
        )
        tie = "-id" if is_descending else "id"
        return queryset.order_by(first, tie), True

    def render_amount_usd(self, value: Any) -> str:
        return f"{value:,.0f}"


EXPORT_HEADERS = [
    _("Project"),
    _("Country"),
    _("Sector"),
    _("Desk"),
    _("Status"),
    _("Health"),
    _("Worst slippage (days)"),
    _("Stale"),
    _("Last report"),
    _("Percent complete"),
    _("Amount"),
    _("Currency"),
    _("USD (2021)"),
    _("Flagship"),
    _("Officer"),
    _("AidData ID"),
]


def export_rows(queryset: Any) -> Iterator[list[Any]]:
    """One list per project; labels are translated once, not once a cell."""
    chinese = (get_language() or "").startswith("zh")
    sectors, statuses, rags = _labels()
    yes, no = str(_("Yes")), str(_("No"))

    def name(obj: Any, field: str = "name") -> str:
        zh, en = getattr(obj, f"{field}_zh"), getattr(obj, f"{field}_en")
        return (zh or en) if chinese else (en or zh)

    for p in queryset.iterator(chunk_size=2000):
        yield [
            name(p),
            name(p.country),
            sectors.get(p.sector, p.sector),
            name(p.desk),
            statuses.get(p.status, p.status),
            rags.get(p.latest_rag, ""),
            p.worst_slippage_days,
            yes if p.is_stale else no,
            p.latest_reported_on,
            p.latest_percent,
            p.amount,
            p.currency,
            p.amount_usd,
            yes if p.flagship else no,
            str(p.officer) if p.officer else "",
            p.aiddata_record_id,
        ]
