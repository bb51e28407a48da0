"""End to end with the real parts: a Celery worker consuming from Redis runs
the daily task against the test database, and the digest arrives at an SMTP
server started here."""

import datetime
import email
import os
import socket
import subprocess
import sys
import time
import uuid
from email import policy
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from tests.factories import MilestoneFactory, ProjectFactory
from tracker.celery import app
from workflows.models import DeliveryStatus, Digest, Reminder

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]


class Inbox:
    def __init__(self, reply: str = "250 Message accepted") -> None:
        self.reply = reply
        self.messages: list[email.message.EmailMessage] = []
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.reply.startswith("250"):
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=policy.default)
            )
        return self.reply


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _smtp(inbox: Inbox):
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    return controller


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def worker(tmp_path):
    """``worker(smtp_port)`` starts a worker on a queue of its own; it is
    stopped and its queue removed afterwards."""
    started = []
    queue = f"workflows-test-{uuid.uuid4().hex[:12]}"
    redis_url = os.environ["TEST_REDIS_URL"]

    def start(smtp_port: int):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.workflows.worker_settings",
            "WORKFLOWS_TEST_QUEUE": queue,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": redis_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "SITE_URL": "https://tracker.example.org",
            "PYTHONPATH": str(ROOT),
        }
        log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tracker",
                "worker",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((process, log))
        return queue

    yield start
    for process, log in started:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    redis.Redis.from_url(redis_url).delete(queue)


def _send_daily_task(queue: str, today: datetime.date) -> None:
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with app.connection_for_write(os.environ["TEST_REDIS_URL"]) as conn:
            app.send_task(
                "workflows.tasks.send_daily_reminders",
                kwargs={"today": today.isoformat()},
                queue=queue,
                connection=conn,
            )
    finally:
        app.conf.task_always_eager = eager


def _wait_for(condition, timeout: float, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out; worker log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def milestone(desk, officer):
    project = ProjectFactory(desk=desk, officer=officer, name_en="Dry Port")
    return MilestoneFactory(
        project=project,
        title="Groundbreaking",
        forecast_date=timezone.localdate() + datetime.timedelta(days=7),
        owner=officer,
    )


def test_the_worker_sends_the_digest_to_the_smtp_server(
    worker, milestone, officer, tmp_path
):
    inbox = Inbox()
    smtp = _smtp(inbox)
    try:
        queue = worker(smtp.port)
        _send_daily_task(queue, timezone.localdate())
        digest = _wait_for(
            lambda: Digest.objects.filter(status=DeliveryStatus.SENT).first(),
            60,
            tmp_path / "worker.log",
        )
    finally:
        smtp.stop()
    assert digest.recipient == officer
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == officer.email
    assert "1 coming up" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    url = f"https://tracker.example.org/projects/{milestone.project_id}/"
    assert "Dry Port · Groundbreaking" in text and url in text
    assert f'href="{url}"' in html
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.lead_days) == (DeliveryStatus.SENT, 7)


def test_a_refusing_smtp_server_leads_to_retries_and_a_failed_status(
    worker, milestone, officer, tmp_path
):
    inbox = Inbox(reply="451 4.3.0 Mailbox temporarily unavailable")
    smtp = _smtp(inbox)
    try:
        queue = worker(smtp.port)
        _send_daily_task(queue, timezone.localdate())
        digest = _wait_for(
            lambda: Digest.objects.filter(status=DeliveryStatus.FAILED).first(),
            60,
            tmp_path / "worker.log",
        )
    finally:
        smtp.stop()
    assert digest.attempts == 3 == inbox.attempts
    assert "451" in digest.last_error
    assert inbox.messages == []
    assert Reminder.objects.get().status == DeliveryStatus.FAILED
