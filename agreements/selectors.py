"""Reads for the document pages: the list, the detail and its timeline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.history import (
    EMPTY,
    change_values,
    readable_changes,
    related_names,
    show,
)
from tracker.permissions import can_edit, sees_all_desks, user_desk_ids
from workflows.models import TransitionLog
from workflows.services import transitions_for_user

from .models import Agreement, AgreementFile, AgreementParty, NegotiationRound
from .permissions import can_manage_files, can_record_round

# Changes to these are shown by the transition log, or are bookkeeping.
HIDDEN_HISTORY_FIELDS = frozenset({"state", "created_at", "updated_at"})
# What the timeline says of a party, by its history's kind of change.
PARTY_TITLES = {
    "+": _("Party added: %(party)s"),
    "~": _("Party changed: %(party)s"),
    "-": _("Party removed: %(party)s"),
}
PARTY_HISTORY_FIELDS = (
    "country",
    "organization",
    "signing_agency",
    "signatory_name",
    "signatory_title",
)
# A party is named after its organisation, else its country.
PARTY_NAMED_BY = ("organization", "country")
# Transitions no person runs from the pages.
AUTOMATIC_TRANSITIONS = frozenset({"expire"})


def agreement_list(*, user: Any) -> QuerySet[Agreement]:
    """Documents the user may see, with what the list shows, in one query
    plus one for the parties of the page's rows."""
    return (
        Agreement.objects.visible_to(user)
        .select_related("desk", "officer", "target_event")
        .prefetch_related(
            Prefetch(
                "parties",
                # By id, which within a document is the default order (the
                # side is fixed), without the default's join to documents.
                queryset=AgreementParty.objects.filter(
                    side=AgreementParty.Side.COUNTERPART
                )
                .select_related("country", "organization")
                .order_by("id"),
                to_attr="counterparts",
            )
        )
        .order_by("-updated_at", "-id")
    )


def agreement_for_detail() -> QuerySet[Agreement]:
    return Agreement.objects.select_related("desk", "officer", "target_event", "parent")


@dataclass
class TimelineEntry:
    at: datetime.datetime | datetime.date
    kind: str  # transition, round, edit
    by: Any = None
    title: str = ""
    comment: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    obj: Any = None

    @property
    def sort_key(self) -> datetime.datetime:
        if isinstance(self.at, datetime.datetime):
            return self.at
        return datetime.datetime.combine(
            self.at, datetime.time.max, tzinfo=datetime.UTC
        )


def agreement_timeline(
    *,
    agreement: Agreement,
    rounds: list[NegotiationRound],
    user: Any,
    limit: int = 200,
) -> list[TimelineEntry]:
    """Transitions, negotiation rounds, field edits and changes of parties,
    newest first."""
    entries: list[TimelineEntry] = []
    logs = (
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Agreement),
            object_id=agreement.pk,
        )
        .select_related("by")
        .order_by("-at", "-id")[:limit]
    )
    states = dict(Agreement.State.choices)
    for log in logs:
        entries.append(
            TimelineEntry(
                at=log.at,
                kind="transition",
                by=log.by,
                title=f"{states.get(log.source, log.source)} → "
                f"{states.get(log.target, log.target)}",
                comment=log.comment,
                obj=log,
            )
        )
    for round_ in rounds:
        entries.append(
            TimelineEntry(
                at=round_.held_on,
                kind="round",
                by=round_.recorded_by,
                title=round_.venue or round_.get_venue_kind_display(),
                comment=round_.outcome,
                obj=round_,
            )
        )
    entries.extend(_history_entries(agreement, user, limit))
    entries.extend(_party_entries(agreement, user, limit))
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries


def _history_entries(
    agreement: Agreement, user: Any, limit: int
) -> list[TimelineEntry]:
    records = list(
        agreement.audit.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )[: limit + 1]
    )
    raw = []
    # Each record is compared with the one before it (the next in this list).
    for newer, older in zip(records, records[1:], strict=False):
        delta = newer.diff_against(older, excluded_fields=HIDDEN_HISTORY_FIELDS)
        changes = [(change.field, change.old, change.new) for change in delta.changes]
        if changes:
            raw.append((newer, changes))
    names = related_names(Agreement, _values(raw), user)
    return [
        TimelineEntry(
            at=newer.history_date,
            kind="edit",
            by=newer.history_user,
            title=newer.history_change_reason or "",
            changes=readable_changes(Agreement, changes, names),
        )
        for newer, changes in raw
    ]


