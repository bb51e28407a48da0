import io

import pytest
from django.core.management import call_command

from tracker.models import Country, Desk, Organization, User

pytestmark = pytest.mark.django_db


def test_it_loads_every_iso_country_with_both_names_and_a_region():
    assert Country.objects.count() == 249
    kenya = Country.objects.get(code="KEN")
    assert (kenya.alpha2, kenya.name_en, kenya.name_zh, kenya.region) == (
        "KE",
        "Kenya",
        "肯尼亚",
        "africa",
    )
    assert Country.objects.get(code="CHN").name_zh == "中国"
    assert not Country.objects.filter(name_zh="").exists()
    assert not Country.objects.filter(region="").exists()


def test_it_shows_the_name_in_the_active_language():
    from django.utils import translation

    pakistan = Country.objects.get(code="PAK")
    with translation.override("zh-hans"):
        assert str(pakistan) == "巴基斯坦"
    with translation.override("en"):
        assert str(pakistan) == "Pakistan"


def test_it_seeds_demo_data_idempotently():
    call_command("seed_demo", stdout=io.StringIO())
    counts = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == counts
    assert counts[0] >= 5 and counts[1] >= 8


def test_it_gives_every_demo_role_a_login():
    call_command("seed_demo", stdout=io.StringIO())
    roles = set(User.objects.values_list("groups__name", flat=True))
    assert roles >= {
        "desk_officer",
        "division_chief",
        "leadership",
        "administrator",
        "viewer",
    }


def _counts() -> tuple:
    from django.apps import apps

    return (
        Desk.objects.count(),
        User.objects.count(),
        Organization.objects.count(),
        *(model.objects.count() for model in apps.get_models()),
    )
