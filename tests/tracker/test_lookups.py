import pytest
from django.urls import reverse

from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _values(client, name, query):
    response = client.get(reverse(f"tracker:{name}"), {"q": query})
    assert response.status_code == 200
    return [row["value"] for row in response.json()["results"]]


def test_it_lets_every_signed_in_user_search_all_countries(
    officer_client, other_officer_client, viewer_client
):
    for client in (officer_client, other_officer_client, viewer_client):
        assert _values(client, "lookup_countries", "kenya") == ["KEN"]
        assert _values(client, "lookup_countries", "肯尼亚") == ["KEN"]
        assert _values(client, "lookup_countries", "ken") == ["KEN"]
        assert _values(client, "lookup_countries", " ") == []


def test_it_lets_every_signed_in_user_search_all_organisations(
    officer_client, viewer_client
):
    found = OrganizationFactory(name_en="Kenya Ports Authority")
    OrganizationFactory(name_en="Other Body")
    for client in (officer_client, viewer_client):
        assert _values(client, "lookup_organizations", "ports") == [found.pk]


def test_it_sends_anonymous_visitors_to_the_login_page(anon_client):
    for name in ("lookup_countries", "lookup_organizations"):
        response = anon_client.get(reverse(f"tracker:{name}"), {"q": "ken"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
