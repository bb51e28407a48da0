"""Audit history as people read it.

django-simple-history reports a change as a field name with its old and new
raw values: choice codes and related records' ids. These helpers turn them
into the field's label, choice labels and the related records' names, with
one query per related model however long the history.

A change here is a plain ``(field name, old, new)`` tuple, as made from a
simple-history ``ModelChange`` (``(c.field, c.old, c.new)``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

EMPTY = "—"

Change = tuple[str, Any, Any]
Names = dict[tuple[type[models.Model], Any], str]


def change_values(changes: Iterable[Change]) -> list[tuple[str, Any]]:
    """(field name, value) of every old and new value of ``changes``."""
    return [(name, value) for name, old, new in changes for value in (old, new)]


def related_names(
    model: type[models.Model], values: Iterable[tuple[str, Any]], user: Any
) -> Names:
    """Names of the records that ``values`` (field of ``model``, value) point
    at, by (related model, pk); of a desk-scoped model, only the records
    ``user`` may see."""
    wanted: dict[type[models.Model], set[Any]] = {}
    for name, value in values:
        field = model._meta.get_field(name)
        if field.is_relation and value is not None:
            wanted.setdefault(field.related_model, set()).add(value)
    names: Names = {}
    for related, ids in wanted.items():
        queryset = related._default_manager.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(user)
        for pk, obj in queryset.in_bulk(list(ids)).items():
            names[(related, pk)] = str(obj)
    return names


def show(model: type[models.Model], name: str, value: Any, names: Names) -> str:
    """One value of field ``name`` of ``model`` as people read it."""
    if value in (None, ""):
        return EMPTY
    field = model._meta.get_field(name)
    if field.is_relation:
        return names.get((field.related_model, value), str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def readable_changes(
    model: type[models.Model], changes: Iterable[Change], names: Names
) -> list[tuple[str, str, str]]:
    """(field label, old, new) of each change, for people to read."""
    return [
        (
            str(model._meta.get_field(name).verbose_name),
            show(model, name, old, names),
            show(model, name, new, names),
        )
        for name, old, new in changes
    ]
