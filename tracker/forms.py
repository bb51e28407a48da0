from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "language"]
        labels = {"language": _("Interface language")}
