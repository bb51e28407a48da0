import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_chooses_the_browser_language_by_default(anon_client):
    zh = anon_client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    en = anon_client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert zh["Content-Language"] == "zh-hans"
    assert "登录" in zh.content.decode()
    assert en["Content-Language"] == "en"
    assert "Log in" in en.content.decode()


def test_it_remembers_the_language_a_user_chooses(officer, officer_client):
    response = officer_client.post(
        reverse("tracker:set_language"), {"language": "zh-hans", "next": "/"}
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.language == "zh-hans"
    # The choice wins over the browser's language on the next request.
    page = officer_client.get(reverse("tracker:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "zh-hans"


def test_it_refuses_an_unknown_language_with_a_message(officer, officer_client):
    response = officer_client.post(
        reverse("tracker:set_language"),
        {"language": "xx-evil", "next": "/"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Unknown language: xx-evil." in response.content.decode()
    officer.refresh_from_db()
    assert officer.language == "en"


def test_it_does_not_redirect_off_site_after_switching(officer_client):
    response = officer_client.post(
        reverse("tracker:set_language"),
        {"language": "en", "next": "https://evil.example.com/"},
    )
    assert response["Location"] == "/"


def test_it_switches_language_by_post_only(officer_client):
    assert officer_client.get(reverse("tracker:set_language")).status_code == 405


def test_it_saves_preferences(officer, officer_client):
    response = officer_client.post(
        reverse("tracker:preferences"),
        {
            "first_name": "Wei",
            "last_name": "Zhang",
            "email": "wei@example.org",
            "language": "zh-hans",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.first_name, officer.language) == ("Wei", "zh-hans")


def test_it_keeps_what_was_typed_when_preferences_are_invalid(officer_client):
    response = officer_client.post(
        reverse("tracker:preferences"),
        {"first_name": "Wei", "email": "not-an-address", "language": "en"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="Wei"' in body
    assert 'value="not-an-address"' in body
