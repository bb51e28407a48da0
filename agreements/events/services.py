"""Changes to events and their deliverables."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from agreements.models import Agreement, Event
from tracker.permissions import can_edit


@transaction.atomic
def event_deliverable_set(
    *,
    event: Event | None,
    by: Any,
    agreement: Agreement | None = None,
    project: Any = None,
) -> None:
    """Target a document for signing at ``event``, or a project for launch there
    (``event=None`` removes it). The user must be able to change both sides.
    If another user changed the record's state since it was read, it raises
    ``django_fsm.ConcurrentTransition`` and nothing is saved.
    """
    record = agreement if agreement is not None else project
    if record is None:
        raise ValueError("a document or a project is needed")
    if not can_edit(by, record) or (event is not None and not can_edit(by, event)):
        raise PermissionDenied
    if agreement is not None:
        agreement.target_event = event
        agreement.save(update_fields=["target_event", "updated_at"])
    else:
        project.launch_event = event
        project.save(update_fields=["launch_event", "updated_at"])
