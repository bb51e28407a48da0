from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Event
from tracker.models import Desk, Organization
from tracker.permissions import editable_desks
from tracker.selectors import desk_people
from tracker.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    DateInput,
    bootstrap,
)

from .models import Milestone, ProgressLog, Project, ProjectOrganization

COUNTRY_LOOKUP = reverse_lazy("tracker:lookup_countries")
ORGANIZATION_LOOKUP = reverse_lazy("tracker:lookup_organizations")
AGREEMENT_LOOKUP = reverse_lazy("projects:lookup_agreements")
EVENT_LOOKUP = reverse_lazy("projects:lookup_events")


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "name_en",
            "name_zh",
            "description",
            "country",
            "sector",
            "desk",
            "officer",
            "flagship",
            "amount",
            "currency",
            "amount_usd",
            "committed_on",
            "planned_start",
            "actual_start",
            "planned_completion",
            "actual_completion",
            "agreements",
            "launch_event",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "committed_on": DateInput(),
            "planned_start": DateInput(),
            "actual_start": DateInput(),
            "planned_completion": DateInput(),
            "actual_completion": DateInput(),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        desks = editable_desks(user)
        self.fields["desk"].queryset = desks
        self.fields["officer"].queryset = desk_people(desks)
        self.fields["country"].widget = AutocompleteSelect(COUNTRY_LOOKUP)
        self.fields["country"].widget.choices = self.fields["country"].choices
        # Only documents and events the user may see can be linked.
        agreements = self.fields["agreements"]
        agreements.queryset = Agreement.objects.visible_to(user)
        agreements.widget = AutocompleteSelectMultiple(AGREEMENT_LOOKUP)
        agreements.widget.choices = agreements.choices
        agreements.help_text = _("The cooperation documents that underpin it.")
        event = self.fields["launch_event"]
        event.queryset = Event.objects.visible_to(user)
        event.widget = AutocompleteSelect(EVENT_LOOKUP)
        event.widget.choices = event.choices
        bootstrap(self)

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Actual dates record what has happened (as the transitions do).
        for name in ("actual_start", "actual_completion"):
            value = cleaned.get(name)
            if value and value > timezone.localdate():
                self.add_error(name, _("The date cannot be in the future."))
        return cleaned


class ProgressLogForm(forms.ModelForm):
    class Meta:
        model = ProgressLog
        fields = [
            "reported_on",
            "percent_complete",
            "rag",
            "summary",
            "issues",
            "next_steps",
        ]
        widgets = {
            "reported_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "issues": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["reported_on"].initial = timezone.localdate()
        self.fields["percent_complete"].widget.attrs.update({"min": 0, "max": 100})
        bootstrap(self)

    def clean_reported_on(self):
        value = self.cleaned_data["reported_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A report cannot be dated in the future."))
        return value


class ProgressLogCorrectionForm(ProgressLogForm):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=100,
        help_text=_("Kept with the earlier version in the project's history."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "baseline_date", "forecast_date", "owner"]
        widgets = {"baseline_date": DateInput(), "forecast_date": DateInput()}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = desk_people([project.desk_id])
        self.fields["forecast_date"].help_text = _(
            "The current estimate; leave empty to use the baseline."
        )
        bootstrap(self)


class MilestoneUpdateForm(forms.ModelForm):
    """Everything but the baseline, which only leadership re-baselines."""

    class Meta:
        model = Milestone
        fields = ["title", "forecast_date", "actual_date", "owner"]
        widgets = {"forecast_date": DateInput(), "actual_date": DateInput()}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = desk_people([project.desk_id])
        bootstrap(self)


class RebaselineForm(forms.Form):
    baseline_date = forms.DateField(label=_("New baseline date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment or reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    on = forms.DateField(label=_("Date"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


class OrganizationRoleForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.all()
    )
    role = forms.ChoiceField(label=_("Role"), choices=ProjectOrganization.Role.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.widget = AutocompleteSelect(ORGANIZATION_LOOKUP)
        field.widget.choices = field.choices
        bootstrap(self)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("AidData file (CSV or XLSX)"),
        help_text=_(
            "Global Chinese Development Finance 3.0 layout; the column order does "
            "not matter."
        ),
    )
    desk = forms.ModelChoiceField(
        label=_("Desk"),
        queryset=Desk.objects.all(),
        required=False,
        empty_label=_("The desk of each country's region"),
        help_text=_("Desk for new projects."),
    )
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows and import the rest"), required=False
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check and report, save nothing"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload
