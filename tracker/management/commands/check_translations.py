"""Fail when a Chinese catalogue has untranslated or fuzzy strings, or when a
compiled catalogue (.mo) does not match its source (.po)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues(language: str = "zh_Hans") -> list[Path]:
    roots = [Path(settings.BASE_DIR)]
    return sorted(
        path
        for root in roots
        for path in root.glob(f"**/locale/{language}/LC_MESSAGES/*.po")
        if ".venv" not in path.parts
    )


def problems(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    found = [
        f"{po_path}: untranslated: {entry.msgid!r}"
        for entry in po.untranslated_entries()
    ]
    found += [f"{po_path}: fuzzy: {entry.msgid!r}" for entry in po.fuzzy_entries()]
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [*found, f"{mo_path}: missing; run make messages"]
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.mofile(str(mo_path))
        if e.msgid
    }
    wanted = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in po.translated_entries()
    }
    if compiled != wanted:
        found.append(f"{mo_path}: out of date with {po_path.name}; run make messages")
    return found


class Command(BaseCommand):
    help = "Check that the Simplified Chinese catalogues are complete and compiled."

    def handle(self, *args, **options):
        paths = catalogues()
        if not paths:
            raise CommandError("No Simplified Chinese catalogue found.")
        found = [problem for path in paths for problem in problems(path)]
        if found:
            raise CommandError(
                f"{len(found)} translation problem(s):\n" + "\n".join(found)
            )
        self.stdout.write(f"Translations complete in {len(paths)} catalogue(s).")
