from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.models import Desk

from ...importer import import_aiddata


class Command(BaseCommand):
    help = (
        "Import AidData Global Chinese Development Finance 3.0 records (CSV or "
        "XLSX) as projects, creating or updating them by AidData Record ID."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV or XLSX file in the AidData layout.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and report what would happen; save nothing.",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and skip the invalid ones.",
        )
        parser.add_argument(
            "--desk",
            metavar="CODE",
            help="Desk for new projects (default: the desk of the country's region).",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        desk = None
        if options["desk"]:
            desk = Desk.objects.filter(code=options["desk"]).first()
            if desk is None:
                raise CommandError(f"Unknown desk code: {options['desk']}")
        report = import_aiddata(
            path.read_bytes(),
            filename=path.name,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            desk=desk,
        )
        for error in report.errors:
            self.stderr.write(str(error))
        if options["dry_run"] or options["verbosity"] > 1:
            verbs = {"create": "would create" if report.dry_run else "created"}
            verbs["update"] = "would update" if report.dry_run else "updated"
            if report.saved or report.dry_run:
                for row, record_id, action, title in report.actions:
                    self.stdout.write(
                        f"row {row}: {verbs[action]} #{record_id} {title}"
                    )
        self.stdout.write(f"{report.summary()} ({report.seconds:.2f} s)")
        if report.errors and not report.saved and not report.dry_run:
            raise CommandError(f"{len(report.errors)} errors; nothing saved.")
