"""Each document stores its counterparts' regions (``counterpart_regions``),
which every way of changing its parties keeps right."""

import pytest
from django.urls import reverse

from agreements import services
from agreements.models import Agreement, AgreementParty
from tests.factories import AgreementFactory
from tests.factories.tracker import country
from tests.projects.at_once import two_writes_at_once
from tests.projects.migrating import migrate_back, migrate_forward

pytestmark = pytest.mark.django_db


def stored(agreement: Agreement) -> str:
    return Agreement.objects.values_list("counterpart_regions", flat=True).get(
        pk=agreement.pk
    )


def from_scratch() -> dict[int, str]:
    regions: dict[int, set[str]] = {
        pk: set() for pk in Agreement.objects.values_list("pk", flat=True)
    }
    parties = AgreementParty.objects.filter(side="counterpart", country__isnull=False)
    for agreement_id, region in parties.values_list("agreement_id", "country__region"):
        regions[agreement_id].add(region)
    return {pk: ",".join(sorted(found)) for pk, found in regions.items()}


def all_stored() -> dict[int, str]:
    return dict(Agreement.objects.values_list("pk", "counterpart_regions"))


def test_creating_a_document_stores_its_counterparts_regions(desk, officer):
    agreement = services.agreement_create(
        by=officer,
        parties=[
            {"country": country("PAK")},
            {"country": country("KEN")},
            {"country": country("ETH")},
        ],
        title_en="Trilateral MoU",
        desk=desk,
    )
    assert stored(agreement) == "africa,asia"


def test_adding_changing_and_removing_a_party_follow(desk, officer):
    agreement = AgreementFactory(desk=desk, parties=["KEN"])
    assert stored(agreement) == "africa"
    party = services.agreement_party_save(
        agreement=agreement, by=officer, country=country("PER")
    )
    assert stored(agreement) == "africa,americas"
    services.agreement_party_save(
        agreement=agreement, by=officer, party=party, country=country("FRA")
    )
    assert stored(agreement) == "africa,europe"
    kenya = agreement.parties.get(country="KEN")
    services.agreement_party_delete(party=kenya, by=officer)
    assert stored(agreement) == "europe"
    services.agreement_party_delete(party=party, by=officer)
    assert stored(agreement) == ""


def test_saving_a_document_read_before_its_parties_changed_keeps_them(desk, officer):
    agreement = AgreementFactory(desk=desk, parties=["KEN"])
    read_before = Agreement.objects.get(pk=agreement.pk)
    services.agreement_party_save(
        agreement=agreement, by=officer, country=country("VNM")
    )
    services.agreement_update(agreement=read_before, by=officer, title_en="Renamed")
    assert stored(agreement) == "africa,asia"


def test_the_edit_page_stores_the_regions_of_the_parties_it_saves(
    desk, officer, officer_client
):
    agreement = AgreementFactory(desk=desk, officer=officer, parties=["KEN"])
    kenya = agreement.parties.get(country="KEN")
    response = officer_client.post(
        reverse("agreements:edit", args=[agreement.pk]),
        {
            "version": agreement.version,
            "title_en": agreement.title_en,
            "kind": agreement.kind,
            "desk": desk.pk,
            "renewal": "none",
            "enters_on_signature": "on",
            "parties-TOTAL_FORMS": "2",
            "parties-INITIAL_FORMS": "1",
            "parties-0-id": kenya.pk,
            "parties-0-country": "KEN",
            "parties-0-DELETE": "on",
            "parties-1-country": "BRA",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert stored(agreement) == "americas"


def _admin_form_data(response) -> dict:
    """What the admin's change form would post back unchanged."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    return data


def test_the_admin_stores_the_regions_of_the_parties_inline(superuser_client, desk):
    agreement = AgreementFactory(desk=desk, parties=["KEN"])
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    data = _admin_form_data(superuser_client.get(url))
    count = int(data["parties-TOTAL_FORMS"])
    data["parties-TOTAL_FORMS"] = count + 1
    data[f"parties-{count}-side"] = "counterpart"
    data[f"parties-{count}-country"] = "NZL"
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert stored(agreement) == "africa,oceania"


def test_a_country_moved_to_another_region_moves_its_documents(superuser_client, desk):
    with_kenya = AgreementFactory(desk=desk, parties=["KEN", "PAK"])
    without = AgreementFactory(desk=desk, parties=["ETH"])
    kenya = country("KEN")
    url = reverse("admin:tracker_country_change", args=["KEN"])
    response = superuser_client.post(
        url,
        {
            "code": "KEN",
            "alpha2": kenya.alpha2,
            "name_en": kenya.name_en,
            "name_zh": kenya.name_zh,
            "region": "europe",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert stored(with_kenya) == "asia,europe"
    assert stored(without) == "africa"


def test_the_refresh_of_every_document_matches_their_parties(desk):
    for partners in (["KEN"], ["PER", "FRA"], []):
        AgreementFactory(desk=desk, parties=partners)
    Agreement.objects.update(counterpart_regions="wrong")
    services.agreement_regions_refresh()
    assert all_stored() == from_scratch()
    assert sorted(all_stored().values()) == ["", "africa", "americas,europe"]


BEFORE = [("agreements", "0008_withdrawn_and_event_state_indexes")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_regions_of_existing_documents(desk):
    apps = migrate_back(BEFORE)
    old_agreement = apps.get_model("agreements", "Agreement")
    old_party = apps.get_model("agreements", "AgreementParty")
    for partners in (["KEN", "VNM"], ["BRA"], []):
        document = old_agreement.objects.create(title_en="Old", desk_id=desk.pk)
        old_party.objects.create(agreement=document, side="chinese")
        for code in partners:
            old_party.objects.create(
                agreement=document, side="counterpart", country_id=code
            )
    migrate_forward()
    assert all_stored() == from_scratch()
    assert sorted(all_stored().values()) == ["", "africa,asia", "americas"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_parties_added_at_once_the_later_refresh_counts_both(desk):
    agreement = AgreementFactory(desk=desk, parties=[])

    def add(first: bool) -> None:
        AgreementParty.objects.create(
            agreement_id=agreement.pk,
            side="counterpart",
            country=country("KEN" if first else "PER"),
        )

    two_writes_at_once(
        add, lambda: services.agreement_regions_refresh(agreement_ids=[agreement.pk])
    )
    assert stored(agreement) == "africa,americas"
