"""Deadlines of milestone projects, registered with the reminder service."""

import datetime

from django.db.models import Case, DateField, F, When
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from workflows.deadlines import Category, Staff, deadline_source

from .models import STALE_AFTER_DAYS, Milestone, Project, due_date, last_heard_of


def _milestone_title(milestone: Milestone) -> str:
    return f"{milestone.project} · {milestone}"


@deadline_source(
    "projects.milestone",
    category=Category.PROJECTS,
    label=_("Milestone forecast date"),
    title=_milestone_title,
    url=lambda milestone: milestone.project.get_absolute_url(),
)
def milestone_forecast(today: datetime.date):
    """Milestones not yet reached, of projects still under way; the owner is
    responsible while still on the desk, else the project's officer."""
    # Read once (a few rows) and compared as constants: cheaper than looking
    # the owner up again for every milestone.
    owner_on_desk = Staff.read().may_act_sql("owner_id", "project__desk_id")
    return (
        Milestone.objects.open()
        .filter(project__status__in=Project.ACTIVE_STATUSES)
        .select_related("project")
        .annotate(
            due_on=due_date(),
            due_officer_id=Case(
                When(owner_on_desk, then=F("owner_id")),
                default=F("project__officer_id"),
            ),
            due_desk_id=F("project__desk_id"),
        )
    )


@deadline_source(
    "projects.stale",
    category=Category.PROJECTS,
    label=_("Progress report due"),
    lead_days=(7,),
)
def project_stale(today: datetime.date):
    """Projects under way go stale 30 days after their latest progress log
    (or their creation, when never reported on); the latest report's date
    is stored on the project."""
    return Project.objects.active().annotate(
        due_on=Cast(
            last_heard_of() + datetime.timedelta(days=STALE_AFTER_DAYS),
            DateField(),
        ),
        due_officer_id=F("officer_id"),
        due_desk_id=F("desk_id"),
    )
