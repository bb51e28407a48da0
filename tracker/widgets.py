"""Form widgets and Bootstrap styling shared by every app's forms and filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.DateInput):
    """A native date picker. The value is always ISO: the browser accepts no
    other, whatever the active language's date format."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AutocompleteSelect(forms.Select):
    """A select that renders only its chosen options; the others are searched
    through ``url`` by static/js/tracker.js, so no page lists thousands.

    Set ``widget.choices = field.choices`` after the field's queryset is final.
    """

    def __init__(self, url: Any, attrs: dict | None = None) -> None:
        self.url = url
        super().__init__(attrs=attrs)

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        attrs = {**(attrs or {}), "data-autocomplete": str(self.url)}
        return super().get_context(name, value, attrs)

    def optgroups(self, name: str, value: list, attrs: dict | None = None) -> list:
        chosen = [v for v in value if v not in (None, "")]
        groups = []
        if not self.allow_multiple_selected:
            groups.append((None, [self.create_option(name, "", "", False, 0)], 0))
        queryset = getattr(self.choices, "queryset", None)
        if chosen and queryset is not None:
            # Typed or forged values that are not keys show nothing; the
            # field's own validation reports them.
            pk_field = queryset.model._meta.pk
            valid = []
            for candidate in chosen:
                try:
                    valid.append(pk_field.to_python(candidate))
                except ValidationError:
                    continue
            for index, obj in enumerate(queryset.filter(pk__in=valid), start=1):
                option = self.create_option(name, str(obj.pk), str(obj), True, index)
                groups.append((None, [option], index))
        return groups


class AutocompleteSelectMultiple(AutocompleteSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def format_value(self, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, (list, tuple)):
            value = [value]
        return [str(v) for v in value if v is not None]


def bootstrap(form: forms.BaseForm, *, small: bool = False) -> None:
    """Give every widget of ``form`` its Bootstrap class, unless it has one;
    ``small`` for the compact controls of a filter bar."""
    size = " form-select-sm" if small else ""
    control = " form-control-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", f"form-select{size}")
        else:
            widget.attrs.setdefault("class", f"form-control{control}")
