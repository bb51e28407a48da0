from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from tracker.models import Country, Desk, Region
from tracker.widgets import AutocompleteSelect, bootstrap

from .models import SLIPPAGE_BUCKETS, Project, Rag, Sector, slippage_bucket

YES_NO = [("true", _("Yes")), ("false", _("No"))]


class Health(django_filters.ChoiceFilter):
    """Latest RAG, no report yet, or a milestone slipping against its baseline."""

    NONE = "none"
    SLIPPING = "slipping"

    def filter(self, qs: Any, value: str) -> Any:
        if not value:
            return qs
        if value == self.NONE:
            return qs.filter(latest_rag__isnull=True)
        if value == self.SLIPPING:
            return qs.filter(worst_slippage_days__gt=0)
        return qs.filter(latest_rag=value)


def _boolean(label: str, field: str) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(
        field_name=field,
        label=label,
        widget=forms.Select(
            choices=[("", "---------"), *YES_NO], attrs={"class": "form-select"}
        ),
    )


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("Name or AidData ID")}
        ),
    )
    # Several statuses at once (the dashboard's active projects); a column of
    # the project itself, so no DISTINCT.
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Project.Status.choices,
        distinct=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=Country.objects.all(),
        widget=AutocompleteSelect(reverse_lazy("tracker:lookup_countries")),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"), field_name="country__region", choices=Region.choices
    )
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices)
    desk = django_filters.ModelChoiceFilter(
        label=_("Desk"), queryset=Desk.objects.all()
    )
    health = Health(
        label=_("Health"),
        choices=[
            *Rag.choices,
            (Health.NONE, _("No report yet")),
            (Health.SLIPPING, _("Milestones slipping")),
        ],
    )
    slippage = django_filters.ChoiceFilter(
        label=_("Worst milestone slippage"),
        choices=[(key, label) for key, label, *_bounds in SLIPPAGE_BUCKETS],
        method="slipped",
    )
    stale = _boolean(_("Stale (no report for 30 days)"), "is_stale")
    flagship = _boolean(_("Flagship"), "flagship")
    overdue = _boolean(_("Overdue milestones"), "has_overdue_milestone")

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self.form)

    def search(self, queryset: Any, name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return queryset
        condition = Q(name_en__icontains=value) | Q(name_zh__icontains=value)
        if value.isdigit():
            condition |= Q(aiddata_record_id=int(value))
        return queryset.filter(condition)

    def slipped(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(slippage_bucket(value)) if value else queryset
