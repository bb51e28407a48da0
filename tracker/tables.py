"""Shared django-tables2 columns."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables


class IsoDateColumn(tables.Column):
    """A date as YYYY-MM-DD. ``DateColumn`` compiles a template for every cell."""

    def render(self, value: Any) -> str:
        return value.isoformat()

    def value(self, value: Any) -> str:
        return value.isoformat() if value else ""
