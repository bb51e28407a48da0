"""Who may do what with cooperation documents, beyond tracker.permissions."""

from __future__ import annotations

from typing import Any

from tracker.permissions import can_edit, can_view
from workflows.permissions import desk_editor_or_leadership

# The account the daily job acts as; it cannot log in.
SYSTEM_USERNAME = "tracker-system"


def daily_job_only(instance: Any, user: Any) -> bool:
    """``expire`` is run by the daily job, never from the pages."""
    return getattr(user, "username", None) == SYSTEM_USERNAME and not user.is_active


def desk_editor_leadership_or_daily_job(instance: Any, user: Any) -> bool:
    """``renew``: the desk and leadership; the daily job for tacit renewals."""
    return desk_editor_or_leadership(instance, user) or daily_job_only(instance, user)


def can_manage_files(user: Any, agreement: Any) -> bool:
    return can_edit(user, agreement)


def can_record_round(user: Any, agreement: Any) -> bool:
    return can_edit(user, agreement) and not agreement.is_closed


def can_download(user: Any, agreement: Any) -> bool:
    return can_view(user, agreement)
