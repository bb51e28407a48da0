import datetime
import re

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.factories import ProjectFactory
from workflows.models import DeliveryStatus, Digest, Mute

pytestmark = pytest.mark.django_db


def _feed(client, user):
    response = client.get(f"/workflows/calendar/{user.calendar_token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_it_serves_the_persons_deadlines_as_icalendar(
    fake_registry, desk, officer, other_officer, anon_client, settings
):
    settings.SITE_URL = "https://tracker.example.org"
    today = timezone.localdate()
    mine = ProjectFactory(
        desk=desk,
        officer=officer,
        name_en="Dry Port",
        planned_completion=today + datetime.timedelta(days=12),
    )
    ProjectFactory(
        desk=desk,
        officer=officer,
        status="completed",
        planned_completion=today + datetime.timedelta(days=3),
    )
    ProjectFactory(
        desk=other_officer.desks.get(),
        officer=other_officer,
        planned_completion=today + datetime.timedelta(days=5),
    )
    calendar = _feed(anon_client, officer)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == "Planned completion: Dry Port"
    assert event.decoded("DTSTART") == mine.planned_completion
    assert event.decoded("DTEND") == mine.planned_completion + datetime.timedelta(1)
    assert str(event["URL"]) == f"https://tracker.example.org/projects/{mine.pk}/"


def test_the_chief_sees_the_desks_deadlines_in_chinese(
    fake_registry, desk, officer, chief, anon_client
):
    chief.language = "zh-hans"
    chief.save()
    ProjectFactory(
        desk=desk,
        officer=officer,
        name_zh="无水港",
        planned_completion=timezone.localdate(),
    )
    [event] = _feed(anon_client, chief).walk("VEVENT")
    assert "无水港" in str(event["SUMMARY"])


def test_a_wrong_or_reset_token_gets_404(officer, officer_client, anon_client):
    assert anon_client.get("/workflows/calendar/not-the-token.ics").status_code == 404
    old = officer.calendar_token
    assert anon_client.get(f"/workflows/calendar/{old}.ics").status_code == 200
    assert officer_client.get("/workflows/calendar/reset/").status_code == 405
    response = officer_client.post("/workflows/calendar/reset/")
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.calendar_token != old
    assert anon_client.get(f"/workflows/calendar/{old}.ics").status_code == 404
    assert (
        anon_client.get(f"/workflows/calendar/{officer.calendar_token}.ics")
    ).status_code == 200


def test_it_saves_what_a_person_mutes(fake_registry, officer, officer_client):
    page = officer_client.get("/workflows/preferences/")
    assert page.status_code == 200
    assert "Planned completion" in page.content.decode()
    assert officer.calendar_token in page.content.decode()
    response = officer_client.post(
        "/workflows/preferences/",
        {"categories": ["documents", "events"], "kinds": ["test.completion"]},
    )
    assert response.status_code == 302
    assert set(Mute.objects.filter(user=officer).values_list("key", flat=True)) == {
        "documents",
        "events",
        "test.completion",
    }
    officer_client.post("/workflows/preferences/", {"categories": ["projects"]})
    assert list(Mute.objects.values_list("key", flat=True)) == ["projects"]
    page = officer_client.get("/workflows/preferences/")
    checked = re.findall(r'value="([^"]+)"[^>]*checked', page.content.decode())
    assert checked == ["projects"]


def test_preferences_need_login_and_deliveries_need_an_administrator(
    anon_client, officer_client, leader_client, admin_client_
):
    assert anon_client.get("/workflows/preferences/").status_code == 302
    assert officer_client.get("/workflows/deliveries/").status_code == 403
    assert leader_client.post("/workflows/deliveries/retry/").status_code == 403
    assert admin_client_.get("/workflows/deliveries/").status_code == 200


def test_the_admin_lists_the_ledgers_and_edits_rules(admin_client_, fake_registry):
    for model in ("reminder", "digest", "notice", "reminderrule", "mute"):
        assert admin_client_.get(f"/admin/workflows/{model}/").status_code == 200
    response = admin_client_.post(
        "/admin/workflows/reminderrule/add/",
        {
            "source": "test.completion",
            "enabled": "on",
            "lead_days": "14, 3",
            "overdue_days": "1",
            "chief_after_days": "5",
            "leadership_after_days": "20",
        },
    )
    assert response.status_code == 302
    bad = admin_client_.post(
        "/admin/workflows/reminderrule/add/",
        {
            "source": "test.completion",
            "lead_days": "soon",
            "chief_after_days": "5",
            "leadership_after_days": "20",
        },
    )
    assert bad.status_code == 200 and "whole numbers" in bad.content.decode()


@pytest.mark.parametrize("leaves", ["desk", "role"])
def test_the_feed_leaves_out_the_desk_a_person_left(
    fake_registry, desk, officer, chief, anon_client, leaves
):
    ProjectFactory(
        desk=desk,
        officer=officer,
        planned_completion=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert len(_feed(anon_client, officer).walk("VEVENT")) == 1
    if leaves == "desk":
        desk.members.remove(officer)
    else:
        officer.groups.clear()
    assert _feed(anon_client, officer).walk("VEVENT") == []
    # The desk chief still has it.
    assert len(_feed(anon_client, chief).walk("VEVENT")) == 1


def _failed_digest(user):
    return Digest.objects.create(
        recipient=user, day=timezone.localdate(), status=DeliveryStatus.FAILED
    )


def test_sending_again_counts_e_mails_in_the_singular_and_plural(
    admin_client_, officer, chief, django_capture_on_commit_callbacks
):
    _failed_digest(officer)
    with django_capture_on_commit_callbacks(execute=True):
        page = admin_client_.post("/workflows/deliveries/retry/", follow=True)
    assert "1 e-mail is being sent again." in page.content.decode()
    Digest.objects.update(status=DeliveryStatus.FAILED)
    _failed_digest(chief)
    with django_capture_on_commit_callbacks(execute=True):
        page = admin_client_.post("/workflows/deliveries/retry/", follow=True)
    assert "2 e-mails are being sent again." in page.content.decode()


def test_the_admin_counts_deliveries_sent_again_in_the_singular(admin_client_, officer):
    digest = _failed_digest(officer)
    page = admin_client_.post(
        "/admin/workflows/digest/",
        {"action": "send_digests_again", "_selected_action": [digest.pk]},
        follow=True,
    )
    assert "1 digest will be sent at the next run." in page.content.decode()
