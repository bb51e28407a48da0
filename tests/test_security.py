"""Forged requests and hostile text, across the apps."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    EventFactory,
    NegotiationRoundFactory,
    ProjectFactory,
    agreement_in,
)

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script>'


def test_it_refuses_a_state_change_without_a_csrf_token(officer, desk):
    agreement = agreement_in("negotiating", desk=desk)
    NegotiationRoundFactory(agreement=agreement)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    url = reverse("agreements:transition", args=[agreement.pk, "agree_text"])
    response = client.post(url, {"comment": ""})
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.state == "negotiating"


def test_it_refuses_a_forged_post_for_another_desks_record(other_officer_client, desk):
    agreement = agreement_in("negotiating", desk=desk)
    NegotiationRoundFactory(agreement=agreement)
    project = ProjectFactory(desk=desk)
    for url, data in (
        (reverse("agreements:transition", args=[agreement.pk, "agree_text"]), {}),
        (
            reverse("projects:transition", args=[project.pk, "suspend"]),
            {"comment": "x"},
        ),
        (reverse("agreements:edit", args=[agreement.pk]), {"title_en": "Mine now"}),
    ):
        assert other_officer_client.post(url, data).status_code == 404
    agreement.refresh_from_db()
    project.refresh_from_db()
    assert (agreement.state, agreement.title_en != "Mine now") == ("negotiating", True)
    assert project.status == "implementation"


def test_it_escapes_user_text_on_every_page_that_shows_it(leader_client, desk):
    agreement = agreement_in("negotiating", desk=desk, title_en=HOSTILE)
    project = ProjectFactory(desk=desk, name_en=HOSTILE)
    event = EventFactory(desk=desk, name_en=HOSTILE)
    for url in (
        reverse("agreements:list"),
        reverse("agreements:detail", args=[agreement.pk]),
        reverse("projects:list"),
        reverse("projects:detail", args=[project.pk]),
        reverse("events:list"),
        reverse("events:detail", args=[event.pk]),
        reverse("tracker:home"),
    ):
        body = leader_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert HOSTILE not in body, url
    body = leader_client.get(reverse("agreements:list")).content.decode()
    assert "&lt;script&gt;" in body
