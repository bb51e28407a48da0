import datetime
import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.jinja2 import Template as Jinja2Template
from django.test import RequestFactory
from django.urls import reverse
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


@pytest.mark.django_db
@pytest.mark.parametrize("make", ["documents", "projects", "document form"])
def test_widgets_render_through_jinja2_with_the_template_languages_markup(make, leader):
    from agreements.filters import AgreementFilter
    from agreements.forms import AgreementForm
    from projects.filters import ProjectFilter

    data = {"state": ["negotiating"], "signed_year": "x", "title_en": "<b>"}
    form = {
        "documents": lambda: AgreementFilter(data, request=_request(leader)).form,
        "projects": lambda: ProjectFilter(data, request=_request(leader)).form,
        "document form": lambda: AgreementForm(data, user=leader),
    }[make]()
    form.is_valid()
    template_language = DjangoTemplates()
    for field in form:
        html = field.as_widget() + str(field.errors)
        assert isinstance(
            form.renderer.get_template(field.field.widget.template_name),
            Jinja2Template,
        )
        form.renderer = template_language
        expected = field.as_widget() + str(field.errors)
        form.renderer = get_default_renderer()
        assert _squeezed(html) == _squeezed(expected)


@pytest.mark.django_db
def test_the_admins_own_widgets_still_render_with_the_template_language(
    superuser_client, officer
):
    """They exist for it only, and include Django's template-language ones."""
    assert not isinstance(
        get_default_renderer().get_template(
            "admin/widgets/related_widget_wrapper.html"
        ),
        Jinja2Template,
    )
    response = superuser_client.get(
        reverse("admin:tracker_user_change", args=[officer.pk])
    )
    assert response.status_code == 200
    assert b'class="related-widget-wrapper"' in response.content


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _squeezed(html):
    return re.sub(r">\s+<", "><", " ".join(html.split()))
