"""The regular brief: what was achieved in a period, for the page and as .docx."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.events.selectors import events_upcoming
from agreements.models import Agreement
from projects.models import Milestone, Project

UPCOMING_DAYS = 60


@dataclass
class Brief:
    start: datetime.date
    end: datetime.date
    signed: list[Agreement]
    entered_into_force: list[Agreement]
    expiring: list[Agreement]
    projects_started: list[Project]
    projects_completed: list[Project]
    milestones_reached: list[Milestone]
    milestones_missed: list[Milestone]
    upcoming_events: list[Any]

    def sections(self) -> list[tuple[str, list[str], list[list[str]]]]:
        """(title, column headings, rows) for each section, as text."""
        return [
            (
                _("Documents signed"),
                [_("Document"), _("Signed on"), _("Place")],
                [[str(a), _d(a.signed_on), a.signing_place] for a in self.signed],
            ),
            (
                _("Documents entered into force"),
                [_("Document"), _("In force from")],
                [[str(a), _d(a.effective_on)] for a in self.entered_into_force],
            ),
            (
                _("Documents expiring"),
                [_("Document"), _("Expires on"), _("Last date to give notice")],
                [
                    [str(a), _d(a.expires_on), _d(a.notice_deadline)]
                    for a in self.expiring
                ],
            ),
            (
                _("Projects started"),
                [_("Project"), _("Country"), _("Started on")],
                [
                    [str(p), str(p.country), _d(p.actual_start)]
                    for p in self.projects_started
                ],
            ),
            (
                _("Projects completed"),
                [_("Project"), _("Country"), _("Completed on")],
                [
                    [str(p), str(p.country), _d(p.actual_completion)]
                    for p in self.projects_completed
                ],
            ),
            (
                _("Milestones reached"),
                [_("Project"), _("Milestone"), _("Reached on"), _("Days late")],
                [
                    [str(m.project), m.title, _d(m.actual_date), str(m.slippage_days)]
                    for m in self.milestones_reached
                ],
            ),
            (
                _("Milestones slipped"),
                [_("Project"), _("Milestone"), _("Was due"), _("Baseline")],
                [
                    [str(m.project), m.title, _d(m.forecast_date), _d(m.baseline_date)]
                    for m in self.milestones_missed
                ],
            ),
            (
                _("Upcoming events"),
                [_("Event"), _("Date"), _("Documents ready")],
                [
                    [str(e), _d(e.starts_on), f"{e.ready} / {e.targeted}"]
                    for e in self.upcoming_events
                ],
            ),
        ]


def _d(day: datetime.date | None) -> str:
    return date_format(day, "DATE_FORMAT") if day else "—"


def brief_get(
    *, user: Any, start: datetime.date, end: datetime.date, today: datetime.date
) -> Brief:
    """Everything the brief reports for ``start``–``end`` (inclusive), within
    what ``user`` may see."""
    agreements = Agreement.objects.visible_to(user).order_by("title_en")
    projects = Project.objects.visible_to(user).select_related("country")
    period = {"range": (start, end)}
    milestones = Milestone.objects.filter(project__in=projects).select_related(
        "project"
    )
    return Brief(
        start=start,
        end=end,
        signed=list(agreements.filter(signed_on__range=period["range"])),
        entered_into_force=list(
            agreements.filter(effective_on__range=period["range"]).exclude(
                state__in=Agreement.UNSIGNED_STATES
            )
        ),
        expiring=list(
            agreements.filter(state=Agreement.State.IN_FORCE).filter(
                Q(expires_on__range=period["range"])
                | Q(notice_deadline__range=period["range"])
            )
        ),
        projects_started=list(
            projects.filter(actual_start__range=period["range"]).order_by("name_en")
        ),
        projects_completed=list(
            projects.filter(actual_completion__range=period["range"]).order_by(
                "name_en"
            )
        ),
        milestones_reached=list(
            milestones.filter(actual_date__range=period["range"]).order_by(
                "actual_date"
            )
        ),
        milestones_missed=list(
            milestones.filter(
                actual_date__isnull=True,
                forecast_date__range=(start, min(end, today - datetime.timedelta(1))),
            ).order_by("forecast_date")
        ),
        upcoming_events=list(
            events_upcoming(user=user, today=end + datetime.timedelta(days=1)).filter(
                starts_on__lte=end + datetime.timedelta(days=UPCOMING_DAYS)
            )
        ),
    )


def brief_docx(brief: Brief, *, title: str) -> bytes:
    """The brief as a Word document, in the active language."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    # Word takes Chinese characters from the East Asian font.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    document.add_heading(title, level=0)
    document.add_paragraph(
        _("Period: %(start)s – %(end)s")
        % {"start": _d(brief.start), "end": _d(brief.end)}
    )
    for heading, columns, rows in brief.sections():
        document.add_heading(heading, level=1)
        if not rows:
            document.add_paragraph(_("None in this period."))
            continue
        table = document.add_table(rows=1, cols=len(columns))
        table.style = "Light Grid Accent 1"
        for cell, text in zip(table.rows[0].cells, columns, strict=True):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
