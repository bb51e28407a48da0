import datetime

import pytest

from agreements.events.selectors import events_upcoming, events_with_readiness
from agreements.models import Agreement, Event

pytestmark = pytest.mark.django_db
S = Agreement.State
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def summit(desk, other_desk):
    """An event of one desk targeting documents of two."""
    event = Event.objects.create(
        name_en="Summit",
        kind=Event.Kind.STATE_VISIT,
        starts_on=TODAY + datetime.timedelta(days=10),
        desk=desk,
    )
    for owner, state in (
        (desk, S.READY),
        (desk, S.NEGOTIATING),
        (desk, S.WITHDRAWN),
        (other_desk, S.SIGNED),
        (other_desk, S.APPROVAL),
    ):
        Agreement.objects.create(
            title_en=f"{owner.code} {state}",
            desk=owner,
            state=state,
            target_event=event,
        )
    return event


def test_it_counts_only_the_documents_the_user_may_see(summit, officer, leader):
    mine = events_with_readiness(user=officer).get(pk=summit.pk)
    assert (mine.targeted, mine.ready) == (2, 1)
    everything = events_with_readiness(user=leader).get(pk=summit.pk)
    assert (everything.targeted, everything.ready) == (4, 2)


def test_it_lists_the_event_list_counts_within_the_users_desks(summit, officer_client):
    from django.urls import reverse

    body = officer_client.get(
        reverse("events:list"), {"when": "all"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "1 of 2" in body


def test_it_narrows_upcoming_events_to_one_desk(summit, leader, desk, other_desk):
    Event.objects.create(
        name_en="Elsewhere",
        kind=Event.Kind.FORUM,
        starts_on=TODAY + datetime.timedelta(days=5),
        desk=other_desk,
    )
    upcoming = events_upcoming(user=leader, today=TODAY, days=90)
    assert [e.name_en for e in upcoming] == ["Elsewhere", "Summit"]
    mine = events_upcoming(user=leader, today=TODAY, days=90, desk=desk)
    assert [e.name_en for e in mine] == ["Summit"]
