"""Predicates for the ``permission=`` of FSM transitions on desk records.

Each takes ``(instance, user)`` as django-fsm calls them.
"""

from typing import Any

from tracker.permissions import can_edit, is_leadership


def desk_editor_or_leadership(instance: Any, user: Any) -> bool:
    """Officers and chiefs of the record's desk, and leadership."""
    return is_leadership(user) or can_edit(user, instance)


def leadership_only(instance: Any, user: Any) -> bool:
    return is_leadership(user)
