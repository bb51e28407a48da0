"""Fill the database with reproducible data at scale for the benchmark."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bench.scale import DEFAULT_SEED, Plan, existing_rows, seed_scale
from bench.scale import reset as reset_data


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Fill the database with documents, events, projects, milestones and "
        "progress logs at a multiple of full scale (1.0: 100,000 documents, "
        "50,000 projects, 500,000 milestones, 2,000,000 progress logs). The same "
        "seed, scale and anchor date give the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--anchor",
            type=_date,
            default=None,
            help="The 'today' the data is built around (default: today).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First delete every document, event and project (and their "
            "logs, reminders and history).",
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Do nothing when the database already has documents or projects.",
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Skip the creation history of milestones and progress logs.",
        )

    def handle(self, *args, scale, seed, anchor, reset: bool, no_history, **options):
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        if reset:
            reset_data()
        elif options["keep"] and existing_rows():
            self.stdout.write("The database already has data; kept as it is.")
            return
        elif existing_rows():
            raise CommandError(
                "The database already has documents, events or projects; "
                "run with --reset to replace them."
            )
        plan = Plan.for_scale(scale)
        anchor = anchor or timezone.localdate()
        verbose = options["verbosity"] > 0
        self.stdout.write(f"Seeding at scale {scale} around {anchor}: {plan}")
        timings = seed_scale(
            plan=plan,
            anchor=anchor,
            seed=seed,
            history=not no_history,
            log=lambda line: verbose and self.stdout.write(f"  {line}"),
        )
        phases = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
        self.stdout.write(self.style.SUCCESS(f"Done: {phases}."))
