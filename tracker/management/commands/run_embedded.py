"""Start the app for a first look: the development server, plus a Celery worker
with beat when Redis is configured and reachable."""

import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tracker.demo import DEMO_PASSWORD, demo_logins
from tracker.selectors import health_status


class Command(BaseCommand):
    help = "Run the app on http://127.0.0.1:8000 with demo logins printed."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins, all with the password {DEMO_PASSWORD}:")
        )
        for role, username in demo_logins():
            self.stdout.write(f"  {role:<16} {username}")
        worker = None
        broker = health_status()["broker"]
        if settings.REDIS_URL and broker == "ok":
            self.stdout.write("Redis reachable: starting a Celery worker with beat.")
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "tracker",
                    "worker",
                    "--beat",
                    "--loglevel=INFO",
                    "--schedule=var/celerybeat-schedule",
                    "--concurrency=1",
                ]
            )
        else:
            self.stdout.write(
                "No broker: tasks run in-process. Run the daily jobs (document "
                "expiry and renewal, then reminders) with "
                "`python manage.py send_reminders`."
            )
        self.stdout.write(f"Open http://{addrport}/")
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
