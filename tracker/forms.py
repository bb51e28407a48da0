import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User
from .widgets import DateInput, bootstrap

# The years a calendar or a brief may be asked for: beyond them lie typing
# mistakes, and dates that Python's calendar arithmetic cannot reach.
FIRST_YEAR, LAST_YEAR = 1900, 2100


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "language"]
        labels = {"language": _("Interface language")}


class BriefForm(forms.Form):
    """The period a brief covers: the last week, a calendar month, or any range,
    within the years FIRST_YEAR–LAST_YEAR."""

    PERIODS = (
        ("week", _("Last 7 days")),
        ("month", _("Month")),
        ("custom", _("Custom")),
    )

    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, initial="month")
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("For a monthly brief, e.g. 2026-11."),
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        bootstrap(self)

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        if period == "week":
            cleaned["start"] = self.today - datetime.timedelta(days=6)
            cleaned["end"] = self.today
        elif period == "month":
            raw = cleaned.get("month") or self.today.strftime("%Y-%m")
            try:
                year, month = (int(part) for part in raw.split("-"))
                if not self._year_in_range("month", year):
                    return cleaned
                first = datetime.date(year, month, 1)
            except ValueError:
                self.add_error("month", _("Give the month as YYYY-MM."))
                return cleaned
            following = (first + datetime.timedelta(days=32)).replace(day=1)
            cleaned["start"] = first
            cleaned["end"] = following - datetime.timedelta(days=1)
        elif period == "custom":
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start:
                self.add_error("start", _("Give the first day of the period."))
            if not end:
                self.add_error("end", _("Give the last day of the period."))
            if start and not self._year_in_range("start", start.year):
                start = None
            if end and not self._year_in_range("end", end.year):
                end = None
            if start and end and end < start:
                self.add_error("end", _("The period cannot end before it starts."))
            if start and end and (end - start).days > 366 * 2:
                self.add_error("end", _("A brief covers at most two years."))
        return cleaned

    def _year_in_range(self, field: str, year: int) -> bool:
        if FIRST_YEAR <= year <= LAST_YEAR:
            return True
        self.add_error(
            field,
            _("Choose a year from %(first)d to %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
        return False
