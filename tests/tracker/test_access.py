from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_it_logs_in_with_the_right_password(anon_client, officer):
    response = anon_client.post(
        reverse("login"), {"username": "officer", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("tracker:home")


def test_it_refuses_a_wrong_password_with_a_clear_message(anon_client, officer):
    response = anon_client.post(
        reverse("login"),
        {"username": "officer", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "The username or password is not correct" in response.content.decode()
    assert "_auth_user_id" not in anon_client.session


def test_it_logs_out_by_post_only(officer_client):
    assert officer_client.get(reverse("logout")).status_code == 405
    response = officer_client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in officer_client.session


def test_it_changes_a_password(officer, officer_client):
    response = officer_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a fresh passphrase 2026",
            "new_password2": "a fresh passphrase 2026",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a fresh passphrase 2026")


def test_it_sends_anonymous_visitors_to_login(anon_client):
    for name in ["tracker:home", "tracker:preferences", "password_change"]:
        url = reverse(name)
        response = anon_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_it_keeps_the_health_check_and_login_public(anon_client):
    assert anon_client.get(reverse("healthz")).status_code == 200
    assert anon_client.get(reverse("login")).status_code == 200


def test_it_shows_the_admin_only_to_administrators(
    admin_client_, officer_client, viewer_client
):
    assert admin_client_.get("/admin/").status_code == 200
    for client in (officer_client, viewer_client):
        assert client.get("/admin/").status_code == 302


def test_it_renders_a_translated_404(officer_client):
    response = officer_client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404


def test_it_counts_desk_membership_and_roles_once_per_request(
    officer, desk, django_assert_num_queries
):
    from tracker.permissions import can_edit_desk, user_desk_ids, user_roles

    user = type(officer).objects.get(pk=officer.pk)
    with django_assert_num_queries(2):
        for _ in range(3):
            user_roles(user)
            user_desk_ids(user)
            assert can_edit_desk(user, desk.pk)


def test_it_lets_only_desk_editors_edit_their_own_desk(
    officer, other_officer, chief, leader, viewer, desk
):
    from tracker.permissions import can_edit_desk, can_view_desk

    assert can_edit_desk(officer, desk.pk) and can_edit_desk(chief, desk.pk)
    assert not can_view_desk(other_officer, desk.pk)
    assert can_view_desk(leader, desk.pk) and not can_edit_desk(leader, desk.pk)
    assert can_view_desk(viewer, desk.pk) and not can_edit_desk(viewer, desk.pk)
    member_without_role = UserFactory(username="norole", desks=[desk])
    assert not can_edit_desk(member_without_role, desk.pk)


def test_it_ends_a_session_after_the_idle_time(officer_client, settings):
    response = officer_client.get(reverse("tracker:home"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # A request pushes the expiry forward by the idle time, no further.
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
    assert officer_client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_a_session_is_saved_at_most_once_a_touch_interval(officer_client, settings):
    """Page views in quick succession do not each write the session; the
    first after the interval does, and moves the expiry on."""
    url, start = reverse("tracker:brief"), 1_000_000.0

    def get_at(seconds):
        clock = mock.Mock(time=mock.Mock(return_value=start + seconds))
        with (
            mock.patch("tracker.middleware.time", clock),
            CaptureQueriesContext(connection) as queries,
        ):
            response = officer_client.get(url)
        assert response.status_code == 200
        saved = any(q["sql"].startswith('UPDATE "django_session"') for q in queries)
        return response, saved

    first, saved = get_at(0)
    assert saved and settings.SESSION_COOKIE_NAME in first.cookies
    soon, saved = get_at(settings.SESSION_TOUCH_SECONDS - 1)
    assert not saved and settings.SESSION_COOKIE_NAME not in soon.cookies
    later, saved = get_at(settings.SESSION_TOUCH_SECONDS)
    assert saved
    cookie = later.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE


def test_it_does_not_start_a_session_for_a_visitor(anon_client, settings):
    response = anon_client.get(reverse("login"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
