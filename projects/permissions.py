"""Who may do what with projects, beyond the desk scope in tracker.permissions."""

from typing import Any

from tracker.models import Role
from tracker.permissions import has_role, is_leadership


def can_import(user: Any) -> bool:
    """Importing AidData records is for administrators."""
    return user.is_authenticated and (
        user.is_superuser or has_role(user, Role.ADMINISTRATOR)
    )


def can_rebaseline(user: Any, project: Any) -> bool:
    """Only leadership moves a milestone's baseline."""
    return is_leadership(user)
