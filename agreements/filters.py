from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tracker.models import Country, Desk, Organization, Region
from tracker.widgets import AutocompleteSelect, DateInput, bootstrap

from .forms import lookup
from .models import Agreement, AgreementParty

FIRST_YEAR, LAST_YEAR = 1900, 2100


class YearFilter(django_filters.NumberFilter):
    """A whole year within the years documents are signed in: anything else
    is a message on the filter bar, never a date the database cannot hold."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        message = format_lazy(
            _("Enter a year from {first} to {last}."), first=FIRST_YEAR, last=LAST_YEAR
        )
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        kwargs.setdefault(
            "error_messages",
            {"invalid": message, "min_value": message, "max_value": message},
        )
        kwargs.setdefault(
            "widget", forms.NumberInput(attrs={"min": FIRST_YEAR, "max": LAST_YEAR})
        )
        super().__init__(*args, **kwargs)


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Title, Chinese or English")}),
    )
    state = django_filters.MultipleChoiceFilter(
        label=_("State"),
        choices=Agreement.State.choices,
        # A column of the document itself cannot repeat rows; DISTINCT would
        # sort every matching document before the page is cut.
        distinct=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Agreement.Kind.choices)
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=Country.objects.all(),
        method="filter_country",
        widget=AutocompleteSelect(reverse_lazy("tracker:lookup_countries")),
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organization.objects.all(),
        method="filter_organization",
        widget=AutocompleteSelect(reverse_lazy("tracker:lookup_organizations")),
    )
    desk = django_filters.ModelChoiceFilter(
        label=_("Desk"), queryset=Desk.objects.all()
    )
    officer = django_filters.ModelChoiceFilter(
        label=_("Officer"),
        queryset=get_user_model().objects.all(),
        widget=AutocompleteSelect(lookup("officers")),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"), choices=Region.choices, method="filter_region"
    )
    signed_year = YearFilter(
        label=_("Year signed"), field_name="signed_on", lookup_expr="year"
    )
    target_after = django_filters.DateFilter(
        label=_("Target date from"),
        field_name="target_signing_date",
        lookup_expr="gte",
        widget=DateInput(),
    )
    target_before = django_filters.DateFilter(
        label=_("Target date to"),
        field_name="target_signing_date",
        lookup_expr="lte",
        widget=DateInput(),
    )

    class Meta:
        model = Agreement
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("country", "organization", "officer"):
            field = self.form.fields[name]
            field.widget.choices = field.choices
        bootstrap(self.form, small=True)

    def search(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.search(value)

    def filter_country(self, queryset: Any, name: str, value: Any) -> Any:
        if value is None:
            return queryset
        return queryset.filter(
            pk__in=AgreementParty.objects.filter(country=value).values("agreement_id")
        )

    def filter_region(self, queryset: Any, name: str, value: str) -> Any:
        if not value:
            return queryset
        parties = AgreementParty.objects.filter(
            side=AgreementParty.Side.COUNTERPART, country__region=value
        )
        return queryset.filter(pk__in=parties.values("agreement_id"))

    def filter_organization(self, queryset: Any, name: str, value: Any) -> Any:
        if value is None:
            return queryset
        parties = AgreementParty.objects.filter(
            Q(organization=value) | Q(signing_agency=value)
        )
        return queryset.filter(pk__in=parties.values("agreement_id"))
