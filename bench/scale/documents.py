"""Events and cooperation documents with their parties, negotiation rounds,
transition log and edit history.

States are set directly (bulk data runs no transitions) and kept consistent
with what the transitions would have left: a signed document has a signing
date, place and signatories; one in force has its term dates computed as
``Agreement.compute_term_dates`` does; an expired one has expired; every state
change has its log entry and history record, in order.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from agreements.models import (
    Agreement,
    AgreementParty,
    Event,
    NegotiationRound,
    add_months,
    add_years,
)
from workflows.models import TransitionLog

from . import text
from .common import Weighted, at, days, spread
from .reference import Reference
from .writer import TableWriter

S = Agreement.State
K = Agreement.Kind

STATE_WEIGHTS = {
    S.DRAFTING: 7,
    S.NEGOTIATING: 14,
    S.AGREED: 4,
    S.APPROVAL: 3,
    S.READY: 2,
    S.SIGNED: 3,
    S.IN_FORCE: 35,
    S.SUSPENDED: 4,
    S.WITHDRAWN: 9,
    S.EXPIRED: 15,
    S.TERMINATED: 4,
}
KIND_WEIGHTS = {
    K.MOU: 40,
    K.FRAMEWORK: 10,
    K.COOPERATION_PLAN: 10,
    K.ACTION_PLAN: 12,
    K.JOINT_STATEMENT: 8,
    K.EXCHANGE_OF_NOTES: 8,
    K.AGREED_MINUTES: 7,
    K.OTHER: 5,
}
# The transitions that lead from drafting to each state (before signature).
TO_SIGN = ("start_negotiation", "agree_text", "submit_for_approval", "approve", "sign")
PATHS = {
    S.DRAFTING: (),
    S.NEGOTIATING: TO_SIGN[:1],
    S.AGREED: TO_SIGN[:2],
    S.APPROVAL: TO_SIGN[:3],
    S.READY: TO_SIGN[:4],
    S.SIGNED: TO_SIGN,
    S.IN_FORCE: TO_SIGN,
    S.SUSPENDED: (*TO_SIGN[:1], "suspend"),
    S.WITHDRAWN: (*TO_SIGN[:1], "withdraw"),
    S.EXPIRED: (*TO_SIGN, "expire"),
    S.TERMINATED: (*TO_SIGN, "terminate"),
}
TARGETS = {
    "start_negotiation": S.NEGOTIATING,
    "agree_text": S.AGREED,
    "submit_for_approval": S.APPROVAL,
    "approve": S.READY,
    "enter_into_force": S.IN_FORCE,
    "renew": S.IN_FORCE,
    "suspend": S.SUSPENDED,
    "withdraw": S.WITHDRAWN,
    "expire": S.EXPIRED,
    "terminate": S.TERMINATED,
}
LEADERSHIP = {"approve", "withdraw", "terminate", "reject"}
WITH_REASON = {"suspend", "withdraw", "terminate"}
SIGNED_STATES = {S.SIGNED, S.IN_FORCE, S.EXPIRED, S.TERMINATED}
AFTER_SIGNATURE = {"sign", "enter_into_force", "renew", "expire", "terminate"}

AGREEMENT_FIELDS = (
    "id", "title_en", "title_zh", "kind", "binding", "summary", "desk_id",
    "officer_id", "state", "target_signing_date", "target_event_id", "signed_on",
    "signing_place", "enters_on_signature", "effective_on", "duration_years",
    "renewal", "renewal_years", "notice_months", "renewed_until", "expires_on",
    "notice_deadline", "parent_id", "parent_relation", "counterpart_regions",
    "created_at", "updated_at",
)  # fmt: skip
# What the history table keeps of a document (all but updated_at and the
# stored regions), and then its own columns.
HISTORY_KEPT = tuple(
    f for f in AGREEMENT_FIELDS if f not in ("updated_at", "counterpart_regions")
)
HISTORY_FIELDS = (
    *HISTORY_KEPT,
    "history_date", "history_change_reason", "history_type", "history_user_id",
    "history_relation_id",
)  # fmt: skip
SIGNATURE_FIELDS = {
    "signed_on", "signing_place", "effective_on", "expires_on", "notice_deadline",
    "renewed_until",
}  # fmt: skip
PARTY_FIELDS = (
    "id", "agreement_id", "side", "country_id", "organization_id",
    "signing_agency_id", "signatory_name", "signatory_title",
)  # fmt: skip
ROUND_FIELDS = (
    "id", "agreement_id", "held_on", "venue_kind", "venue", "chinese_head",
    "counterpart_head", "outcome", "next_steps", "next_round_on", "recorded_by_id",
    "created_at",
)  # fmt: skip
LOG_FIELDS = (
    "id", "content_type_id", "object_id", "transition", "source", "target", "by_id",
    "at", "comment",
)  # fmt: skip
EVENT_FIELDS = (
    "id", "name_en", "name_zh", "kind", "starts_on", "ends_on", "place", "desk_id",
    "created_at",
)  # fmt: skip


@dataclass
class Doc:
    row: dict
    countries: list[str]
    organization: int | None
    path: list[tuple[str, str, str, datetime.datetime, int, str]]
    rounds: list[tuple]


@dataclass
class Documents:
    """What the project generator needs from the documents."""

    signed_by_country: dict[str, list[int]] = field(default_factory=dict)
    events_by_desk: dict[int, list[tuple[datetime.date, int]]] = field(
        default_factory=dict
    )
    events_all: list[int] = field(default_factory=list)


def generate_documents(
    *,
    writer: TableWriter,
    ref: Reference,
    anchor: datetime.date,
    count: int,
    events: int,
    seed: int,
    log,
) -> Documents:
    out = Documents()
    _write_events(writer, ref, anchor, events, random.Random(f"{seed}-events"), out)
    log(f"events: {events}")
    rng = random.Random(f"{seed}-documents")
    maker = _DocumentMaker(ref, anchor, out)
    docs = [maker.make(pk, rng) for pk in range(1, count + 1)]
    writer.write(
        Agreement,
        AGREEMENT_FIELDS,
        (tuple(d.row[f] for f in AGREEMENT_FIELDS) for d in docs),
    )
    log(f"documents: {count}")
    writer.write(AgreementParty, PARTY_FIELDS, _parties(docs, ref, rng))
    log(f"parties: {writer.written[AgreementParty._meta.db_table]}")
    writer.write(NegotiationRound, ROUND_FIELDS, _rounds(docs))
    log(f"rounds: {writer.written[NegotiationRound._meta.db_table]}")
    content_type = ContentType.objects.get_for_model(Agreement).pk
    start = _next_id(TransitionLog)
    writer.write(TransitionLog, LOG_FIELDS, _logs(docs, content_type, start))
    log(f"document transitions: {sum(len(d.path) for d in docs)}")
    writer.write(Agreement.history.model, HISTORY_FIELDS, _history(docs))
    log(f"document history: {writer.written[Agreement.history.model._meta.db_table]}")
    return out


def _next_id(model) -> int:
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


def _write_events(writer, ref, anchor, count, rng, out: Documents) -> None:
    kinds = [k for k, _ in Event.Kind.choices]
    labels = {
        "state_visit": ("State visit to", "国事访问"),
        "ministerial_dialogue": ("Ministerial dialogue with", "部长级对话"),
        "forum": ("Cooperation forum with", "合作论坛"),
        "working_meeting": ("Working meeting with", "工作会议"),
    }
    countries = Weighted(ref.countries, ref.country_weights)
    rows, counterparts = [], []
    for pk in range(1, count + 1):
        code, name_en, name_zh, region = countries.pick(rng)
        kind = kinds[rng.randrange(len(kinds))]
        starts = anchor + days(rng.randint(-8 * 365, 365))
        desk = ref.desk_of(region)
        label_en, label_zh = labels[kind]
        rows.append(
            (
                pk,
                f"{label_en} {name_en} ({starts.year})",
                f"中国—{name_zh}{label_zh}（{starts.year}）",
                kind,
                starts,
                starts + days(rng.randint(0, 3)),
                text.CITIES[rng.randrange(len(text.CITIES))]
                if rng.random() < 0.5
                else name_en,
                desk,
                at(starts - days(rng.randint(30, 365)), rng),
            )
        )
        counterparts.append((pk, pk, code))
        out.events_by_desk.setdefault(desk, []).append((starts, pk))
        out.events_all.append(pk)
    writer.write(Event, EVENT_FIELDS, rows)
    through = Event.counterparts.through
    writer.write(through, ("id", "event_id", "country_id"), counterparts)


def _pick_event(out: Documents, desk: int, after: datetime.date, before, rng):
    candidates = out.events_by_desk.get(desk) or []
    # A handful of tries is enough; most documents have no target event.
    for _ in range(4):
        if not candidates:
            return None
        starts, pk = candidates[rng.randrange(len(candidates))]
        if after <= starts <= before:
            return starts, pk
    return None


class _DocumentMaker:
    def __init__(self, ref: Reference, anchor: datetime.date, out: Documents):
        self.ref = ref
        self.anchor = anchor
        self.out = out
        self.states = Weighted(list(STATE_WEIGHTS), list(STATE_WEIGHTS.values()))
        self.kinds = Weighted(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))
        self.countries = Weighted(ref.countries, ref.country_weights)

    def make(self, pk: int, rng: random.Random) -> Doc:
        ref, anchor, out = self.ref, self.anchor, self.out
        state = self.states.pick(rng)
        kind = self.kinds.pick(rng)
        roll = rng.random()
        organization = None
        picked: list[tuple[str, str, str, str]] = []
        if roll < 0.07 and ref.internationals:
            organization = ref.internationals[rng.randrange(len(ref.internationals))]
            desk = ref.multilateral_desk
            name_en, name_zh = "International Organisations", "国际组织"
        else:
            first = self.countries.pick(rng)
            picked = [first]
            if roll > 0.95:
                second = self.countries.pick(rng)
                if second[0] != first[0]:
                    picked.append(second)
            desk = ref.desk_of(first[3])
            name_en, name_zh = first[1], first[2]
        topic_en, topic_zh = text.TOPICS[rng.randrange(len(text.TOPICS))]
        kind_en, kind_zh = text.KIND_TITLES[kind]
        officers = ref.officers.get(desk) or [None]
        officer = (
            officers[rng.randrange(len(officers))] if rng.random() < 0.96 else None
        )
        acting = officer or officers[0] or ref.system_user

        row = {
            "id": pk,
            "title_en": f"{kind_en} on {topic_en} Cooperation between China and "
            f"{name_en}",
            "title_zh": f"中国与{name_zh}关于{topic_zh}合作的{kind_zh}",
            "kind": kind,
            "binding": kind in (K.FRAMEWORK, K.EXCHANGE_OF_NOTES)
            and rng.random() < 0.6,
            "summary": f"Cooperation on {topic_en.lower()} with {name_en}.",
            "desk_id": desk,
            "officer_id": officer,
            "state": state,
            "target_signing_date": None,
            "target_event_id": None,
            "signed_on": None,
            "signing_place": "",
            "parent_id": None,
            "parent_relation": "",
            # As agreements.services.agreement_regions_refresh stores them.
            "counterpart_regions": ",".join(sorted({c[3] for c in picked})),
        }
        _clear_term(row)
        transitions = list(PATHS[state])
        signed = state in SIGNED_STATES
        if signed:
            _term(row, state, anchor, rng, transitions)
            created = row["signed_on"] - days(rng.randint(60, 900))
            row["target_signing_date"] = row["signed_on"] + days(rng.randint(-60, 10))
            if rng.random() < 0.12:
                event = _pick_event(
                    out, desk, created, row["signed_on"] + days(400), rng
                )
                if event and event[0] < anchor:
                    row["target_event_id"] = event[1]
                    row["signed_on"] = row["target_signing_date"] = event[0]
                    _term(row, state, anchor, rng, transitions, keep_signed=True)
                    created = min(created, row["signed_on"] - days(30))
            row["signing_place"] = (
                text.CITIES[rng.randrange(len(text.CITIES))]
                if rng.random() < 0.6
                else name_en
            )
            limit = row["signed_on"] - days(1)
            codes = [c[0] for c in picked]
            for code in codes:
                out.signed_by_country.setdefault(code, []).append(pk)
            if kind == K.ACTION_PLAN and codes and rng.random() < 0.5:
                earlier = out.signed_by_country.get(codes[0], [])
                if len(earlier) > 1:
                    row["parent_id"] = earlier[rng.randrange(len(earlier) - 1)]
                    row["parent_relation"] = Agreement.Relation.UNDER
        else:
            age = {S.WITHDRAWN: 9 * 365, S.SUSPENDED: 4 * 365, S.DRAFTING: 200}.get(
                state, 2 * 365
            )
            created = anchor - days(rng.randint(5, age))
            if state == S.WITHDRAWN:
                limit = created + days(
                    rng.randint(30, max(31, (anchor - created).days))
                )
                row["target_signing_date"] = limit + days(rng.randint(30, 300))
            else:
                if rng.random() < 0.93:
                    row["target_signing_date"] = anchor + days(rng.randint(-90, 420))
                if row["target_signing_date"] and rng.random() < 0.15:
                    event = _pick_event(out, desk, anchor, anchor + days(365), rng)
                    if event:
                        row["target_event_id"] = event[1]
                        row["target_signing_date"] = event[0]
                limit = max(created, anchor - days(rng.randint(0, 60)))
        created_at = at(created, rng)
        row["created_at"] = created_at
        path = self._path(row, transitions, created, limit, acting, rng)
        row["updated_at"] = max(created_at, path[-1][3]) if path else created_at
        rounds = _doc_rounds(pk, row, path, anchor, acting, rng)
        return Doc(row, [c[0] for c in picked], organization, path, rounds)

    def _path(self, row, transitions, created, limit, acting, rng) -> list[tuple]:
        """Transitions before signature fall between creation and ``limit``;
        the signature and what follows fall on their own dates."""
        ref, anchor = self.ref, self.anchor
        free = [t for t in transitions if t not in AFTER_SIGNATURE]
        span = max(1, (limit - created).days)
        moments = iter(sorted(created + days(rng.randint(1, span)) for _ in free))
        path = []
        source = S.DRAFTING
        for name in transitions:
            target = TARGETS.get(name)
            if name == "sign":
                day = row["signed_on"]
                target = S.IN_FORCE if row["enters_on_signature"] else S.SIGNED
            elif name == "enter_into_force":
                day = row["effective_on"]
            elif name == "renew":
                day = add_years(row["renewed_until"], -row["renewal_years"])
            elif name == "expire":
                day = row["expires_on"]
            elif name == "terminate":
                start = row["effective_on"] or row["signed_on"]
                day = start + days(rng.randint(1, max(1, (anchor - start).days)))
            else:
                day = next(moments)
            if path and day < path[-1][3].date():
                day = path[-1][3].date()
            by = acting
            if name in LEADERSHIP:
                by = ref.leaders[rng.randrange(len(ref.leaders))]
            elif name == "expire":
                by = ref.system_user
            comment = ""
            if name in WITH_REASON:
                comment = text.REASONS[rng.randrange(len(text.REASONS))]
            moment = at(day, rng)
            if path and moment <= path[-1][3]:
                moment = path[-1][3] + datetime.timedelta(minutes=rng.randint(1, 240))
            path.append((name, source, target, moment, by, comment))
            source = target
        return path


def _clear_term(row: dict) -> None:
    row.update(
        enters_on_signature=True,
        effective_on=None,
        duration_years=None,
        renewal=Agreement.Renewal.NONE,
        renewal_years=None,
        notice_months=None,
        renewed_until=None,
        expires_on=None,
        notice_deadline=None,
    )


def _term(row, state, anchor, rng, transitions, keep_signed=False) -> None:
    """Signing date and term consistent with the state at ``anchor``."""
    _clear_term(row)
    for name in AFTER_SIGNATURE - set(PATHS[state]):
        if name in transitions:
            transitions.remove(name)
    duration = rng.choice([None, 3, 5, 5, 10, 10, 20])
    if state == S.EXPIRED:
        duration = rng.choice([1, 2, 3, 5])
    if not keep_signed:
        if state == S.EXPIRED:
            row["signed_on"] = anchor - days(duration * 365 + rng.randint(30, 2500))
        elif state == S.SIGNED:
            row["signed_on"] = anchor - days(rng.randint(5, 400))
        else:
            row["signed_on"] = anchor - days(rng.randint(30, 4000))
    signed_on = row["signed_on"]
    if state == S.SIGNED:
        row["enters_on_signature"] = False
        row["effective_on"] = None
        row["duration_years"] = duration
        return
    entered_later = rng.random() < 0.2
    row["enters_on_signature"] = not entered_later
    effective = signed_on + days(rng.randint(10, 200)) if entered_later else signed_on
    if effective >= anchor:
        effective = signed_on
        row["enters_on_signature"] = True
    row["effective_on"] = effective
    if entered_later and "enter_into_force" not in transitions:
        transitions.insert(transitions.index("sign") + 1, "enter_into_force")
    if state == S.EXPIRED and add_years(effective, duration) >= anchor:
        duration = 1
        row["effective_on"] = effective = anchor - days(400 + rng.randint(0, 900))
        row["signed_on"] = min(signed_on, effective)
    row["duration_years"] = duration
    if duration and rng.random() < 0.35 and state != S.EXPIRED:
        row["renewal"] = Agreement.Renewal.TACIT
        row["renewal_years"] = rng.choice([duration, 5])
    if duration:
        row["notice_months"] = rng.choice([None, 3, 6, 6, 12])
    expires = add_years(effective, duration) if duration else None
    if state == S.IN_FORCE and expires and expires < anchor:
        if row["renewal"] == Agreement.Renewal.TACIT:
            step = row["renewal_years"]
            renewed = expires
            while renewed < anchor:
                renewed = add_years(renewed, step)
            row["renewed_until"] = renewed
            if "renew" not in transitions:
                transitions.append("renew")
        else:
            # Open-ended instead: still in force on the anchor date.
            row["duration_years"] = None
            row["notice_months"] = None
    expires = row["renewed_until"] or (
        add_years(effective, row["duration_years"]) if row["duration_years"] else None
    )
    row["expires_on"] = expires
    row["notice_deadline"] = (
        add_months(expires, -row["notice_months"])
        if expires and row["notice_months"]
        else None
    )


def _doc_rounds(pk, row, path, anchor, acting, rng) -> list[tuple]:
    """Rounds between the start of negotiation and text agreed (or now)."""
    names = [step[0] for step in path]
    if "start_negotiation" not in names:
        return []
    begin = path[names.index("start_negotiation")][3].date()
    if "agree_text" in names:
        end = path[names.index("agree_text")][3].date()
    elif len(path) > 1:
        end = path[-1][3].date()
    else:
        end = min(anchor, begin + days(400))
    count = rng.randint(1, 5) if "agree_text" in names else rng.randint(0, 4)
    rounds = []
    held = spread(begin, end, count, rng)
    for number, day in enumerate(held):
        last = number == len(held) - 1
        next_on = None
        if last and row["state"] == S.NEGOTIATING:
            next_on = anchor + days(rng.randint(-20, 90))
        elif not last:
            next_on = held[number + 1]
        video = rng.random() < 0.3
        rounds.append(
            (
                pk,
                day,
                "video" if video else "in_person",
                "" if video else text.CITIES[rng.randrange(len(text.CITIES))],
                _chinese_name(rng),
                text.FOREIGN_NAMES[rng.randrange(len(text.FOREIGN_NAMES))],
                text.OUTCOMES[rng.randrange(len(text.OUTCOMES))],
                text.NEXT_STEPS[rng.randrange(len(text.NEXT_STEPS))],
                next_on,
                acting,
                at(day + days(1), rng),
            )
        )
    return rounds


def _one(items: list[str], rng) -> str:
    return items[rng.randrange(len(items))]


def _chinese_name(rng) -> str:
    return (
        f"{text.SURNAMES[rng.randrange(len(text.SURNAMES))]} "
        f"{text.GIVEN[rng.randrange(len(text.GIVEN))]}"
    )


def _parties(docs: list[Doc], ref: Reference, rng) -> Iterator[tuple]:
    pk = 0
    agencies = ref.chinese_agencies or [None]
    for doc in docs:
        signed = doc.row["signed_on"] is not None
        pk += 1
        yield (
            pk, doc.row["id"], "chinese", None, None,
            agencies[rng.randrange(len(agencies))],
            _chinese_name(rng) if signed else "",
            _one(text.CHINESE_TITLES, rng) if signed else "",
        )  # fmt: skip
        counterparts = [(code, None) for code in doc.countries]
        if doc.organization:
            counterparts = [(None, doc.organization)]
        for code, organization in counterparts:
            pk += 1
            yield (
                pk, doc.row["id"], "counterpart", code, organization,
                ref.ministries.get(code) if code else organization,
                _one(text.FOREIGN_NAMES, rng) if signed else "",
                _one(text.TITLES, rng) if signed else "",
            )  # fmt: skip


def _rounds(docs: list[Doc]) -> Iterator[tuple]:
    pk = 0
    for doc in docs:
        for values in doc.rounds:
            pk += 1
            yield (pk, *values)


def _logs(docs: list[Doc], content_type: int, start: int) -> Iterator[tuple]:
    pk = start - 1
    for doc in docs:
        for name, source, target, moment, by, comment in doc.path:
            pk += 1
            yield (
                pk,
                content_type,
                doc.row["id"],
                name,
                source,
                target,
                by,
                moment,
                comment,
            )


def _history(docs: list[Doc]) -> Iterator[tuple]:
    """A creation record (drafting, unsigned) and one record per transition;
    the signature's fields appear with the signing."""
    for doc in docs:
        row = doc.row
        current = dict(row, state=S.DRAFTING)
        for name in SIGNATURE_FIELDS:
            current[name] = None if name != "signing_place" else ""
        yield (
            *(current[f] for f in HISTORY_KEPT),
            row["created_at"], None, "+", doc.row["officer_id"], row["id"],
        )  # fmt: skip
        for name, _source, target, moment, by, _comment in doc.path:
            current["state"] = target
            if name == "sign":
                for key in SIGNATURE_FIELDS:
                    current[key] = row[key]
            yield (
                *(current[f] for f in HISTORY_KEPT),
                moment,
                None,
                "~",
                by,
                row["id"],
            )
