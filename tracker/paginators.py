"""Paging for lists whose query string anyone can type."""

from typing import Any

from django.core.paginator import EmptyPage
from django.utils.translation import gettext as _
from django_tables2.paginators import LazyPaginator


class ListPaginator(LazyPaginator):
    """LazyPaginator for query strings anyone can type: the page size stays
    within ``max_per_page`` and page numbers within what a database offset
    holds (a larger one shows the first page)."""

    max_per_page = 100
    max_page = 1_000_000

    def __init__(self, object_list: Any, per_page: int, **kwargs: Any) -> None:
        per_page = min(max(int(per_page), 1), self.max_per_page)
        super().__init__(object_list, per_page, **kwargs)

    def validate_number(self, number: Any) -> int:
        number = super().validate_number(number)
        if number > self.max_page:
            raise EmptyPage(_("That page contains no results"))
        return number
