"""Shared django-tables2 pieces."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# What django-tables2 shows in a cell without a value.
EMPTY = "—"


class IsoDateColumn(tables.Column):
    """A date as YYYY-MM-DD. ``DateColumn`` compiles a template for every cell."""

    def render(self, value: Any) -> str:
        return value.isoformat()


def iso(value: Any) -> str:
    """A date cell as ``IsoDateColumn`` renders it."""
    return value.isoformat() if value else EMPTY


def link(url: str, text: Any) -> SafeString:
    """A linkified cell as django-tables2 renders it."""
    return format_html('<a href="{}">{}</a>', url, text)


def labels(choices: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    """Value to label in the active language, translated once for a page
    rather than once a cell (``get_FOO_display`` rebuilds its map each call)."""
    return {value: str(label) for value, label in choices}


class ListTable(tables.Table):
    """A table whose body rows come from ``cells(record)``, one call a row.

    The columns still give the headers, the sort orders and the paging; only
    the body skips django-tables2's cell machinery (an accessor, a signature
    inspection and a render call for every cell), which cost half the time of
    a 50-row page. ``cells`` must return what the stock rendering shows, in
    the order of ``Meta.sequence``: tests/tracker/test_tables.py compares the
    two on every list.
    """

    def cells(self, record: Any) -> Sequence[Any]:
        raise NotImplementedError

    def body(self) -> SafeString:
        """The rows of the page, or the empty text across the table."""
        # One format string for a row: format_html escapes the cells.
        width = len(self.columns)
        row = '<tr class="{}">' + "<td>{}</td>" * width + "</tr>"
        html = "".join(
            format_html(row, "odd" if n % 2 else "even", *self.cells(bound.record))
            for n, bound in enumerate(self.paginated_rows)
        )
        if not html and self.empty_text:
            return format_html(
                '<tr><td colspan="{}">{}</td></tr>', width, self.empty_text
            )
        return mark_safe(html)
