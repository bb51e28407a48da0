"""Demo documents in every state on several desks, with rounds and events.

Documents are found by their English title; one that exists is left alone,
so running the seeder again changes nothing. New ones reach their state
through the same logged transitions people use.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from tracker.models import Country

from .models import Agreement, AgreementParty, Event
from .services import (
    agreement_create,
    agreement_transition,
    negotiation_round_record,
    system_user,
)

S = Agreement.State
K = Agreement.Kind

# state → the transitions that lead there from drafting
PATHS: dict[str, tuple[str, ...]] = {
    S.DRAFTING: (),
    S.NEGOTIATING: ("start_negotiation",),
    S.AGREED: ("start_negotiation", "agree_text"),
    S.APPROVAL: ("start_negotiation", "agree_text", "submit_for_approval"),
    S.READY: ("start_negotiation", "agree_text", "submit_for_approval", "approve"),
    S.SIGNED: (
        "start_negotiation",
        "agree_text",
        "submit_for_approval",
        "approve",
        "sign",
    ),
    S.IN_FORCE: (
        "start_negotiation",
        "agree_text",
        "submit_for_approval",
        "approve",
        "sign",
    ),
    S.SUSPENDED: ("start_negotiation", "suspend"),
    S.WITHDRAWN: ("start_negotiation", "withdraw"),
    S.EXPIRED: (
        "start_negotiation",
        "agree_text",
        "submit_for_approval",
        "approve",
        "sign",
        "expire",
    ),
    S.TERMINATED: (
        "start_negotiation",
        "agree_text",
        "submit_for_approval",
        "approve",
        "sign",
        "terminate",
    ),
}

# desk, officer, state, kind, country (or organisation), title en, title zh,
# days from today to the target signing date (or signing, when signed)
DOCUMENTS: list[tuple[str, str, str, str, str, str, str, int]] = [
    (
        "asia",
        "officer",
        S.DRAFTING,
        K.ACTION_PLAN,
        "LAO",
        "Action Plan on Digital Silk Road Cooperation with Laos",
        "中老数字丝绸之路合作行动计划",
        120,
    ),
    (
        "asia",
        "officer",
        S.NEGOTIATING,
        K.MOU,
        "KAZ",
        "MoU on Green Energy Cooperation with Kazakhstan",
        "中哈绿色能源合作谅解备忘录",
        40,
    ),
    (
        "asia",
        "chief",
        S.AGREED,
        K.COOPERATION_PLAN,
        "PAK",
        "Cooperation Plan on the Economic Corridor, 2026-2030",
        "经济走廊合作规划（2026—2030年）",
        25,
    ),
    (
        "asia",
        "officer",
        S.APPROVAL,
        K.FRAMEWORK,
        "IDN",
        "Framework Agreement on Industrial Park Cooperation with Indonesia",
        "中印尼产业园区合作框架协议",
        12,
    ),
    (
        "asia",
        "officer",
        S.READY,
        K.MOU,
        "VNM",
        "MoU on Connecting Development Strategies with Viet Nam",
        "中越发展战略对接谅解备忘录",
        5,
    ),
    (
        "asia",
        "officer",
        S.IN_FORCE,
        K.MOU,
        "PAK",
        "MoU on Belt and Road Cooperation with Pakistan",
        "中巴共建“一带一路”合作谅解备忘录",
        -400,
    ),
    (
        "africa",
        "officer.africa",
        S.NEGOTIATING,
        K.MOU,
        "ETH",
        "MoU on Infrastructure Cooperation with Ethiopia",
        "中埃塞基础设施合作谅解备忘录",
        -3,
    ),
    (
        "africa",
        "officer.africa",
        S.SUSPENDED,
        K.FRAMEWORK,
        "NGA",
        "Framework Agreement on Railway Modernisation with Nigeria",
        "中尼铁路现代化合作框架协议",
        60,
    ),
    (
        "africa",
        "chief.africa",
        S.SIGNED,
        K.EXCHANGE_OF_NOTES,
        "KEN",
        "Exchange of Notes on the Standard Gauge Railway, Phase 2",
        "关于标准轨距铁路二期的换文",
        -20,
    ),
    (
        "africa",
        "officer.africa",
        S.WITHDRAWN,
        K.JOINT_STATEMENT,
        "EGY",
        "Joint Statement on the Suez Economic Zone",
        "关于苏伊士经济区的联合声明",
        30,
    ),
    (
        "africa",
        "officer.africa",
        S.IN_FORCE,
        K.MOU,
        "KEN",
        "MoU on Belt and Road Cooperation with Kenya",
        "中肯共建“一带一路”合作谅解备忘录",
        -900,
    ),
    (
        "europe",
        "officer.europe",
        S.EXPIRED,
        K.AGREED_MINUTES,
        "SRB",
        "Agreed Minutes on Logistics Cooperation with Serbia",
        "中塞物流合作会谈纪要",
        -800,
    ),
    (
        "europe",
        "officer.europe",
        S.TERMINATED,
        K.MOU,
        "ITA",
        "MoU on Belt and Road Cooperation with Italy",
        "中意共建“一带一路”合作谅解备忘录",
        -1500,
    ),
    (
        "europe",
        "officer.europe",
        S.IN_FORCE,
        K.ACTION_PLAN,
        "HUN",
        "Action Plan on the Budapest-Belgrade Railway",
        "匈塞铁路合作行动计划",
        -200,
    ),
    (
        "asia",
        "chief",
        S.NEGOTIATING,
        K.MOU,
        "UNDP",
        "MoU on Sustainable Development Cooperation with UNDP",
        "与联合国开发计划署可持续发展合作谅解备忘录",
        90,
    ),
]

# A document in force with a term, so expiry and notice dates show.
TERMS = {
    "MoU on Belt and Road Cooperation with Pakistan": (5, "tacit", 5, 6),
    "MoU on Belt and Road Cooperation with Kenya": (3, "none", None, 3),
    "Agreed Minutes on Logistics Cooperation with Serbia": (2, "none", None, 1),
    "MoU on Belt and Road Cooperation with Italy": (5, "tacit", 5, 3),
    "Action Plan on the Budapest-Belgrade Railway": (2, "none", None, 2),
}

EVENTS = [
    (
        "asia",
        "Belt and Road Forum for International Cooperation",
        "“一带一路”国际合作高峰论坛",
        Event.Kind.FORUM,
        "Beijing",
        45,
        ["KAZ", "PAK", "VNM"],
    ),
    (
        "africa",
        "State visit to Kenya",
        "对肯尼亚国事访问",
        Event.Kind.STATE_VISIT,
        "Nairobi",
        20,
        ["KEN"],
    ),
    (
        "europe",
        "China-Hungary Economic Dialogue",
        "中匈经济对话",
        Event.Kind.MINISTERIAL_DIALOGUE,
        "Budapest",
        70,
        ["HUN"],
    ),
]

NDRC = "National Development and Reform Commission"
UNDP = "United Nations Development Programme"
COUNTERPART_AGENCIES = {
    "KEN": "Ministry of Foreign Affairs of Kenya",
    "PAK": "Ministry of Planning of Pakistan",
    "HUN": "Ministry of Economy of Hungary",
}


def seed(context: dict) -> None:
    today = timezone.localdate()
    desks, users = context["desks"], context["users"]
    organizations = context.get("organizations") or {}
    countries = Country.objects.in_bulk()
    events = _seed_events(desks, countries, today)
    for entry in DOCUMENTS:
        desk_code, username, state, kind, party, title_en, title_zh, days = entry
        if Agreement.objects.filter(title_en=title_en).exists():
            continue
        _seed_document(
            desk=desks[desk_code],
            officer=users[username],
            users=users,
            organizations=organizations,
            countries=countries,
            events=events,
            state=state,
            kind=kind,
            party=party,
            title_en=title_en,
            title_zh=title_zh,
            day=today + datetime.timedelta(days=days),
            today=today,
        )


def _seed_events(desks: dict, countries: dict, today: datetime.date) -> dict:
    events = {}
    for desk_code, name_en, name_zh, kind, place, days, codes in EVENTS:
        starts = today + datetime.timedelta(days=days)
        event, created = Event.objects.get_or_create(
            name_en=name_en,
            defaults={
                "name_zh": name_zh,
                "kind": kind,
                "place": place,
                "starts_on": starts,
                "ends_on": starts + datetime.timedelta(days=2),
                "desk": desks[desk_code],
            },
        )
        if created:
            event.counterparts.set([countries[c] for c in codes if c in countries])
        events[desk_code] = event
    return events


def _actor(officer: Any, users: dict, transition: str) -> Any:
    if transition in {"approve", "reject", "terminate", "withdraw"}:
        return users["leader"]
    if transition == "expire":
        return system_user()
    return officer


def _seed_document(
    *,
    desk: Any,
    officer: Any,
    users: dict,
    organizations: dict,
    countries: dict,
    events: dict,
    state: str,
    kind: str,
    party: str,
    title_en: str,
    title_zh: str,
    day: datetime.date,
    today: datetime.date,
) -> None:
    if party == "UNDP":
        counterpart = {"organization": organizations.get(UNDP)}
    else:
        agency = organizations.get(COUNTERPART_AGENCIES.get(party, ""))
        counterpart = {"country": countries[party], "signing_agency": agency}
    if not any(counterpart.values()):
        return
    duration, renewal, renewal_years, notice = TERMS.get(
        title_en, (None, "none", None, None)
    )
    signed = state in {S.SIGNED, S.IN_FORCE, S.EXPIRED, S.TERMINATED}
    event = events.get(desk.code) if not signed and day > today else None
    fields = {
        "title_en": title_en,
        "title_zh": title_zh,
        "kind": kind,
        "binding": kind in {K.FRAMEWORK, K.EXCHANGE_OF_NOTES},
        "desk": desk,
        "officer": officer,
        "target_signing_date": day,
        "target_event": event,
        "enters_on_signature": state != S.SIGNED,
        "duration_years": duration,
        "renewal": renewal,
        "renewal_years": renewal_years,
        "notice_months": notice,
    }
    agreement = agreement_create(
        by=officer,
        chinese_agency=organizations.get(NDRC),
        parties=[counterpart],
        **fields,
    )
    for transition in PATHS[state]:
        by = _actor(officer, users, transition)
        if transition == "agree_text":
            negotiation_round_record(
                agreement=agreement,
                by=officer,
                held_on=min(today, day) - datetime.timedelta(days=30),
                venue="Beijing",
                chinese_head="Director-General Zhang",
                counterpart_head="Permanent Secretary",
                outcome="Text agreed ad referendum.",
                next_steps="Domestic approval on both sides.",
            )
        kwargs: dict[str, Any] = {}
        if transition == "sign":
            kwargs = {
                "signed_on": min(day, today),
                "signing_place": "Beijing",
                "signatories": {
                    p.pk: {
                        "signatory_name": "Zheng Shanjie"
                        if p.side == AgreementParty.Side.CHINESE
                        else "Minister",
                        "signatory_title": "Chairman, NDRC"
                        if p.side == AgreementParty.Side.CHINESE
                        else "",
                    }
                    for p in agreement.parties.all()
                },
            }
        reason = {
            "suspend": "Counterpart elections; talks paused.",
            "withdraw": "Superseded by a joint statement at summit level.",
            "terminate": "The counterpart gave notice of denunciation.",
        }.get(transition, "")
        agreement_transition(
            agreement=agreement,
            transition=transition,
            by=by,
            comment=reason,
            today=today,
            **kwargs,
        )
    if state == S.NEGOTIATING:
        negotiation_round_record(
            agreement=agreement,
            by=officer,
            held_on=today - datetime.timedelta(days=14),
            venue_kind="video",
            chinese_head="Deputy Director-General Li",
            counterpart_head="Director of Planning",
            outcome="Exchanged comments on articles 3 to 7.",
            next_steps="Counterpart to send its revised draft.",
            next_round_on=today + datetime.timedelta(days=10),
        )
