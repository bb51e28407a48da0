from django import forms
from django.utils.translation import gettext_lazy as _

from .deadlines import registry
from .models import Category, ReminderRule


class MuteForm(forms.Form):
    """Which reminders and notices a person does not want by e-mail."""

    categories = forms.MultipleChoiceField(
        label=_("Mute whole categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kinds = forms.MultipleChoiceField(
        label=_("Mute single kinds of reminder"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [
            *((s.key, s.label) for s in registry.sources.values()),
            *((n.key, n.label) for n in registry.notices.values()),
        ]

    def muted(self) -> set[str]:
        return set(self.cleaned_data["categories"]) | set(self.cleaned_data["kinds"])


class ReminderRuleForm(forms.ModelForm):
    source = forms.ChoiceField(label=_("deadline"))

    class Meta:
        model = ReminderRule
        fields = [
            "source",
            "enabled",
            "lead_days",
            "overdue_days",
            "chief_after_days",
            "leadership_after_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [
            (s.key, f"{s.label} ({s.key})") for s in registry.sources.values()
        ]
