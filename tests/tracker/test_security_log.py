import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_logs_logins_failed_logins_and_logouts(anon_client, officer, caplog):
    caplog.set_level(logging.INFO, logger="tracker.security")
    anon_client.post(reverse("login"), {"username": "officer", "password": "nope"})
    anon_client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    anon_client.post(reverse("logout"))
    lines = [r.getMessage() for r in caplog.records if r.name == "tracker.security"]
    assert lines == [
        "event=login_failed user=officer address=127.0.0.1",
        "event=login user=officer address=127.0.0.1",
        "event=logout user=officer address=127.0.0.1",
    ]


def test_it_logs_a_permission_refusal_and_shows_the_403_page(officer, caplog):
    from tracker.views import permission_denied

    request = RequestFactory().post("/documents/1/edit/", REMOTE_ADDR="10.1.2.3")
    request.user = officer
    caplog.set_level(logging.WARNING, logger="tracker.security")
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert caplog.records[-1].getMessage() == (
        "event=permission_denied user=officer address=10.1.2.3 "
        "method=POST path=/documents/1/edit/"
    )


def test_it_throttles_repeated_failed_logins(anon_client, officer, settings):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = anon_client.post(url, {"username": "officer", "password": "bad"})
        assert response.status_code == 200
    response = anon_client.post(url, {"username": "officer", "password": "bad"})
    assert response.status_code == 429
    # Even the right password is refused while the pair is locked out.
    response = anon_client.post(
        url, {"username": "officer", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in anon_client.session


def test_it_does_not_lock_out_a_user_for_another_addresss_failures(
    anon_client, officer, settings
):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anon_client.post(
            url, {"username": "officer", "password": "bad"}, REMOTE_ADDR="10.9.9.9"
        )
    response = anon_client.post(url, {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
