"""People, organisations and countries the bulk data points at.

Created when missing (get-or-create by natural key), so running the seeder
again reuses them.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from agreements.services import system_user
from tracker.demo import DEMO_PASSWORD, seed_reference
from tracker.models import Country, Desk, DeskRegion, Organization, Role, User

from . import text

Kind = Organization.Kind


@dataclass
class Reference:
    desks: dict[str, int]  # code → id
    desk_for_region: dict[str, int]
    multilateral_desk: int
    officers: dict[int, list[int]]  # desk id → member ids
    leaders: list[int]
    system_user: int
    countries: list[tuple[str, str, str, str]]  # code, en, zh, region
    country_weights: list[float]
    ministries: dict[str, int]  # country code → foreign ministry id
    chinese_agencies: list[int]
    banks: list[int]
    companies: list[int]
    internationals: list[int]
    desk_countries: dict[int, list[int]] = field(default_factory=dict)

    def desk_of(self, region: str) -> int:
        return self.desk_for_region.get(region, self.multilateral_desk)


def ensure_reference(*, officers_per_desk: int, rng: random.Random) -> Reference:
    context = seed_reference()
    desks = {code: desk.pk for code, desk in context["desks"].items()}
    _ensure_officers(context["desks"], officers_per_desk)

    desk_for_region = dict(DeskRegion.objects.values_list("region", "desk_id"))
    multilateral = desks.get("multilateral") or min(desks.values())

    officers: dict[int, list[int]] = {pk: [] for pk in desks.values()}
    for desk_id, user_id in Desk.members.through.objects.order_by(
        "desk_id", "user_id"
    ).values_list("desk_id", "user_id"):
        officers.setdefault(desk_id, []).append(user_id)
    for desk_id, members in officers.items():
        if not members:
            chief = Desk.objects.filter(pk=desk_id).values_list("chief_id", flat=True)
            members.extend(pk for pk in chief if pk)
    leaders = list(
        User.objects.filter(groups__name=Role.LEADERSHIP)
        .order_by("id")
        .values_list("id", flat=True)
    )

    countries = list(
        Country.objects.exclude(code="CHN")
        .order_by("code")
        .values_list("code", "name_en", "name_zh", "region")
    )
    # A few partners account for much of the work, as in life.
    weights = [rng.lognormvariate(0, 1.1) for _ in countries]

    orgs = _ensure_organizations(countries)
    return Reference(
        desks=desks,
        desk_for_region=desk_for_region,
        multilateral_desk=multilateral,
        officers=officers,
        leaders=leaders or [system_user().pk],
        system_user=system_user().pk,
        countries=countries,
        country_weights=weights,
        **orgs,
    )


def _ensure_officers(desks: dict[str, Desk], per_desk: int) -> None:
    """``scale.<desk>.NNN`` officers, and a chief for a desk without one."""
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    password = make_password(DEMO_PASSWORD)
    wanted: list[tuple[User, Desk, str]] = []
    for code, desk in sorted(desks.items()):
        for number in range(1, per_desk + 1):
            username = f"scale.{code}.{number:03d}"
            wanted.append(
                (
                    User(
                        username=username,
                        first_name=text.GIVEN[number % len(text.GIVEN)],
                        last_name=text.SURNAMES[(number * 7) % len(text.SURNAMES)],
                        email=f"{username}@tracker.example.org",
                        password=password,
                    ),
                    desk,
                    Role.DESK_OFFICER,
                )
            )
        if desk.chief_id is None:
            username = f"scale.{code}.chief"
            wanted.append(
                (
                    User(
                        username=username,
                        first_name="Chief",
                        last_name=desk.name_en,
                        email=f"{username}@tracker.example.org",
                        password=password,
                    ),
                    desk,
                    Role.DIVISION_CHIEF,
                )
            )
    existing = set(
        User.objects.filter(username__startswith="scale.").values_list(
            "username", flat=True
        )
    )
    new = [item for item in wanted if item[0].username not in existing]
    if not new:
        return
    User.objects.bulk_create([user for user, _desk, _role in new])
    ids = dict(
        User.objects.filter(username__in=[u.username for u, _d, _r in new]).values_list(
            "username", "id"
        )
    )
    User.groups.through.objects.bulk_create(
        [
            User.groups.through(user_id=ids[user.username], group_id=groups[role].pk)
            for user, _desk, role in new
        ],
        ignore_conflicts=True,
    )
    Desk.members.through.objects.bulk_create(
        [
            Desk.members.through(user_id=ids[user.username], desk_id=desk.pk)
            for user, desk, _role in new
        ],
        ignore_conflicts=True,
    )
    for user, desk, role in new:
        if role == Role.DIVISION_CHIEF:
            Desk.objects.filter(pk=desk.pk, chief__isnull=True).update(
                chief_id=ids[user.username]
            )


def _ensure_organizations(countries: list[tuple[str, str, str, str]]) -> dict:
    wanted: list[Organization] = []
    for code, name_en, name_zh, _region in countries:
        wanted.append(
            Organization(
                name_en=f"Ministry of Foreign Affairs of {name_en}",
                name_zh=f"{name_zh}外交部",
                kind=Kind.FOREIGN_GOVERNMENT,
                country_id=code,
            )
        )
    for name in text.INTERNATIONAL:
        wanted.append(Organization(name_en=name, kind=Kind.INTERNATIONAL))
    for prefix, trade, suffix in itertools.product(
        text.COMPANY_PREFIXES, text.COMPANY_TRADES, text.COMPANY_SUFFIXES
    ):
        wanted.append(
            Organization(
                name_en=f"{prefix} {trade} {suffix}",
                kind=Kind.COMPANY,
                country_id="CHN",
            )
        )
    Organization.objects.bulk_create(wanted, ignore_conflicts=True)
    rows = Organization.objects.values_list("id", "name_en", "kind", "country_id")
    ministries: dict[str, int] = {}
    by_kind: dict[str, list[int]] = {}
    for pk, name_en, kind, country in rows.order_by("id"):
        by_kind.setdefault(kind, []).append(pk)
        if kind == Kind.FOREIGN_GOVERNMENT and name_en.startswith(
            "Ministry of Foreign"
        ):
            ministries[country] = pk
    return {
        "ministries": ministries,
        "chinese_agencies": by_kind.get(Kind.CHINESE_AGENCY, []),
        "banks": by_kind.get(Kind.BANK, []),
        "companies": by_kind.get(Kind.COMPANY, []),
        "internationals": by_kind.get(Kind.INTERNATIONAL, []),
    }
