"""ISO 3166-1 countries from pycountry, with Chinese names from its zh_CN catalogue
and regions from the world-countries data package (see tracker/data)."""

import gettext
import json
from pathlib import Path

import pycountry
from django.apps import apps

REGIONS_FILE = Path(__file__).resolve().parent / "data" / "country-regions.json"


def country_rows() -> list[dict]:
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    regions = json.loads(REGIONS_FILE.read_text())
    rows = []
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        chinese = zh.gettext(english)
        if chinese == english:
            chinese = zh.gettext(country.name)
        rows.append(
            {
                "code": country.alpha_3,
                "alpha2": country.alpha_2,
                "name_en": english,
                "name_zh": chinese,
                "region": regions[country.alpha_3],
            }
        )
    return rows


def load_countries(country_model) -> int:
    """Create or update every country; returns how many there are."""
    rows = country_rows()
    existing = set(country_model.objects.values_list("code", flat=True))
    country_model.objects.bulk_create(
        [country_model(**row) for row in rows if row["code"] not in existing]
    )
    for row in rows:
        if row["code"] in existing:
            country_model.objects.filter(code=row["code"]).update(
                alpha2=row["alpha2"],
                name_en=row["name_en"],
                name_zh=row["name_zh"],
                region=row["region"],
            )
    return len(rows)


# What the administrator role manages in the Django admin (DESIGN.md: users,
# desks, reference data, reminder settings): every model of the reference data
# app, the reminder rules and mutes, and a read-only view of what was sent.
ADMINISTRATOR_MANAGES = {"tracker": None, "workflows": {"reminderrule", "mute"}}
ADMINISTRATOR_VIEWS = {
    "workflows": {"reminder", "digest", "notice", "transitionlog"},
}


def administrator_permissions():
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    wanted = Q(pk__in=[])
    for app_label, models in ADMINISTRATOR_MANAGES.items():
        scope = Q(content_type__app_label=app_label)
        if models is not None:
            scope &= Q(content_type__model__in=models)
        wanted |= scope
    for app_label, models in ADMINISTRATOR_VIEWS.items():
        wanted |= Q(
            content_type__app_label=app_label,
            content_type__model__in=models,
            codename__startswith="view_",
        )
    return Permission.objects.filter(wanted)


def grant_role_permissions(**kwargs) -> None:
    """Give the administrator group its admin permissions. Runs after every
    migrate (the permissions exist only once each app has migrated)."""
    from django.contrib.auth.models import Group

    from .models import Role

    group, _created = Group.objects.get_or_create(name=Role.ADMINISTRATOR)
    group.permissions.add(*administrator_permissions())


def ensure_reference_data() -> None:
    """Countries, role groups and their permissions, as migrate leaves them.
    Tests that flush the database (transactional ones) call this to get them
    back."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group

    from .models import Country, Role

    if not Country.objects.exists():
        load_countries(Country)
    for name in Role.values:
        Group.objects.get_or_create(name=name)
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    grant_role_permissions()
