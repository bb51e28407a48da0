"""Every URL of the project, for every persona, on real objects.

A URL pattern with no entry in MATRIX fails the test, so no page can be added
without saying who may reach it. Records of the Asia desk return 404 to the
officer of another desk: their existence is not revealed.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from agreements.models import AgreementFile, NegotiationRound
from projects.models import ProjectOrganization, Rag
from tests.factories import (
    AgreementPartyFactory,
    EventFactory,
    MilestoneFactory,
    NegotiationRoundFactory,
    OrganizationFactory,
    ProgressLogFactory,
    ProjectFactory,
    agreement_in,
)

PERSONAS = (
    "anonymous",
    "officer",
    "other_officer",
    "chief",
    "leader",
    "viewer",
    "administrator",
)
LOGIN = "login"  # a redirect to the login page


def expect(anonymous=LOGIN, *, desk, other, readers, admin=None):
    """Expected outcome per persona: desk = officer and chief of the record's
    desk, other = officer of another desk, readers = leadership and viewer."""
    return {
        "anonymous": anonymous,
        "officer": desk,
        "chief": desk,
        "other_officer": other,
        "leader": readers,
        "viewer": readers,
        "administrator": readers if admin is None else admin,
    }


SIGNED_IN = expect(desk=200, other=200, readers=200)
READ = expect(desk=200, other=404, readers=200)
WRITE_FORM = expect(desk=200, other=404, readers=403)
# A valid change, sent with DATA below: it must succeed (302) for the desk.
WRITE_POST = expect(desk=302, other=404, readers=403)
CREATE = expect(desk=200, other=200, readers=403)
ADMIN_ONLY = expect(desk=403, other=403, readers=403, admin=200)
POST_ONLY = expect(desk=405, other=405, readers=405)

# name: (method, url kwargs from the world, expected per persona)
MATRIX = {
    # tracker
    "tracker:home": ("get", {}, SIGNED_IN),
    "tracker:preferences": ("get", {}, SIGNED_IN),
    "tracker:brief": ("get", {}, SIGNED_IN),
    "tracker:set_language": ("post", {}, dict.fromkeys(PERSONAS, 302)),
    "tracker:lookup_organizations": ("get", {}, SIGNED_IN),
    "tracker:lookup_countries": ("get", {}, SIGNED_IN),
    "healthz": ("get", {}, dict.fromkeys(PERSONAS, 200)),
    "login": ("get", {}, dict.fromkeys(PERSONAS, 200)),
    "logout": ("post", {}, dict.fromkeys(PERSONAS, LOGIN)),
    "password_change": ("get", {}, SIGNED_IN),
    "password_change_done": ("get", {}, SIGNED_IN),
    # documents
    "agreements:list": ("get", {}, SIGNED_IN),
    "agreements:create": ("get", {}, CREATE),
    "agreements:lifecycle": ("get", {}, SIGNED_IN),
    "agreements:detail": ("get", {"pk": "agreement"}, READ),
    "agreements:edit": ("get", {"pk": "agreement"}, WRITE_FORM),
    "agreements:transition": (
        "get",
        {"pk": "agreement", "name": "agree_text"},
        expect(desk=200, other=404, readers=403) | {"leader": 200},
    ),
    "agreements:round_create": ("post", {"pk": "agreement"}, WRITE_POST),
    "agreements:file_upload": ("post", {"pk": "agreement"}, WRITE_POST),
    "agreements:file_download": ("get", {"pk": "agreement", "file_pk": "file"}, READ),
    "agreements:file_delete": (
        "post",
        {"pk": "agreement", "file_pk": "file"},
        WRITE_POST,
    ),
    "agreements:lookup_officers": ("get", {}, SIGNED_IN),
    "agreements:lookup_agreements": ("get", {}, SIGNED_IN),
    # projects
    "projects:list": ("get", {}, SIGNED_IN),
    "projects:create": ("get", {}, CREATE),
    "projects:import": ("get", {}, ADMIN_ONLY),
    "projects:lookup_agreements": ("get", {}, SIGNED_IN),
    "projects:lookup_events": ("get", {}, SIGNED_IN),
    "projects:detail": ("get", {"pk": "project"}, READ),
    "projects:edit": ("get", {"pk": "project"}, WRITE_FORM),
    "projects:history": ("get", {"pk": "project"}, READ),
    # Leadership may run any transition; it changes records only that way.
    "projects:transition": (
        "post",
        {"pk": "project", "name": "suspend"},
        WRITE_POST | {"leader": 302},
    ),
    "projects:log_progress": ("post", {"pk": "project"}, WRITE_POST),
    "projects:progress_correct": (
        "get",
        {"pk": "project", "log_pk": "progress_log"},
        WRITE_FORM,
    ),
    "projects:milestone_create": ("get", {"pk": "project"}, WRITE_FORM),
    "projects:milestone_edit": (
        "get",
        {"pk": "project", "milestone_pk": "milestone"},
        WRITE_FORM,
    ),
    "projects:milestone_rebaseline": (
        "get",
        {"pk": "project", "milestone_pk": "milestone"},
        expect(desk=403, other=404, readers=403) | {"leader": 200},
    ),
    "projects:organization_add": ("post", {"pk": "project"}, WRITE_POST),
    "projects:organization_remove": (
        "post",
        {"pk": "project", "link_pk": "organization_link"},
        WRITE_POST,
    ),
    # events
    "events:list": ("get", {}, SIGNED_IN),
    "events:calendar": ("get", {}, SIGNED_IN),
    "events:create": ("get", {}, CREATE),
    "events:detail": ("get", {"pk": "event"}, READ),
    "events:edit": ("get", {"pk": "event"}, WRITE_FORM),
    "events:deliverable_add": ("post", {"pk": "event"}, WRITE_POST),
    "events:deliverable_remove": ("post", {"pk": "event"}, WRITE_POST),
    "events:lookup_deliverables": ("get", {"pk": "event"}, WRITE_FORM),
    # reminders
    "workflows:preferences": ("get", {}, SIGNED_IN),
    "workflows:calendar_reset": ("post", {}, expect(desk=302, other=302, readers=302)),
    "workflows:calendar": (
        "get",
        {"token": "not-a-token"},
        dict.fromkeys(PERSONAS, 404),
    ),
    "workflows:deliveries": ("get", {}, ADMIN_ONLY),
    "workflows:deliveries_retry": ("post", {}, ADMIN_ONLY | {"administrator": 302}),
}


def data(world) -> dict[str, dict]:
    """A valid POST body for each URL that changes something."""
    today = timezone.localdate().isoformat()
    return {
        "agreements:round_create": {
            "held_on": today,
            "venue_kind": NegotiationRound.Venue.choices[0][0],
            "venue": "Beijing",
            "outcome": "Text agreed.",
        },
        "agreements:file_upload": {
            "kind": AgreementFile.Kind.choices[0][0],
            "language": AgreementFile.Language.choices[0][0],
            "version": "1",
            "upload": SimpleUploadedFile("text.txt", b"Article 1."),
        },
        "projects:transition": {"comment": "Funding paused."},
        "projects:log_progress": {
            "reported_on": today,
            "percent_complete": "40",
            "rag": Rag.GREEN,
            "summary": "Foundations laid.",
        },
        "projects:organization_add": {
            "organization": world["spare_organization"],
            "role": ProjectOrganization.Role.choices[0][0],
        },
        "events:deliverable_add": {"deliverable": f"project:{world['project']}"},
        "events:deliverable_remove": {"deliverable": f"agreement:{world['agreement']}"},
    }


# The Django admin: staff only; each registered model's list is checked.
ADMIN_NAMESPACE = "admin"


def url_names() -> set[str]:
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                if ns == ADMIN_NAMESPACE:
                    continue
                yield from walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns))


def test_it_has_an_entry_for_every_url():
    names = url_names()
    assert names - set(MATRIX) == set(), "add these URLs to the permission matrix"
    assert set(MATRIX) - names == set(), "these URLs no longer exist"


@pytest.fixture
def world(settings, tmp_path, desk, officer, chief, leader):
    settings.MEDIA_ROOT = tmp_path
    agreement = agreement_in("negotiating", desk=desk, officer=officer)
    AgreementPartyFactory(agreement=agreement)
    NegotiationRoundFactory(agreement=agreement)
    document = AgreementFile.objects.create(
        agreement=agreement,
        kind=AgreementFile.Kind.choices[0][0],
        language=AgreementFile.Language.choices[0][0],
        file=SimpleUploadedFile("text.txt", b"Article 1."),
        original_name="text.txt",
        size=10,
    )
    event = EventFactory(desk=desk)
    agreement.target_event = event
    agreement.save()
    project = ProjectFactory(desk=desk, officer=officer)
    link = ProjectOrganization.objects.create(
        project=project, organization=OrganizationFactory(), role="financier"
    )
    return {
        "agreement": agreement.pk,
        "file": document.pk,
        "project": project.pk,
        "milestone": MilestoneFactory(project=project).pk,
        "progress_log": ProgressLogFactory(project=project, author=officer).pk,
        "organization_link": link.pk,
        "spare_organization": OrganizationFactory().pk,
        "event": event.pk,
    }


@pytest.fixture
def clients(officer, other_officer, chief, leader, viewer, administrator):
    users = {
        "officer": officer,
        "other_officer": other_officer,
        "chief": chief,
        "leader": leader,
        "viewer": viewer,
        "administrator": administrator,
    }
    result = {"anonymous": Client()}
    for persona, user in users.items():
        result[persona] = Client()
        result[persona].force_login(user)
    return result


def _outcome(response, persona: str) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(
        reverse("login")
    ):
        return LOGIN
    return response.status_code


@pytest.mark.django_db
def test_every_persona_gets_the_expected_answer_from_every_url(world, clients):
    bodies = data(world)
    failures = []
    # Logging out ends each persona's session, so it goes last.
    for name, (method, kwargs, expected) in sorted(
        MATRIX.items(), key=lambda item: (item[0] == "logout", item[0])
    ):
        url = reverse(name, kwargs={k: world.get(v, v) for k, v in kwargs.items()})
        for persona in PERSONAS:
            # Each request starts from the same world: what one persona's
            # POST changes is rolled back before the next one tries.
            with transaction.atomic():
                body = bodies.get(name, {})
                if "upload" in body:
                    body["upload"].seek(0)
                response = getattr(clients[persona], method)(url, body)
                transaction.set_rollback(True)
            observed = _outcome(response, persona)
            if observed != expected[persona]:
                failures.append(f"{name} {persona}: {observed} != {expected[persona]}")
    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
def test_the_admin_is_for_administrators_only(clients, superuser):
    """Administrators manage users, desks, reference data and reminder
    settings; the records themselves change only through the app, except for
    a superuser."""
    from django.contrib import admin

    clients["superuser"] = Client()
    clients["superuser"].force_login(superuser)
    managed = {"tracker", "workflows"}
    urls = {
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist"): (
            m._meta.app_label in managed
        )
        for m in admin.site._registry
        if m._meta.app_label not in {"auth", "axes"}
    }
    assert clients["administrator"].get(reverse("admin:index")).status_code == 200
    for url, administered in urls.items():
        assert clients["superuser"].get(url).status_code == 200, url
        expected = 200 if administered else 403
        assert clients["administrator"].get(url).status_code == expected, url
        for persona in ("anonymous", "officer", "chief", "leader", "viewer"):
            response = clients[persona].get(url)
            assert response.status_code == 302, (url, persona)
            assert "login/" in response["Location"]


@pytest.mark.django_db
def test_an_administrator_cannot_make_themselves_a_superuser(clients, administrator):
    url = reverse("admin:tracker_user_change", args=[administrator.pk])
    page = clients["administrator"].get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="user_permissions"' not in page.content.decode()
