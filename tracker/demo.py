"""Demo reference data: desks, one user per role, organisations.

Every function here is idempotent: running it again changes nothing.
"""

from django.contrib.auth.models import Group

from .models import Country, Desk, DeskRegion, Organization, Region, Role, User

DEMO_PASSWORD = "demo-pass-2026"

# code, English name, Chinese name, regions covered
DESKS = [
    ("asia", "Asia Division", "亚洲处", [Region.ASIA]),
    ("africa", "Africa Division", "非洲处", [Region.AFRICA]),
    ("europe", "Europe Division", "欧洲处", [Region.EUROPE]),
    (
        "americas",
        "Americas and Oceania Division",
        "美洲和大洋洲处",
        [Region.AMERICAS, Region.OCEANIA],
    ),
    ("multilateral", "Multilateral Division", "多边处", []),
]

# username, role, first name, last name, desks as member, desk led
USERS = [
    ("officer", Role.DESK_OFFICER, "Wei", "Zhang", ["asia"], None),
    ("officer.africa", Role.DESK_OFFICER, "Na", "Li", ["africa"], None),
    ("officer.europe", Role.DESK_OFFICER, "Lei", "Wang", ["europe"], None),
    ("chief", Role.DIVISION_CHIEF, "Min", "Chen", ["asia"], "asia"),
    ("chief.africa", Role.DIVISION_CHIEF, "Jun", "Zhao", ["africa"], "africa"),
    ("leader", Role.LEADERSHIP, "Hua", "Liu", [], None),
    ("viewer", Role.VIEWER, "Fang", "Sun", [], None),
    ("admin", Role.ADMINISTRATOR, "Qiang", "Zhou", [], None),
]

ORGANIZATIONS = [
    ("Export-Import Bank of China", "中国进出口银行", Organization.Kind.BANK, "CHN"),
    ("China Development Bank", "国家开发银行", Organization.Kind.BANK, "CHN"),
    (
        "National Development and Reform Commission",
        "国家发展和改革委员会",
        Organization.Kind.CHINESE_AGENCY,
        "CHN",
    ),
    ("Ministry of Commerce", "商务部", Organization.Kind.CHINESE_AGENCY, "CHN"),
    (
        "China Road and Bridge Corporation",
        "中国路桥工程有限责任公司",
        Organization.Kind.COMPANY,
        "CHN",
    ),
    (
        "Ministry of Foreign Affairs of Kenya",
        "肯尼亚外交部",
        Organization.Kind.FOREIGN_GOVERNMENT,
        "KEN",
    ),
    (
        "Ministry of Planning of Pakistan",
        "巴基斯坦计划部",
        Organization.Kind.FOREIGN_GOVERNMENT,
        "PAK",
    ),
    (
        "Ministry of Economy of Hungary",
        "匈牙利经济部",
        Organization.Kind.FOREIGN_GOVERNMENT,
        "HUN",
    ),
    (
        "United Nations Development Programme",
        "联合国开发计划署",
        Organization.Kind.INTERNATIONAL,
        None,
    ),
    ("Asian Development Bank", "亚洲开发银行", Organization.Kind.INTERNATIONAL, None),
]


def seed_reference() -> dict:
    """Desks, users and organisations; returns them by key for other seeders."""
    desks = {}
    for code, name_en, name_zh, regions in DESKS:
        desks[code], _ = Desk.objects.get_or_create(
            code=code, defaults={"name_en": name_en, "name_zh": name_zh}
        )
        for region in regions:
            # A region an administrator gave to another desk stays there.
            DeskRegion.objects.get_or_create(
                region=region, defaults={"desk": desks[code]}
            )
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    users = {}
    for username, role, first, last, member_of, leads in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@tracker.example.org",
                "is_staff": role == Role.ADMINISTRATOR,
                "is_superuser": role == Role.ADMINISTRATOR,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(groups[role])
            for code in member_of:
                desks[code].members.add(user)
            if leads:
                Desk.objects.filter(code=leads).update(chief=user)
        users[username] = user
    countries = Country.objects.in_bulk()
    organizations = {}
    for name_en, name_zh, kind, country in ORGANIZATIONS:
        organizations[name_en], _ = Organization.objects.get_or_create(
            name_en=name_en,
            kind=kind,
            defaults={"name_zh": name_zh, "country": countries.get(country)},
        )
    return {
        "desks": {d.code: d for d in Desk.objects.all()},
        "users": users,
        "organizations": organizations,
    }


def seed(context: dict) -> None:
    context.update(seed_reference())


def demo_logins() -> list[tuple[str, str]]:
    return [(str(role.label), username) for username, role, *_ in USERS]
