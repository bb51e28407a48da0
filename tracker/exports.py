"""Lists downloaded as CSV or XLSX, safe to open in a spreadsheet program."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import tablib
from django.http import HttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value: Any) -> Any:
    """Keep a spreadsheet from running a text cell as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export_response(
    *, headers: Sequence[Any], rows: Iterable[Sequence[Any]], fmt: str, filename: str
) -> HttpResponse:
    """``rows`` as a download in ``fmt`` (a key of EXPORT_FORMATS), every text
    cell neutralised; CSV starts with a byte-order mark so Excel reads UTF-8."""
    dataset = tablib.Dataset(headers=[str(header) for header in headers])
    for row in rows:
        dataset.append([neutralise(cell) for cell in row])
    body = dataset.export(fmt)
    if isinstance(body, str):
        body = body.encode("utf-8-sig")
    response = HttpResponse(body, content_type=EXPORT_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def export_queryset(view: Any) -> Any:
    """The whole list a SingleTableMixin + FilterView shows, filtered and sorted
    as on screen but not cut into pages; nothing when the filters are invalid."""
    view.filterset = view.get_filterset(view.get_filterset_class())
    filterset = view.filterset
    valid = not filterset.is_bound or filterset.is_valid()
    queryset = filterset.qs if valid else filterset.queryset.none()
    # The table applies the list's sort to the queryset it holds.
    table = view.table_class(queryset, order_by=view.request.GET.get("sort"))
    return table.data.data
