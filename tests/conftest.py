"""Persona fixtures and the rules for tests that need real servers.

Tests marked ``postgres`` need the suite to run on PostgreSQL, ``redis`` a Redis
server (TEST_REDIS_URL), ``browser`` Debian's Chromium. Outside CI they are
skipped, with the reason, when the server is missing; with CI=true a missing
server fails the run instead.
"""

import os
import shutil

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from tests.factories import DeskFactory, UserFactory

CHROMIUM = "/usr/bin/chromium"


def _missing(marker: str) -> str | None:
    if marker == "postgres" and connection.vendor != "postgresql":
        return "needs PostgreSQL (set DATABASE_URL or start the local server)"
    if marker == "redis" and not os.environ.get("TEST_REDIS_URL"):
        return "needs Redis (TEST_REDIS_URL)"
    if marker == "browser" and not shutil.which(CHROMIUM):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    in_ci = os.environ.get("CI", "").lower() == "true"
    for item in items:
        for marker in ("postgres", "redis", "browser"):
            if marker not in item.keywords:
                continue
            reason = _missing(marker)
            if reason and in_ci:
                raise pytest.UsageError(f"CI=true but {item.nodeid} {reason}")
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code called directly (services, commands) speaks English in tests;
    requests still choose their language as in production."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush the database after they run, taking the
    migrations' reference data (countries, role groups) with it."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from tracker.reference import ensure_reference_data

        ensure_reference_data()


@pytest.fixture
def desk(db):
    return DeskFactory(code="asia", name_en="Asia Division", name_zh="亚洲处")


@pytest.fixture
def other_desk(db):
    return DeskFactory(code="africa", name_en="Africa Division", name_zh="非洲处")


@pytest.fixture
def officer(desk):
    return UserFactory(username="officer", role="desk_officer", desks=[desk])


@pytest.fixture
def other_officer(other_desk):
    return UserFactory(username="outsider", role="desk_officer", desks=[other_desk])


@pytest.fixture
def chief(desk):
    user = UserFactory(username="chief", role="division_chief", desks=[desk])
    desk.chief = user
    desk.save(update_fields=["chief"])
    return user


@pytest.fixture
def leader(db):
    return UserFactory(username="leader", role="leadership")


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", role="viewer")


@pytest.fixture
def administrator(db):
    """The administrator role as deployed: staff, not a superuser."""
    return UserFactory(username="admin", role="administrator", is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(officer):
    return _client_for(officer)


@pytest.fixture
def other_officer_client(other_officer):
    return _client_for(other_officer)


@pytest.fixture
def chief_client(chief):
    return _client_for(chief)


@pytest.fixture
def leader_client(leader):
    return _client_for(leader)


@pytest.fixture
def viewer_client(viewer):
    return _client_for(viewer)


@pytest.fixture
def admin_client_(administrator):
    return _client_for(administrator)


@pytest.fixture
def superuser_client(superuser):
    return _client_for(superuser)


@pytest.fixture
def anon_client():
    return Client()


@pytest.fixture
def login_as():
    """Client logged in as any user: ``login_as(user)``."""
    return _client_for
