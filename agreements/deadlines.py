"""Deadlines, notices and the daily job of cooperation documents and events,
registered with the reminder service."""

import datetime

from django.db.models import Exists, F, IntegerField, OuterRef, Q, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracker.permissions import can_edit
from workflows.deadlines import (
    Category,
    daily_job,
    deadline_source,
    leadership_users,
    transition_notice,
)

from .models import Agreement, Event, NegotiationRound
from .services import agreements_expire_due

State = Agreement.State

# Documents whose signing is still being worked towards; suspended ones wait.
WORKING_STATES = (
    State.DRAFTING,
    State.NEGOTIATING,
    State.AGREED,
    State.APPROVAL,
    State.READY,
)
NOT_READY_STATES = (
    State.DRAFTING,
    State.NEGOTIATING,
    State.AGREED,
    State.APPROVAL,
    State.SUSPENDED,
)


@daily_job("agreements.expire")
def expire_due(today: datetime.date) -> int:
    """Documents in force past their expiry date move on (expire, or start
    their next term when they renew tacitly) before reminders are looked
    for, so no reminder is about a date already gone by. Safe to run more
    than once a day: a document moved on is no longer due."""
    return len(agreements_expire_due(today=today))


def _responsible(queryset, prefix: str = ""):
    return queryset.annotate(
        due_officer_id=F(f"{prefix}officer_id"), due_desk_id=F(f"{prefix}desk_id")
    )


@deadline_source(
    "agreements.target_signing",
    category=Category.DOCUMENTS,
    label=_("Target signing date"),
)
def target_signing(today: datetime.date):
    return _responsible(
        Agreement.objects.filter(state__in=WORKING_STATES).annotate(
            due_on=F("target_signing_date")
        )
    )


@deadline_source(
    "agreements.next_round",
    category=Category.DOCUMENTS,
    label=_("Next negotiation round"),
    title=lambda round_: str(round_.agreement),
    url=lambda round_: round_.agreement.get_absolute_url(),
)
def next_round(today: datetime.date):
    """The next round planned at the latest round of a document still under
    negotiation; a later round, once recorded, replaces it."""
    later = NegotiationRound.objects.filter(agreement=OuterRef("agreement")).filter(
        Q(held_on__gt=OuterRef("held_on"))
        | Q(held_on=OuterRef("held_on"), id__gt=OuterRef("id"))
    )
    return _responsible(
        NegotiationRound.objects.filter(
            agreement__state__in=(State.DRAFTING, State.NEGOTIATING, State.AGREED)
        )
        .filter(~Exists(later))
        .select_related("agreement")
        .annotate(due_on=F("next_round_on")),
        prefix="agreement__",
    )


def _in_force():
    """Documents in force and not superseded by a renewal now in force."""
    successor = Agreement.objects.filter(
        parent=OuterRef("pk"),
        parent_relation=Agreement.Relation.SUPERSEDES,
        state=State.IN_FORCE,
    )
    return Agreement.objects.filter(state=State.IN_FORCE).filter(~Exists(successor))


@deadline_source(
    "agreements.expiry",
    category=Category.DOCUMENTS,
    label=_("Expiry date"),
    lead_days=(90, 30, 7),
)
def expiry(today: datetime.date):
    """A document that renews tacitly is never overdue: past its date it is
    in its next term (the daily job moves the date on)."""
    return _responsible(
        _in_force()
        .filter(Q(renewal=Agreement.Renewal.NONE) | Q(expires_on__gte=today))
        .annotate(due_on=F("expires_on"))
    )


@deadline_source(
    "agreements.notice_deadline",
    category=Category.DOCUMENTS,
    label=_("Last date to give notice"),
    lead_days=(60, 30, 7, 1),
)
def notice_deadline(today: datetime.date):
    """The last date to give notice that stops a tacit renewal. A document
    that does not renew (or no longer does, notice having been given) ends
    at its expiry without notice. Once the date has passed there is nothing
    left to do: not overdue."""
    return _responsible(
        _in_force()
        .filter(renewal=Agreement.Renewal.TACIT, notice_deadline__gte=today)
        .annotate(due_on=F("notice_deadline"))
    )


@deadline_source(
    "agreements.event",
    category=Category.EVENTS,
    label=_("Event with documents not ready for signing"),
    url=lambda event: reverse("events:detail", args=[event.pk]),
)
def event_readiness(today: datetime.date):
    """Events still to come while a document targeted for signing there is not
    ready; the desk chief is responsible."""
    unready = Agreement.objects.filter(
        target_event=OuterRef("pk"), state__in=NOT_READY_STATES
    )
    return Event.objects.filter(Exists(unready), starts_on__gte=today).annotate(
        due_on=F("starts_on"),
        due_officer_id=Value(None, output_field=IntegerField()),
        due_desk_id=F("desk_id"),
    )


@transition_notice(
    "agreements.submitted",
    model=Agreement,
    transitions=["submit_for_approval"],
    category=Category.DOCUMENTS,
    label=_("Awaiting your approval"),
)
def submitted_for_approval(agreement: Agreement, log):
    return leadership_users()


def _officer(agreement: Agreement, log):
    """The officer, while still one who may act on the document."""
    officer = agreement.officer
    return (
        [officer]
        if officer and officer.is_active and can_edit(officer, agreement)
        else []
    )


transition_notice(
    "agreements.approved",
    model=Agreement,
    transitions=["approve"],
    category=Category.DOCUMENTS,
    label=_("Approved for signing"),
)(_officer)
transition_notice(
    "agreements.rejected",
    model=Agreement,
    transitions=["reject"],
    category=Category.DOCUMENTS,
    label=_("Not approved, back to negotiation"),
)(_officer)
