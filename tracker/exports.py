"""Lists downloaded as CSV or XLSX, safe to open in a spreadsheet program."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import tablib
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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


class ExportMixin:
    """``?_export=csv`` or ``xlsx`` on a SingleTableMixin + FilterView list: the
    whole list, filtered and sorted as on screen but not cut into pages (nothing
    when the filters are invalid). The page gets ``export_query``, its query
    string without the page number, for the export links."""

    export_headers: Sequence[Any] = ()
    export_filename = "export"

    def export_rows(self, queryset: Any) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = request.GET.get("_export")
        if fmt not in EXPORT_FORMATS:
            return super().get(request, *args, **kwargs)
        self.filterset = self.get_filterset(self.get_filterset_class())
        valid = not self.filterset.is_bound or self.filterset.is_valid()
        queryset = self.filterset.qs if valid else self.filterset.queryset.none()
        # The table applies the list's sort to the queryset it holds.
        table = self.table_class(queryset, order_by=request.GET.get("sort"))
        stamp = timezone.localdate().isoformat()
        return export_response(
            headers=self.export_headers,
            rows=self.export_rows(table.data.data),
            fmt=fmt,
            filename=f"{self.export_filename}-{stamp}",
        )

    def get_context_data(self, **kwargs: Any) -> dict:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("_export", None)
        context["export_query"] = query.urlencode()
        return context
