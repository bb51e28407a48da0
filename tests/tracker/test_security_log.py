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
