import datetime

from django import forms
from django.utils import translation

from tracker.widgets import DateInput, bootstrap


def test_it_renders_dates_as_iso_in_every_language():
    widget = DateInput()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = widget.render("on", datetime.date(2026, 1, 2))
        assert 'type="date"' in html
        assert 'value="2026-01-02"' in html


class _Form(forms.Form):
    text = forms.CharField()
    choice = forms.ChoiceField(choices=[("a", "A")])
    flag = forms.BooleanField(required=False)
    styled = forms.CharField(widget=forms.TextInput(attrs={"class": "mine"}))


def test_it_gives_each_widget_its_bootstrap_class_unless_it_has_one():
    form = _Form()
    bootstrap(form)
    classes = {name: field.widget.attrs["class"] for name, field in form.fields.items()}
    assert classes == {
        "text": "form-control",
        "choice": "form-select",
        "flag": "form-check-input",
        "styled": "mine",
    }
    small = _Form()
    bootstrap(small, small=True)
    assert small.fields["text"].widget.attrs["class"] == "form-control form-control-sm"
    assert small.fields["choice"].widget.attrs["class"] == "form-select form-select-sm"


def test_it_answers_garbage_in_a_search_as_you_type_filter_without_an_error(
    leader_client,
):
    from django.urls import reverse

    response = leader_client.get(reverse("agreements:list"), {"officer": "abc"})
    assert response.status_code == 200
