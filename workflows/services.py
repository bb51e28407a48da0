"""Running FSM transitions with permission checks and an audit row."""

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .models import TransitionLog


def _meta(instance: models.Model, transition: str):
    method = getattr(instance, transition, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise ValueError(f"{type(instance).__name__} has no transition {transition!r}")
    field = meta.field
    field_name = field if isinstance(field, str) else field.name
    return method, meta, field_name


def transition_allowed(instance: models.Model, transition: str, user: Any) -> bool:
    """Whether the user may run the transition from the record's current state.

    Conditions (guards) are not checked: a button for a transition whose guard
    fails is still offered, and its form says what is missing.
    """
    _method, meta, field_name = _meta(instance, transition)
    state = getattr(instance, field_name)
    return meta.has_transition(state) and meta.has_transition_perm(
        instance, state, user
    )


def transitions_for_user(
    instance: models.Model, names: Iterable[str], user: Any
) -> list[str]:
    return [name for name in names if transition_allowed(instance, name, user)]


def transition_run(
    *,
    instance: models.Model,
    transition: str,
    by: Any,
    comment: str = "",
    guard: Callable[[], dict[str, str]] | None = None,
) -> TransitionLog:
    """Run one transition as ``by``; save the record and log it atomically.

    Fields the transition needs (a signing date, say) are set on ``instance``
    by the caller beforehand and saved with the new state.

    Raises PermissionDenied when ``by`` may not run it, ValidationError when the
    current state does not allow it or ``guard`` reports missing fields (a dict
    of field name to message), and django_fsm.ConcurrentTransition when another
    session changed the state first. In every failure nothing is saved.
    """
    method, meta, field_name = _meta(instance, transition)
    source = getattr(instance, field_name)
    if not meta.has_transition(source):
        raise ValidationError(
            _("This action is not possible while the record is “%(state)s”.")
            % {"state": _display(instance, field_name)}
        )
    if not meta.has_transition_perm(instance, source, by):
        raise PermissionDenied
    errors = guard() if guard else {}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        method()
        instance.save()
        log = TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(instance),
            object_id=instance.pk,
            transition=transition,
            source=source,
            target=getattr(instance, field_name),
            by=by,
            comment=comment,
        )
        transaction.on_commit(
            partial(
                _kick_notices,
                log_id=log.pk,
                model=instance._meta.label_lower,
                transition=transition,
            ),
            robust=True,
        )
        return log


def _kick_notices(**kwargs: Any) -> None:
    from .notices import notices_kick

    notices_kick(**kwargs)


def _display(instance: models.Model, field_name: str) -> str:
    getter = getattr(instance, f"get_{field_name}_display", None)
    return str(getter()) if getter else str(getattr(instance, field_name))
