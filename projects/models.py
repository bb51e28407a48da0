"""Milestone projects, their organisations, milestones and progress reports.

Health (staleness, overdue milestones) is computed in the database by
``ProjectQuerySet.with_health``. A project's worst milestone slippage, the
date its next open milestone is due and its latest progress report (RAG,
date, percent) are stored on it (``Project.STORED_FIELDS``), so the list sorts
by slippage off an index and the dashboard counts projects by health without
reading any milestone or report; ``projects.services.project_slippage_refresh``
and ``project_report_refresh`` keep them right.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from tracker.models import (
    BilingualNameMixin,
    Country,
    Desk,
    Organization,
    StoredFieldsMixin,
)
from tracker.permissions import DeskScopedQuerySet
from workflows.permissions import desk_editor_or_leadership

STALE_AFTER_DAYS = 30

# What the buttons for ``Project.TRANSITIONS`` say.
TRANSITION_LABELS = {
    "start_implementation": _("Start implementation"),
    "complete": _("Mark completed"),
    "suspend": _("Suspend"),
    "resume": _("Resume"),
    "cancel": _("Cancel project"),
}


class Sector(models.TextChoices):
    """AidData's sector groups (OECD CRS), stored by a short code."""

    EDUCATION = "education", _("Education")
    HEALTH = "health", pgettext_lazy("sector", "Health")
    POPULATION = "population", _("Population and reproductive health")
    WATER = "water", _("Water supply and sanitation")
    GOVERNMENT = "government", _("Government and civil society")
    SOCIAL = "social", _("Other social infrastructure and services")
    TRANSPORT = "transport", _("Transport and storage")
    COMMUNICATIONS = "communications", _("Communications")
    ENERGY = "energy", _("Energy")
    BANKING = "banking", _("Banking and financial services")
    BUSINESS = "business", _("Business and other services")
    AGRICULTURE = "agriculture", _("Agriculture, forestry, fishing")
    INDUSTRY = "industry", _("Industry, mining, construction")
    TRADE = "trade", _("Trade policies and regulations")
    ENVIRONMENT = "environment", _("General environmental protection")
    MULTISECTOR = "multisector", _("Other multisector")
    BUDGET_SUPPORT = "budget_support", _("General budget support")
    FOOD_AID = "food_aid", _("Food aid and food security")
    COMMODITY_AID = "commodity_aid", _("Non-food commodity assistance")
    DEBT = "debt", _("Action relating to debt")
    EMERGENCY = "emergency", _("Emergency response")
    RECONSTRUCTION = "reconstruction", _("Reconstruction, relief and rehabilitation")
    DISASTER_PREVENTION = "disaster_prevention", _("Disaster prevention")
    NGO_SUPPORT = "ngo_support", _("Support to non-governmental organisations")
    UNSPECIFIED = "unspecified", _("Unallocated or unspecified")


