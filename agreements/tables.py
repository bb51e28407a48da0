from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tracker.tables import EMPTY, IsoDateColumn, ListTable, iso, labels, link

from .models import Agreement

STATE_CLASSES = {
    "drafting": "secondary",
    "negotiating": "info",
    "agreed": "primary",
    "approval": "warning",
    "ready": "success",
    "signed": "success",
    "in_force": "success",
    "suspended": "dark",
    "withdrawn": "light",
    "expired": "light",
    "terminated": "light",
}


def state_badge(state: str, label: str) -> str:
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        STATE_CLASSES.get(state, "secondary"),
        label,
    )


def counterparts(agreement: Agreement) -> str:
    parties = getattr(agreement, "counterparts", None)
    if parties is None:
        parties = [p for p in agreement.parties.all() if p.side == p.Side.COUNTERPART]
    return "; ".join(str(p) for p in parties)


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    """Kind and state labels in the active language."""
    return labels(Agreement.Kind.choices), labels(Agreement.State.choices)


class AgreementTable(ListTable):
    # Every order ends with the id, so paging neither repeats nor skips rows
    # that tie; (target date, id) is also the index the default order reads.
    title_en = tables.Column(
        verbose_name=_("Title"), linkify=True, order_by=("title_en", "id")
    )
    kind = tables.Column(verbose_name=_("Kind"), order_by=("kind", "id"))
    counterparts = tables.Column(
        verbose_name=_("Counterparts"), empty_values=(), orderable=False
    )
    state = tables.Column(verbose_name=_("State"), order_by=("state", "id"))
    desk = tables.Column(verbose_name=_("Desk"), order_by=("desk__code", "id"))
    officer = tables.Column(
        verbose_name=_("Officer"), order_by=("officer__last_name", "id")
    )
    target_signing_date = IsoDateColumn(
        verbose_name=_("Target signing"), order_by=("target_signing_date", "id")
    )
    target_event = tables.Column(
        verbose_name=_("Target event"), order_by=("target_event__starts_on", "id")
    )
    signed_on = IsoDateColumn(verbose_name=_("Signed"), order_by=("signed_on", "id"))
    expires_on = IsoDateColumn(verbose_name=_("Expires"), order_by=("expires_on", "id"))

    class Meta:
        model = Agreement
        fields: list[str] = []
        sequence = (
            "title_en",
            "kind",
            "counterparts",
            "state",
            "desk",
            "officer",
            "target_signing_date",
            "target_event",
            "signed_on",
            "expires_on",
        )
        order_by = ("-target_signing_date",)
        empty_text = _("No documents match.")
        template_name = "_table.html"

    def order_target_signing_date(
        self, queryset: QuerySet, is_descending: bool
    ) -> tuple[QuerySet, bool]:
        """Undated documents last in both directions, on every database."""
        date = F("target_signing_date")
        if is_descending:
            return queryset.order_by(date.desc(nulls_last=True), "-id"), True
        return queryset.order_by(date.asc(nulls_last=True), "id"), True

    @cached_property
    def _labels(self) -> tuple[dict[str, str], dict[str, str]]:
        return _labels()

    def cells(self, a: Agreement) -> tuple:
        kinds, states = self._labels
        return (
            link(a.get_absolute_url(), a.localized("title")),
            kinds.get(a.kind, a.kind),
            counterparts(a),
            state_badge(a.state, states.get(a.state, a.state)),
            a.desk,
            a.officer or EMPTY,
            iso(a.target_signing_date),
            a.target_event or EMPTY,
            iso(a.signed_on),
            iso(a.expires_on),
        )

    def render_title_en(self, record: Agreement) -> str:
        return record.localized("title")

    def render_counterparts(self, record: Agreement) -> str:
        return counterparts(record)

    def render_state(self, value: str, record: Agreement) -> str:
        # The value is the state's label already.
        return state_badge(record.state, value)


# Export --------------------------------------------------------------------

EXPORT_HEADERS = (
    _("ID"),
    _("Title (Chinese)"),
    _("Title (English)"),
    _("Kind"),
    _("Binding"),
    _("Counterparts"),
    _("State"),
    _("Desk"),
    _("Officer"),
    _("Target signing date"),
    _("Target event"),
    _("Signed on"),
    _("Signing place"),
    _("In force from"),
    _("Expires on"),
    _("Last date to give notice"),
)


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


def export_rows(queryset: Any) -> Iterator[tuple]:
    kinds, states = _labels()
    yes, no = str(_("Yes")), str(_("No"))
    for a in queryset:
        yield (
            a.pk,
            a.title_zh,
            a.title_en,
            kinds.get(a.kind, a.kind),
            yes if a.binding else no,
            counterparts(a),
            states.get(a.state, a.state),
            str(a.desk),
            str(a.officer) if a.officer else "",
            _iso(a.target_signing_date),
            str(a.target_event) if a.target_event else "",
            _iso(a.signed_on),
            a.signing_place,
            _iso(a.effective_on),
            _iso(a.expires_on),
            _iso(a.notice_deadline),
        )
