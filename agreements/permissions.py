"""Who may do what with cooperation documents, beyond tracker.permissions."""

from __future__ import annotations

from typing import Any

from tracker.permissions import can_edit, can_view

# The account the daily job acts as; it cannot log in.
SYSTEM_USERNAME = "tracker-system"


def daily_job_only(instance: Any, user: Any) -> bool:
    """``expire`` is run by the daily job, never from the pages."""
    return getattr(user, "username", None) == SYSTEM_USERNAME and not user.is_active


def can_manage_files(user: Any, agreement: Any) -> bool:
    return can_edit(user, agreement)


def can_record_round(user: Any, agreement: Any) -> bool:
    return can_edit(user, agreement) and not agreement.is_closed


def can_download(user: Any, agreement: Any) -> bool:
    return can_view(user, agreement)
