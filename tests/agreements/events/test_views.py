import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.events.selectors import document_is_late, event_readiness
from agreements.models import Agreement, Event
from tests.factories import ProjectFactory, country

pytestmark = pytest.mark.django_db
S = Agreement.State


@pytest.fixture
def event(desk):
    return Event.objects.create(
        name_en="Ministerial dialogue",
        name_zh="部长级对话",
        kind=Event.Kind.MINISTERIAL_DIALOGUE,
        starts_on=timezone.localdate() + datetime.timedelta(days=10),
        desk=desk,
    )


def targeted(event, state, title="Doc", desk=None):
    return Agreement.objects.create(
        title_en=title, desk=desk or event.desk, state=state, target_event=event
    )


def test_it_judges_lateness_by_state_and_days_left():
    assert document_is_late(S.NEGOTIATING, 30)
    assert not document_is_late(S.NEGOTIATING, 31)
    assert document_is_late(S.APPROVAL, 7)
    assert not document_is_late(S.APPROVAL, 8)
    assert not document_is_late(S.READY, 0)


def test_it_computes_readiness(event, officer):
    targeted(event, S.READY, "Ready")
    targeted(event, S.SIGNED, "Signed")
    targeted(event, S.APPROVAL, "Awaiting")
    targeted(event, S.NEGOTIATING, "Behind")
    targeted(event, S.WITHDRAWN, "Dropped")
    board = event_readiness(
        event=event, user=officer, today=event.starts_on - datetime.timedelta(days=10)
    )
    assert board.days_left == 10
    assert (board.ready_count, len(board.rows), board.percent_ready) == (2, 4, 50)
    late = {row.agreement.title_en for row in board.rows if row.late}
    assert late == {"Behind"}
    assert [a.title_en for a in board.withdrawn] == ["Dropped"]


