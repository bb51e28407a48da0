"""Time the pages and jobs at scale, beside the admin and the SQL floor.

Run on PostgreSQL with production settings after ``seed_scale``: ``make bench``.
"""

import datetime
import gc
import logging
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from bench.cases import job_cases, page_cases
from bench.measure import measure_jobs, measure_pages
from bench.report import table, write_json
from bench.scale import vacuum


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Benchmark the document and project lists and details, the dashboard, "
        "the daily reminder run and an AidData import; print a table and write "
        "the figures to a JSON file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--job-runs", type=int, default=3)
        parser.add_argument("--import-rows", type=int, default=10_000)
        parser.add_argument("--date", type=_date, default=None)
        parser.add_argument("--as", dest="username", default="leader")
        parser.add_argument("--admin", dest="admin_username", default="admin")
        parser.add_argument("--json", default="bench/results.json")
        parser.add_argument(
            "--only", choices=["pages", "jobs"], default=None, help="Run one half."
        )
        parser.add_argument(
            "--case",
            default="",
            help="Only the rows whose 'group: name' contains this text.",
        )

    def handle(self, *args, **options):
        if settings.DEBUG:
            self.stderr.write(
                self.style.WARNING(
                    "DEBUG is on: figures are not those of production "
                    "(make bench sets DEBUG=false)."
                )
            )
        users = get_user_model().objects
        try:
            reader = users.get(username=options["username"])
            administrator = users.get(username=options["admin_username"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"{exc} Run seed_scale (or seed_demo) first.") from None
        if connection.vendor == "postgresql":
            # Production runs autovacuum; the bench's own jobs leave dead rows
            # (they roll back) and a server may run with it off. Measured on
            # what autovacuum would leave, every run alike.
            started = time.monotonic()
            vacuum()
            self.stdout.write(f"Vacuumed in {time.monotonic() - started:.0f} s.")
        # As tracker/wsgi.py does in production once the app has loaded.
        gc.freeze()
        ours, admin = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
        ours.force_login(reader)
        admin.force_login(administrator)
        today = options["date"] or timezone.localdate()
        runs = options["runs"]

        pages = [] if options["only"] == "jobs" else page_cases(runs)
        jobs = []
        if options["only"] != "pages":
            jobs = job_cases(today=today, import_rows=options["import_rows"])
        wanted = options["case"].lower()
        pages = [case for case in pages if wanted in case.title.lower()]
        jobs = [job for job in jobs if wanted in job.title.lower()]
        if not pages and not jobs:
            raise CommandError(f"No row matches {options['case']!r}.")
        self.stdout.write(
            f"Timing {len(pages)} pages x {runs} runs and {len(jobs)} jobs x "
            f"{options['job_runs']} runs as {reader.username}."
        )
        log = self.stdout.write
        if pages:
            measure_pages(
                pages,
                ours=ours,
                admin=admin,
                runs=runs,
                warmup=options["warmup"],
                log=log,
            )
        # One log line per e-mail would swamp the table; warnings still show.
        logging.disable(logging.INFO)
        try:
            with override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
            ):
                measure_jobs(jobs, runs=options["job_runs"], log=log)
        finally:
            logging.disable(logging.NOTSET)

        self.stdout.write("")
        self.stdout.write(table(pages, jobs))
        path = Path(options["json"])
        write_json(
            path,
            pages=pages,
            jobs=jobs,
            options={
                key: str(value) if isinstance(value, datetime.date) else value
                for key, value in options.items()
                if key
                in {"runs", "warmup", "job_runs", "import_rows", "date", "username"}
            },
        )
        self.stdout.write(f"\nWrote {path}.")