def _party_entries(agreement: Agreement, user: Any, limit: int) -> list[TimelineEntry]:
    """Parties added, changed and removed, each change compared with the
    party's record before it."""
    records = list(
        AgreementParty.history.filter(agreement_id=agreement.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    raw = []
    previous: dict[int, Any] = {}
    for record in reversed(records):
        older = previous.get(record.id)
        previous[record.id] = record
        if record.history_type == "+":
            changes = [
                (name, None, value)
                for name in PARTY_HISTORY_FIELDS
                if (value := getattr(record, _attname(AgreementParty, name)))
                not in (None, "")
            ]
        elif record.history_type == "~":
            if older is None:
                continue
            delta = record.diff_against(older, included_fields=PARTY_HISTORY_FIELDS)
            changes = [(c.field, c.old, c.new) for c in delta.changes]
            if not changes:
                continue
        else:
            changes = []
        raw.append((record, changes))
    named = [
        (name, getattr(record, _attname(AgreementParty, name)))
        for record, _changes in raw
        for name in PARTY_NAMED_BY
    ]
    names = related_names(AgreementParty, [*_values(raw), *named], user)
    return [
        TimelineEntry(
            at=record.history_date,
            kind="party",
            by=record.history_user,
            title=PARTY_TITLES[record.history_type]
            % {"party": _party_name(record, names)},
            changes=readable_changes(AgreementParty, changes, names),
        )
        for record, changes in raw
    ]


def _party_name(record: Any, names: dict[tuple[Any, Any], str]) -> str:
    if record.side == AgreementParty.Side.CHINESE:
        return gettext("China")
    for name in PARTY_NAMED_BY:
        value = getattr(record, _attname(AgreementParty, name))
        if value is not None:
            return show(AgreementParty, name, value, names)
    return EMPTY


def _attname(model: Any, name: str) -> str:
    return model._meta.get_field(name).attname


def _values(raw: list[tuple[Any, list[tuple[str, Any, Any]]]]) -> list[tuple[str, Any]]:
    """(field, value) of every old and new value in ``raw``'s changes."""
    return [pair for _record, changes in raw for pair in change_values(changes)]


@dataclass
class AgreementDetail:
    agreement: Agreement
    parties: list[AgreementParty]
    rounds: list[NegotiationRound]
    files: list[AgreementFile]
    children: list[Agreement]
    projects: list[Any]
    timeline: list[TimelineEntry]
    transitions: list[str]
    can_edit: bool
    can_record_round: bool
    can_manage_files: bool


def agreement_detail(*, agreement: Agreement, user: Any) -> AgreementDetail:
    parties = list(
        agreement.parties.select_related("country", "organization", "signing_agency")
    )
    rounds = list(agreement.rounds.select_related("recorded_by"))
    files = list(agreement.files.select_related("uploaded_by"))
    children = list(
        agreement.children.visible_to(user).only(
            "id", "title_en", "title_zh", "state", "parent_relation", "desk_id"
        )
    )
    return AgreementDetail(
        agreement=agreement,
        parties=parties,
        rounds=rounds,
        files=files,
        children=children,
        projects=agreement_projects(agreement=agreement, user=user),
        timeline=agreement_timeline(agreement=agreement, rounds=rounds, user=user),
        transitions=[
            name
            for name in transitions_for_user(agreement, Agreement.TRANSITIONS, user)
            if name not in AUTOMATIC_TRANSITIONS
        ],
        can_edit=can_edit(user, agreement),
        can_record_round=can_record_round(user, agreement),
        can_manage_files=can_manage_files(user, agreement),
    )


def agreement_projects(*, agreement: Agreement, user: Any) -> list[Any]:
    """Projects the document underpins that the user may see."""
    manager = getattr(agreement, "projects", None)
    if manager is None:
        return []
    return list(manager.visible_to(user).select_related("country").order_by("name_en"))


# Lookups for search-as-you-type selects ------------------------------------

LOOKUP_LIMIT = 20


def officers_for_lookup(*, user: Any, query: str) -> list[Any]:
    """People responsible for documents the user may see."""
    users = get_user_model().objects.filter(is_active=True)
    if not sees_all_desks(user):
        desks = user_desk_ids(user)
        users = users.filter(Q(desks__in=desks) | Q(desks_led__in=desks))
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    return list(users.distinct().order_by("last_name", "first_name")[:LOOKUP_LIMIT])


def agreements_for_lookup(*, user: Any, query: str) -> list[Agreement]:
    return list(
        Agreement.objects.visible_to(user)
        .search(query)
        .only("id", "title_en", "title_zh")
        .order_by("title_en")[:LOOKUP_LIMIT]
    )
