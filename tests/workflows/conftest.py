"""A small deadline source over projects' planned completion date, registered
in place of the real ones, so the reminder machinery is tested on its own."""

import datetime
import smtplib

import pytest
from django.conf import settings
from django.core.mail.backends import locmem
from django.db.models import F

from projects.models import Project
from tests.factories import ProjectFactory
from workflows.deadlines import Category, deadline_source, registry

TODAY = datetime.date(2026, 3, 2)
KEY = "test.completion"


def completion_source(today):
    return Project.objects.active().annotate(
        due_on=F("planned_completion"),
        due_officer_id=F("officer_id"),
        due_desk_id=F("desk_id"),
    )


@pytest.fixture
def fake_registry(monkeypatch):
    monkeypatch.setattr(registry, "sources", {})
    monkeypatch.setattr(registry, "notices", {})
    monkeypatch.setattr(registry, "daily_jobs", {})
    deadline_source(KEY, category=Category.PROJECTS, label="Planned completion")(
        completion_source
    )
    return registry


@pytest.fixture
def due_project(desk, officer, fake_registry):
    """``due_project(days)``: an active project of the desk, the officer's,
    due that many days after TODAY (negative: overdue)."""

    def make(days: int, **kwargs):
        kwargs.setdefault("officer", officer)
        kwargs.setdefault("desk", desk)
        return ProjectFactory(
            planned_completion=TODAY + datetime.timedelta(days=days), **kwargs
        )

    return make


class FailingBackend:
    """An e-mail backend whose server refuses every message."""

    attempts = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        FailingBackend.attempts += 1
        raise smtplib.SMTPDataError(451, b"4.3.0 Try again later")


@pytest.fixture
def failing_mail(settings):
    FailingBackend.attempts = 0
    settings.EMAIL_BACKEND = "tests.workflows.conftest.FailingBackend"
    return FailingBackend


class RefusingBackend(locmem.EmailBackend):
    """Delivers as locmem does, except to the addresses in ``refused``."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.refused:
                raise smtplib.SMTPRecipientsRefused(
                    dict.fromkeys(message.to, (550, b"5.1.1 No such user"))
                )
        return super().send_messages(messages)


@pytest.fixture
def refusing_mail(settings):
    RefusingBackend.refused = set()
    settings.EMAIL_BACKEND = "tests.workflows.conftest.RefusingBackend"
    return RefusingBackend


class SlowBackend(locmem.EmailBackend):
    """Delivers as locmem does; each message takes a whole lease on ``clock``."""

    clock = 0.0

    def send_messages(self, messages):
        SlowBackend.clock += settings.REMINDER_LEASE_SECONDS * len(messages)
        return super().send_messages(messages)


@pytest.fixture
def slow_mail(settings):
    SlowBackend.clock = 0.0
    settings.EMAIL_BACKEND = "tests.workflows.conftest.SlowBackend"
    return SlowBackend
