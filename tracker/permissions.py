"""Who may see and change what: roles, desk scope and the access helper.

Officers and chiefs see their own desks' records; to them other desks' records
do not exist. Leadership, viewers and administrators see every record.
Changing a record's fields is for officers and chiefs of its desk; leadership
changes records only through transitions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from .models import Desk, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

    AnyUser = User | AnonymousUser

M = TypeVar("M", bound=models.Model)

GLOBAL_READERS = frozenset({Role.LEADERSHIP, Role.VIEWER, Role.ADMINISTRATOR})
DESK_EDITORS = frozenset({Role.DESK_OFFICER, Role.DIVISION_CHIEF})


def user_roles(user: AnyUser) -> frozenset[str]:
    """The user's role names, read once per user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_tracker_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._tracker_roles = cached
    return cached


def has_role(user: AnyUser, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_leadership(user: AnyUser) -> bool:
    return has_role(user, Role.LEADERSHIP)


def user_desk_ids(user: AnyUser) -> frozenset[int]:
    """Desks the user belongs to as member or chief, read once per user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_tracker_desk_ids", None)
    if cached is None:
        cached = frozenset(
            Desk.objects.filter(models.Q(members=user) | models.Q(chief=user))
            .values_list("id", flat=True)
            .distinct()
        )
        user._tracker_desk_ids = cached
    return cached


def sees_all_desks(user: AnyUser) -> bool:
    return user.is_authenticated and (
        user.is_superuser or bool(user_roles(user) & GLOBAL_READERS)
    )


def can_view_desk(user: AnyUser, desk_id: int | None) -> bool:
    return sees_all_desks(user) or (
        desk_id is not None and desk_id in user_desk_ids(user)
    )


def can_edit_desk(user: AnyUser, desk_id: int | None) -> bool:
    return (
        bool(user_roles(user) & DESK_EDITORS)
        and desk_id is not None
        and desk_id in user_desk_ids(user)
    )


def can_view(user: AnyUser, obj: Any) -> bool:
    return can_view_desk(user, obj.desk_id)


def can_edit(user: AnyUser, obj: Any) -> bool:
    return can_edit_desk(user, obj.desk_id)


def can_create(user: AnyUser) -> bool:
    """Officers and chiefs create records, for their own desks only."""
    return bool(user_roles(user) & DESK_EDITORS) and bool(user_desk_ids(user))


def editable_desks(user: AnyUser) -> models.QuerySet[Desk]:
    if not user_roles(user) & DESK_EDITORS:
        return Desk.objects.none()
    return Desk.objects.filter(id__in=user_desk_ids(user))


class DeskScopedQuerySet(models.QuerySet):
    """QuerySet of records that belong to one desk each."""

    desk_lookup = "desk_id"

    def visible_to(self, user: AnyUser) -> DeskScopedQuerySet:
        if sees_all_desks(user):
            return self
        return self.filter(**{f"{self.desk_lookup}__in": user_desk_ids(user)})


def get_for_user(
    queryset: models.QuerySet[M], user: AnyUser, *, write: bool = False, **lookup
) -> M:
    """Fetch one desk-scoped record and authorise in one step.

    404 when the user may not see it (its existence is not revealed); 403 when
    the user may see it but ``write`` is asked and the user may not change it.
    """
    try:
        obj = queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
    if not can_view(user, obj):
        raise Http404
    if write and not can_edit(user, obj):
        raise PermissionDenied
    return obj