class Rag(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")


class DaysBetween(Func):
    """``end − start`` in whole days, as an integer, for two dates."""

    arity = 2
    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps dates as text: subtract their Julian day numbers.
        (end, end_params), (start, start_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"
        return sql, (*end_params, *start_params)


def _current_date() -> Coalesce:
    return Coalesce(F("actual_date"), F("forecast_date"), F("baseline_date"))


def due_date() -> Coalesce:
    """``Milestone.due_date`` in the database: when its reminders fall due,
    and past which an open milestone is overdue."""
    return Coalesce(F("forecast_date"), F("baseline_date"))


def slippage_days() -> DaysBetween:
    """How late a milestone is, in days: (actual, else forecast, else
    baseline) − baseline, as ``Milestone.slippage_days``; what
    ``Project.worst_slippage_days`` is the largest of."""
    return DaysBetween(_current_date(), F("baseline_date"))


# A project's worst milestone slippage in days, by bucket: (key, label, from,
# to), both ends included. The dashboard counts projects in these buckets and
# the project list filters on them (``ProjectFilter.slippage``).
SLIPPAGE_BUCKETS = (
    ("on_time", _("On time or early"), None, 0),
    ("1_30", _("1–30 days late"), 1, 30),
    ("31_90", _("31–90 days late"), 31, 90),
    ("91_180", _("91–180 days late"), 91, 180),
    ("over_180", _("Over 180 days late"), 181, None),
)


def slippage_bucket(key: str) -> Q:
    """The projects whose ``worst_slippage_days`` falls in bucket ``key``;
    projects without milestones fall in none."""
    for bucket, _label, low, high in SLIPPAGE_BUCKETS:
        if bucket == key:
            condition = Q(worst_slippage_days__isnull=False)
            if low is not None:
                condition &= Q(worst_slippage_days__gte=low)
            if high is not None:
                condition &= Q(worst_slippage_days__lte=high)
            return condition
    raise ValueError(key)


def _before(end: datetime.date | None, start: datetime.date | None) -> bool:
    return end is not None and start is not None and end < start


def last_heard_of() -> Coalesce:
    """A project's latest report date, else the date it was created: what
    staleness counts from."""
    return Coalesce(F("latest_reported_on"), TruncDate("created_at"))


def is_stale(today: datetime.date) -> Case:
    """Whether an active project has had no report for ``STALE_AFTER_DAYS``;
    one never reported on is stale that long after it was created."""
    stale_before = today - datetime.timedelta(days=STALE_AFTER_DAYS)
    return Case(
        When(
            LessThan(last_heard_of(), stale_before),
            status__in=Project.ACTIVE_STATUSES,
            then=Value(True),
        ),
        default=Value(False),
        output_field=models.BooleanField(),
    )


def has_overdue_milestone(today: datetime.date) -> Case:
    """Whether a project has an open milestone overdue on ``today``: one whose
    due date (``Milestone.due_date``) has passed."""
    return Case(
        When(next_due_on__lt=today, then=Value(True)),
        default=Value(False),
        output_field=models.BooleanField(),
    )


class ProjectQuerySet(DeskScopedQuerySet):
    def with_health(self, today: datetime.date) -> ProjectQuerySet:
        """Annotate staleness and overdue milestones; the latest report
        (``latest_rag``, ``latest_reported_on``, ``latest_percent``), the
        worst slippage and the next due date are stored on the project."""
        return self.annotate(
            has_overdue_milestone=has_overdue_milestone(today),
            is_stale=is_stale(today),
        )

    def stale(self, today: datetime.date) -> ProjectQuerySet:
        return self.with_health(today).filter(is_stale=True)

    def active(self) -> ProjectQuerySet:
        return self.filter(status__in=Project.ACTIVE_STATUSES)


class Project(
    BilingualNameMixin, StoredFieldsMixin, ConcurrentTransitionMixin, models.Model
):
    class Status(models.TextChoices):
        PIPELINE = "pipeline", _("Pipeline")
        IMPLEMENTATION = "implementation", _("Implementation")
        COMPLETED = "completed", _("Completed")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATUSES = (Status.PIPELINE, Status.IMPLEMENTATION)
    TRANSITIONS = ("start_implementation", "complete", "suspend", "resume", "cancel")

    name_en = models.CharField(_("name (English)"), max_length=500)
    name_zh = models.CharField(_("name (Chinese)"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    sector = models.CharField(
        _("sector"),
        max_length=30,
        choices=Sector.choices,
        default=Sector.UNSPECIFIED,
        db_index=True,
    )
    desk = models.ForeignKey(
        Desk, verbose_name=_("desk"), on_delete=models.PROTECT, related_name="projects"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    flagship = models.BooleanField(_("flagship"), default=False, db_index=True)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PIPELINE,
        protected=True,
        db_index=True,
    )
    amount = models.DecimalField(
        _("amount"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code.")
    )
    amount_usd = models.DecimalField(
        _("amount (constant 2021 USD)"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
    )
    organizations = models.ManyToManyField(
        Organization,
        through="ProjectOrganization",
        verbose_name=_("organisations"),
        related_name="projects",
        blank=True,
    )
    agreements = models.ManyToManyField(
        "agreements.Agreement",
        verbose_name=_("underpinning documents"),
        related_name="projects",
        blank=True,
    )
    launch_event = models.ForeignKey(
        "agreements.Event",
        verbose_name=_("launched at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        help_text=_("The event where the project is to be launched, if any."),
    )
    committed_on = models.DateField(_("commitment date"), null=True, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    planned_completion = models.DateField(
        _("planned completion"), null=True, blank=True
    )
    actual_completion = models.DateField(_("actual completion"), null=True, blank=True)
    aiddata_record_id = models.PositiveIntegerField(
        _("AidData record ID"), null=True, blank=True, unique=True
    )
    # The largest ``slippage_days`` of the project's milestones; None without
    # milestones. Written only by ``project_slippage_refresh``.
    worst_slippage_days = models.IntegerField(
        _("worst slippage (days)"), null=True, editable=False
    )
    # The earliest date an open milestone is due (``Milestone.due_date``): a
    # milestone is overdue when it has passed. None without open milestones.
    # Written only by ``project_slippage_refresh``.
    next_due_on = models.DateField(_("next milestone due"), null=True, editable=False)
    # The latest progress report's (by date, then id) RAG, date and percent;
    # None without reports. Written only by ``project_report_refresh``.
    # No choices: the list and its exports label the value themselves.
    latest_rag = models.CharField(
        _("RAG rating"), max_length=5, null=True, editable=False
    )
    latest_reported_on = models.DateField(_("reported on"), null=True, editable=False)
    latest_percent = models.PositiveSmallIntegerField(
        _("percent complete"), null=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Facts of the project's milestones and reports, stored on it: they follow
    # those records, never a saved instance.
    STORED_FIELDS = (
        "worst_slippage_days",
        "next_due_on",
        "latest_rag",
        "latest_reported_on",
        "latest_percent",
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name_en", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            models.Index(fields=["desk", "status"], name="project_desk_status"),
            models.Index(fields=["country", "status"], name="project_country_status"),
            # The list's default order, so a page is read off the index.
            models.Index(fields=["name_en", "id"], name="project_name"),
            # The list sorted by slippage, projects without milestones last
            # either way. This index reads the ascending order on PostgreSQL
            # (the descending one on SQLite, where NULL is the smallest value);
            # PostgreSQL's descending order has an index of its own, outside
            # the models: migration 0008.
            models.Index(
                fields=["worst_slippage_days", "id"], name="project_worst_slippage"
            ),
            # The dashboard's projects by status, health and slippage, read
            # from the index alone (PostgreSQL) rather than from the wide rows.
            models.Index(
                fields=["status", "latest_rag"],
                include=[
                    "worst_slippage_days",
                    "next_due_on",
                    "latest_reported_on",
                    "created_at",
                    "desk",
                    "id",
                ],
                name="project_health_cover",
            ),
        ]

    def __str__(self) -> str:
        return self.localized()

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if _before(self.actual_completion, self.actual_start):
            errors["actual_completion"] = _(
                "The completion date cannot be before the start date."
            )
        if _before(self.planned_completion, self.planned_start):
            errors["planned_completion"] = _(
                "The completion date cannot be before the start date."
            )
        if errors:
            raise ValidationError(errors)

    def resume_target(self) -> str:
        """A suspended project resumes where it was: started or not."""
        if self.actual_start:
            return self.Status.IMPLEMENTATION
        return self.Status.PIPELINE

    @transition(
        field=status,
        source=Status.PIPELINE,
        target=Status.IMPLEMENTATION,
        permission=desk_editor_or_leadership,
    )
    def start_implementation(self) -> None:
        """Work has started; the caller sets ``actual_start``."""

    @transition(
        field=status,
        source=Status.IMPLEMENTATION,
        target=Status.COMPLETED,
        permission=desk_editor_or_leadership,
    )
    def complete(self) -> None:
        """Completed; the caller sets ``actual_completion``."""

    @transition(
        field=status,
        source=[Status.PIPELINE, Status.IMPLEMENTATION],
        target=Status.SUSPENDED,
        permission=desk_editor_or_leadership,
    )
    def suspend(self) -> None:
        """Paused; a reason is required."""

    @transition(
        field=status,
        source=Status.SUSPENDED,
        target=RETURN_VALUE(Status.PIPELINE, Status.IMPLEMENTATION),
        permission=desk_editor_or_leadership,
    )
    def resume(self) -> str:
        return self.resume_target()

    @transition(
        field=status,
        source=[Status.PIPELINE, Status.IMPLEMENTATION, Status.SUSPENDED],
        target=Status.CANCELLED,
        permission=desk_editor_or_leadership,
    )
    def cancel(self) -> None:
        """Abandoned; a reason is required."""


class ProjectOrganization(models.Model):
    class Role(models.TextChoices):
        FINANCIER = "financier", _("Financier")
        IMPLEMENTING = "implementing", _("Implementing agency")
        RECEIVING = "receiving", _("Receiving agency")

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="roles",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="project_roles",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["role", "organization__name_en"]
        verbose_name = _("organisation in a project")
        verbose_name_plural = _("organisations in projects")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organization", "role"],
                name="projectorganization_unique_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class MilestoneQuerySet(models.QuerySet):
    def open(self) -> MilestoneQuerySet:
        return self.filter(actual_date__isnull=True)


class Milestone(models.Model):
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("title"), max_length=300)
    baseline_date = models.DateField(
        _("baseline date"), help_text=_("The date as first planned.")
    )
    forecast_date = models.DateField(
        _("forecast date"),
        null=True,
        blank=True,
        help_text=_("The current estimate."),
    )
    actual_date = models.DateField(
        _("actual date"), null=True, blank=True, help_text=_("When it was reached.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
    )

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("historical milestone"), related_name="audit"
    )

    class Meta:
        ordering = ["baseline_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            models.Index(
                fields=["forecast_date"],
                condition=Q(actual_date__isnull=True),
                name="milestone_open_forecast",
            ),
            # The dashboard's milestones reached lately, newest first.
            models.Index(
                fields=["-actual_date", "-id"],
                condition=Q(actual_date__isnull=False),
                name="milestone_reached",
            ),
            # Slippage per project read from the index alone (PostgreSQL).
            models.Index(
                fields=["project"],
                include=["baseline_date", "forecast_date", "actual_date"],
                name="milestone_project_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def current_date(self) -> datetime.date:
        return self.actual_date or self.forecast_date or self.baseline_date

    @property
    def due_date(self) -> datetime.date:
        """When it is now expected: the forecast, else the baseline."""
        return self.forecast_date or self.baseline_date

    @property
    def slippage_days(self) -> int:
        """Positive when late against the baseline."""
        return (self.current_date - self.baseline_date).days


class ProgressLog(models.Model):
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="progress_logs",
    )
    reported_on = models.DateField(_("reported on"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="progress_logs",
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MaxValueValidator(100)]
    )
    rag = models.CharField(_("RAG rating"), max_length=5, choices=Rag.choices)
    summary = models.TextField(_("summary"))
    issues = models.TextField(_("issues and risks"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(
        verbose_name=_("historical progress log"), related_name="audit"
    )

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("progress log")
        verbose_name_plural = _("progress logs")
        indexes = [
            # The latest report of a project, with what health needs of it.
            models.Index(
                fields=["project", "-reported_on", "-id"],
                include=["rag", "percent_complete"],
                name="progresslog_latest_cover",
            ),
            models.Index(fields=["-reported_on", "-id"], name="progresslog_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100),
                name="progresslog_percent_lte_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.reported_on}"