def test_it_shows_the_board_with_a_countdown(event, officer_client):
    targeted(event, S.READY, "Ready MoU")
    response = officer_client.get(
        reverse("events:detail", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "10 days to go" in body
    assert "1 of 1 documents ready" in body
    assert "Ready MoU" in body


def test_it_hides_another_desks_event(event, other_officer_client, anon_client):
    url = reverse("events:detail", args=[event.pk])
    assert other_officer_client.get(url).status_code == 404
    assert anon_client.get(url).status_code == 302


def test_it_lets_readers_see_but_not_change(event, viewer_client, leader_client):
    for client in (viewer_client, leader_client):
        assert client.get(reverse("events:detail", args=[event.pk])).status_code == 200
        assert client.get(reverse("events:edit", args=[event.pk])).status_code == 403
        assert client.get(reverse("events:create")).status_code == 403


def test_it_lists_upcoming_events_only_from_visible_desks(
    event, other_desk, officer_client
):
    Event.objects.create(
        name_en="Africa forum",
        kind=Event.Kind.FORUM,
        starts_on=event.starts_on,
        desk=other_desk,
    )
    body = officer_client.get(reverse("events:list")).content.decode()
    assert "Ministerial dialogue" in body or "部长级对话" in body
    assert "Africa forum" not in body


def test_it_draws_the_month_calendar(event, officer_client):
    response = officer_client.get(
        reverse("events:calendar"),
        {"year": event.starts_on.year, "month": event.starts_on.month},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Ministerial dialogue" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "1"}, "Ensure this value is greater than or equal to 1900."),
        ({"year": "9999"}, "Ensure this value is less than or equal to 2100."),
        ({"year": "99999999999"}, "Ensure this value is less than or equal to 2100."),
        ({"year": "2026", "month": "13"}, "less than or equal to 12."),
        ({"year": "x"}, "Enter a whole number."),
    ],
)
def test_it_shows_this_month_with_the_reason_for_a_month_out_of_range(
    officer_client, query, message
):
    response = officer_client.get(
        reverse("events:calendar"), query, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert timezone.localdate().strftime("%B %Y") in body


def test_it_offers_no_month_beyond_the_years_it_shows(officer_client):
    first = officer_client.get(
        reverse("events:calendar"), {"year": "1900", "month": "1"}
    ).content.decode()
    assert "year=1899" not in first and "year=1900&amp;month=2" in first
    last = officer_client.get(
        reverse("events:calendar"), {"year": "2100", "month": "12"}
    ).content.decode()
    assert "year=2101" not in last and "year=2100&amp;month=11" in last


def test_it_creates_an_event_and_keeps_what_was_typed_on_error(desk, officer_client):
    url = reverse("events:create")
    data = {
        "name_en": "State visit to Kenya",
        "kind": "state_visit",
        "starts_on": "2027-03-10",
        "ends_on": "2027-03-08",
        "desk": desk.pk,
        "counterparts": [country("KEN").pk],
    }
    response = officer_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The event cannot end before it starts." in response.content.decode()
    assert 'value="State visit to Kenya"' in response.content.decode()
    assert not Event.objects.exists()
    data["ends_on"] = "2027-03-12"
    response = officer_client.post(url, data)
    event = Event.objects.get()
    assert response["Location"] == reverse("events:detail", args=[event.pk])
    assert list(event.counterparts.values_list("code", flat=True)) == ["KEN"]


def test_it_refuses_an_event_for_another_desk(other_desk, officer_client):
    response = officer_client.post(
        reverse("events:create"),
        {
            "name_en": "Elsewhere",
            "kind": "forum",
            "starts_on": "2027-01-01",
            "desk": other_desk.pk,
        },
    )
    assert response.status_code == 200
    assert not Event.objects.exists()


def test_it_adds_and_removes_deliverables_from_the_event_side(event, officer_client):
    document = Agreement.objects.create(
        title_en="Plan", desk=event.desk, state=S.AGREED
    )
    project = ProjectFactory(desk=event.desk, name_en="Power plant")
    add = reverse("events:deliverable_add", args=[event.pk])
    officer_client.post(add, {"deliverable": f"agreement:{document.pk}"})
    officer_client.post(add, {"deliverable": f"project:{project.pk}"})
    document.refresh_from_db()
    project.refresh_from_db()
    assert document.target_event == event and project.launch_event == event
    lookup = officer_client.get(
        reverse("events:lookup_deliverables", args=[event.pk]), {"q": "Pla"}
    ).json()
    assert lookup == {"results": []}  # already deliverables of this event
    remove = reverse("events:deliverable_remove", args=[event.pk])
    officer_client.post(remove, {"deliverable": f"agreement:{document.pk}"})
    document.refresh_from_db()
    assert document.target_event is None
    assert document.history.first().target_event_id is None


def test_it_refuses_a_forged_deliverable_of_another_desk(
    event, other_desk, officer_client, other_officer_client
):
    foreign = Agreement.objects.create(
        title_en="Secret", desk=other_desk, state=S.AGREED
    )
    add = reverse("events:deliverable_add", args=[event.pk])
    response = officer_client.post(add, {"deliverable": f"agreement:{foreign.pk}"})
    assert response.status_code == 404
    response = other_officer_client.post(
        add, {"deliverable": f"agreement:{foreign.pk}"}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.target_event is None
    bad = officer_client.post(add, {"deliverable": "agreement:abc"}, follow=True)
    assert bad.status_code == 200


def test_it_changes_deliverables_by_post_only(event, officer_client):
    url = reverse("events:deliverable_add", args=[event.pk])
    assert officer_client.get(url).status_code == 405


@pytest.mark.parametrize("route", ["deliverable_add", "deliverable_remove"])
def test_it_turns_a_lost_race_into_a_message(event, officer_client, monkeypatch, route):
    from agreements.events import services

    document = Agreement.objects.create(
        title_en="Plan",
        desk=event.desk,
        state=S.NEGOTIATING,
        target_event=event if route == "deliverable_remove" else None,
    )
    linked = document.target_event_id
    set_deliverable = services.event_deliverable_set

    def after_another_users_transition(**kwargs):
        Agreement.objects.filter(pk=document.pk).update(state=S.AGREED)
        return set_deliverable(**kwargs)

    monkeypatch.setattr(
        services, "event_deliverable_set", after_another_users_transition
    )
    response = officer_client.post(
        reverse(f"events:{route}", args=[event.pk]),
        {"deliverable": f"agreement:{document.pk}"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert "Someone else changed “Plan”" in response.content.decode()
    assert "Readiness board" in response.content.decode()
    document.refresh_from_db()
    assert (document.state, document.target_event_id) == (S.AGREED, linked)


@pytest.mark.parametrize(
    "params",
    [{"page": "99999999999999999999999"}, {"per_page": "99999999999999999999999"}],
)
def test_odd_page_numbers_and_sizes_still_list_events(event, officer_client, params):
    response = officer_client.get(reverse("events:list"), params)
    assert response.status_code == 200
    assert [row.record for row in response.context["table"].page.object_list] == [event]
