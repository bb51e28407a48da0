"""The daily run, by hand or from cron: the same service as the Celery beat
task (the daily jobs, such as expiring documents, then the reminders), with
the digests sent from this process."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from workflows.reminders import reminders_run


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date {value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Run the daily jobs (e.g. expire documents), then send today's deadline "
        "reminders (one digest per person) and notices."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=_date,
            default=None,
            help="Run as if today were this date (YYYY-MM-DD).",
        )

    def handle(self, *args, date, **options):
        today = date or timezone.localdate()
        report = reminders_run(today=today)
        for key, changed in report.jobs.items():
            if changed is not None:
                self.stdout.write(f"{today}: {key}: {changed} changed.")
        self.stdout.write(
            f"{today}: {report.claimed} new reminders, "
            f"{len(report.digests)} digests and {report.notices} notices to send, "
            f"{report.sent} sent, {report.failed} failed."
        )
        failed = [key for key, changed in report.jobs.items() if changed is None]
        if failed:
            # After the reminders went out, so cron still hears of it.
            raise CommandError(f"Daily jobs failed (see the log): {', '.join(failed)}.")
