import datetime

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from agreements.models import Event
from tracker.forms import FIRST_YEAR, LAST_YEAR
from tracker.permissions import editable_desks
from tracker.widgets import DateInput, bootstrap


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "name_zh",
            "name_en",
            "kind",
            "starts_on",
            "ends_on",
            "place",
            "desk",
            "counterparts",
            "counterpart_organizations",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "counterparts": forms.SelectMultiple(attrs={"data-enhance": "1"}),
            "counterpart_organizations": forms.SelectMultiple(
                attrs={
                    "data-autocomplete": reverse_lazy("tracker:lookup_organizations")
                }
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = editable_desks(user)
        organizations = self.fields["counterpart_organizations"]
        # Only the chosen organisations are rendered; the rest come by search.
        chosen = self.data.getlist(self.add_prefix("counterpart_organizations"))
        if not chosen and self.instance.pk:
            chosen = self.instance.counterpart_organizations.values_list(
                "pk", flat=True
            )
        organizations.widget.choices = [
            (o.pk, str(o)) for o in organizations.queryset.filter(pk__in=list(chosen))
        ]
        bootstrap(self)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The event cannot end before it starts."))
        if not cleaned.get("name_zh") and not cleaned.get("name_en"):
            self.add_error("name_zh", _("Give the name in Chinese or English."))
        return cleaned


class DeliverableForm(forms.Form):
    """A document or a project, as "agreement:<id>" or "project:<id>"."""

    deliverable = forms.CharField(label=_("Document or project"))

    def clean_deliverable(self) -> tuple[str, int]:
        kind, _sep, pk = self.cleaned_data["deliverable"].partition(":")
        if kind not in {"agreement", "project"} or not pk.isdigit():
            raise forms.ValidationError(_("Choose a document or a project."))
        return kind, int(pk)


class MonthForm(forms.Form):
    """The month the calendar shows; today's month when none is given."""

    year = forms.IntegerField(
        label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )
    month = forms.IntegerField(
        label=_("Month"), min_value=1, max_value=12, required=False
    )

    def first_day(self, today: datetime.date) -> datetime.date:
        """The first day of the month asked for, or of today's month when the
        request is empty or invalid."""
        if not self.is_valid():
            return today.replace(day=1)
        year = self.cleaned_data["year"] or today.year
        month = self.cleaned_data["month"] or today.month
        return datetime.date(year, month, 1)

    def in_range(self, day: datetime.date) -> bool:
        return FIRST_YEAR <= day.year <= LAST_YEAR
