"""Cooperation documents, their parties, negotiation rounds, files and events.

An agreement's ``state`` moves only through the transitions below, run by
``agreements.services.agreement_transition``. Term dates (expiry, last date to
give notice) are computed by ``Agreement.compute_term_dates`` and stored, so
that reminders find them with indexed queries.
"""

from __future__ import annotations

import calendar
import datetime
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
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
from workflows.permissions import desk_editor_or_leadership, leadership_only

from .permissions import daily_job_only, desk_editor_leadership_or_daily_job


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), clipped to the month's end."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


TRANSITION_LABELS = {
    "start_negotiation": _("Start negotiation"),
    "agree_text": _("Agree text"),
    "submit_for_approval": _("Submit for approval"),
    "approve": _("Approve for signing"),
    "reject": _("Reject"),
    "sign": _("Record signature"),
    "enter_into_force": _("Enter into force"),
    "renew": _("Renew"),
    "expire": _("Expire"),
    "terminate": _("Terminate"),
    "suspend": _("Suspend"),
    "resume": _("Resume negotiation"),
    "withdraw": _("Withdraw"),
}


class Event(BilingualNameMixin, models.Model):
    """A visit, dialogue, forum or meeting at which documents may be signed."""

    class Kind(models.TextChoices):
        STATE_VISIT = "state_visit", _("State visit")
        MINISTERIAL_DIALOGUE = "ministerial_dialogue", _("Ministerial dialogue")
        FORUM = "forum", _("Forum")
        WORKING_MEETING = "working_meeting", _("Working meeting")

    name_en = models.CharField(_("name (English)"), max_length=300)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"), db_index=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    counterparts = models.ManyToManyField(
        Country, verbose_name=_("counterpart countries"), blank=True, related_name="+"
    )
    counterpart_organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("counterpart organisations"),
        blank=True,
        related_name="+",
    )
    desk = models.ForeignKey(
        Desk, verbose_name=_("desk"), on_delete=models.PROTECT, related_name="events"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DeskScopedQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.localized()


class AgreementQuerySet(DeskScopedQuerySet):
    def open(self) -> AgreementQuerySet:
        """Not yet signed and not abandoned."""
        return self.filter(state__in=Agreement.UNSIGNED_STATES)

    def search(self, text: str) -> AgreementQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(title_en__icontains=text) | Q(title_zh__icontains=text))


class Agreement(
    BilingualNameMixin, StoredFieldsMixin, ConcurrentTransitionMixin, models.Model
):
    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding")
        FRAMEWORK = "framework", _("Framework agreement")
        COOPERATION_PLAN = "cooperation_plan", _("Cooperation plan")
        ACTION_PLAN = "action_plan", _("Action plan")
        JOINT_STATEMENT = "joint_statement", _("Joint statement")
        EXCHANGE_OF_NOTES = "exchange_of_notes", _("Exchange of notes")
        AGREED_MINUTES = "agreed_minutes", _("Agreed minutes")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        DRAFTING = "drafting", _("Drafting")
        NEGOTIATING = "negotiating", _("Negotiating")
        AGREED = "agreed", _("Text agreed")
        APPROVAL = "approval", _("Awaiting approval")
        READY = "ready", _("Ready for signing")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("In force")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    class Renewal(models.TextChoices):
        NONE = "none", _("No renewal")
        TACIT = "tacit", _("Tacit renewal")

    class Relation(models.TextChoices):
        UNDER = "under", _("Implements (e.g. an action plan under an MoU)")
        AMENDS = "amends", _("Amends")
        SUPERSEDES = "supersedes", _("Renews and supersedes")

    UNSIGNED_STATES = (
        State.DRAFTING,
        State.NEGOTIATING,
        State.AGREED,
        State.APPROVAL,
        State.READY,
        State.SUSPENDED,
    )
    CLOSED_STATES = (State.WITHDRAWN, State.EXPIRED, State.TERMINATED)
    # In the order the detail page offers them.
    TRANSITIONS = (
        "start_negotiation",
        "agree_text",
        "submit_for_approval",
        "approve",
        "reject",
        "sign",
        "enter_into_force",
        "renew",
        "suspend",
        "resume",
        "terminate",
        "withdraw",
        "expire",
    )

    title_en = models.CharField(_("title (English)"), max_length=500)
    title_zh = models.CharField(_("title (Chinese)"), max_length=500, blank=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=Kind.choices, default=Kind.MOU
    )
    binding = models.BooleanField(
        _("legally binding"),
        default=False,
        help_text=_("Creates rights and obligations under international law."),
    )
    summary = models.TextField(_("summary"), blank=True)
    desk = models.ForeignKey(
        Desk,
        verbose_name=_("desk"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible officer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
    )
    state = FSMField(
        _("state"),
        max_length=20,
        choices=State.choices,
        default=State.DRAFTING,
        protected=True,
        db_index=True,
    )
    target_signing_date = models.DateField(
        _("target signing date"), null=True, blank=True
    )
    target_event = models.ForeignKey(
        Event,
        verbose_name=_("target event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        help_text=_("The visit, dialogue or forum it is meant to be signed at."),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signing_place = models.CharField(_("signing place"), max_length=200, blank=True)
    enters_on_signature = models.BooleanField(
        _("enters into force on signature"), default=True
    )
    effective_on = models.DateField(_("in force from"), null=True, blank=True)
    duration_years = models.PositiveSmallIntegerField(
        _("duration (years)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no fixed term."),
    )
    renewal = models.CharField(
        _("renewal"), max_length=10, choices=Renewal.choices, default=Renewal.NONE
    )
    renewal_years = models.PositiveSmallIntegerField(
        _("renewed for (years)"),
        null=True,
        blank=True,
        help_text=_("Length of each tacit renewal."),
    )
    notice_months = models.PositiveSmallIntegerField(
        _("notice period (months)"),
        null=True,
        blank=True,
        help_text=_("Notice a party must give to denounce it or stop a renewal."),
    )
    renewed_until = models.DateField(
        _("renewed until"),
        null=True,
        blank=True,
        help_text=_("Set by a renewal; replaces the expiry of the original term."),
    )
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, editable=False
    )
    notice_deadline = models.DateField(
        _("last date to give notice"), null=True, blank=True, editable=False
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    parent_relation = models.CharField(
        _("relation to the parent"),
        max_length=12,
        choices=Relation.choices,
        blank=True,
    )
    # The regions of its counterpart countries, distinct and sorted, joined
    # by commas ("africa,asia"): the dashboard counts signed documents by
    # region from the documents alone. Written only by
    # ``agreements.services.agreement_regions_refresh``.
    counterpart_regions = models.CharField(
        _("counterpart regions"),
        max_length=100,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Facts of its parties, stored on it: they follow the parties, never a
    # saved instance.
    STORED_FIELDS = ("counterpart_regions",)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("historical document"),
        related_name="audit",
        excluded_fields=["updated_at", *STORED_FIELDS],
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("cooperation document")
        verbose_name_plural = _("cooperation documents")
        indexes = [
            models.Index(fields=["desk", "state"], name="agreement_desk_state"),
            models.Index(
                fields=["target_signing_date", "id"], name="agreement_target_date"
            ),
            models.Index(
                fields=["target_signing_date"],
                condition=Q(
                    state__in=[
                        "drafting",
                        "negotiating",
                        "agreed",
                        "approval",
                        "ready",
                        "suspended",
                    ]
                ),
                name="agreement_open_target",
            ),
            models.Index(
                fields=["expires_on"],
                condition=Q(state="in_force"),
                name="agreement_in_force_expiry",
            ),
            models.Index(
                fields=["notice_deadline"],
                condition=Q(state="in_force"),
                name="agreement_in_force_notice",
            ),
            # The few withdrawn documents, which the dashboard leaves out of
            # documents by country, read from the index alone.
            models.Index(
                fields=["id"],
                condition=Q(state="withdrawn"),
                name="agreement_withdrawn",
            ),
            # The dashboard's signed documents per year and region, read from
            # the index alone (PostgreSQL) and in its order, so grouped without
            # hashing. It includes the date the year is taken from: PostgreSQL
            # reads an index alone only if it holds every column the query
            # names.
            models.Index(
                ExtractYear("signed_on"),
                "counterpart_regions",
                include=["signed_on", "desk", "id"],
                condition=Q(signed_on__isnull=False),
                name="agreement_signed_year_regions",
            ),
            # Events' readiness: the state of each document targeted for one,
            # read from the index alone (PostgreSQL).
            models.Index(
                fields=["target_event"],
                include=["state", "id"],
                condition=Q(target_event__isnull=False),
                name="agreement_event_state",
            ),
        ]

    def __str__(self) -> str:
        return self.localized("title")

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.pk])

    def clean(self) -> None:
        """Cross-field rules of the facts a form edits."""
        errors = {}
        if self.parent_id and self.parent_id == self.pk:
            errors["parent"] = _("A document cannot be its own parent.")
        if self.parent_relation and not self.parent_id:
            errors["parent"] = _("Choose the parent document of this relation.")
        if self.parent_id and not self.parent_relation:
            errors["parent_relation"] = _("Say how it relates to the parent.")
        if self.renewal == self.Renewal.TACIT and not (
            self.renewal_years or self.duration_years
        ):
            errors["renewal_years"] = _("Say for how many years it renews.")
        if self.renewal == self.Renewal.TACIT and not self.duration_years:
            errors["duration_years"] = _("A document that renews needs a duration.")
        if self.signed_on and self.effective_on and self.effective_on < self.signed_on:
            errors["effective_on"] = _("It cannot enter into force before signature.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self) -> bool:
        return self.state in self.CLOSED_STATES

    @property
    def version(self) -> str:
        """Changes with every save: what an edit form was based on."""
        return self.updated_at.isoformat() if self.updated_at else ""

    def compute_term_dates(self) -> None:
        """Derive ``expires_on`` and ``notice_deadline`` from the term fields."""
        expires = self.renewed_until
        if expires is None and self.effective_on and self.duration_years:
            expires = add_years(self.effective_on, self.duration_years)
        self.expires_on = expires
        if expires and self.notice_months:
            self.notice_deadline = add_months(expires, -self.notice_months)
        else:
            self.notice_deadline = None

    def next_term_end(self) -> datetime.date | None:
        """Where a renewal would take the expiry by default."""
        years = self.renewal_years or self.duration_years
        if not years or not self.expires_on:
            return None
        return add_years(self.expires_on, years)

    def sign_target(self) -> str:
        if self.enters_on_signature:
            return self.State.IN_FORCE
        return self.State.SIGNED

    # Transitions change only the state; agreement_transition sets the fields
    # a transition needs and checks its guards first.

    @transition(
        field=state,
        source=State.DRAFTING,
        target=State.NEGOTIATING,
        permission=desk_editor_or_leadership,
    )
    def start_negotiation(self) -> None:
        """Texts are being exchanged with the counterpart."""

    @transition(
        field=state,
        source=State.NEGOTIATING,
        target=State.AGREED,
        permission=desk_editor_or_leadership,
    )
    def agree_text(self) -> None:
        """Text agreed ad referendum; needs a negotiation round."""

    @transition(
        field=state,
        source=State.AGREED,
        target=State.APPROVAL,
        permission=desk_editor_or_leadership,
    )
    def submit_for_approval(self) -> None:
        """Submitted for domestic approval to sign."""

    @transition(
        field=state,
        source=State.APPROVAL,
        target=State.READY,
        permission=leadership_only,
    )
    def approve(self) -> None:
        """Approved for signing."""

    @transition(
        field=state,
        source=State.APPROVAL,
        target=State.NEGOTIATING,
        permission=leadership_only,
    )
    def reject(self) -> None:
        """Sent back to negotiation; needs a reason."""

    @transition(
        field=state,
        source=State.READY,
        target=RETURN_VALUE(State.SIGNED, State.IN_FORCE),
        permission=desk_editor_or_leadership,
    )
    def sign(self) -> str:
        """Signed; in force at once when it enters into force on signature."""
        if self.enters_on_signature:
            self.effective_on = self.signed_on
        self.compute_term_dates()
        return self.sign_target()

    @transition(
        field=state,
        source=State.SIGNED,
        target=State.IN_FORCE,
        permission=desk_editor_or_leadership,
    )
    def enter_into_force(self) -> None:
        """In force from ``effective_on``."""
        self.compute_term_dates()

    @transition(
        field=state,
        source=[State.IN_FORCE, State.EXPIRED],
        target=State.IN_FORCE,
        permission=desk_editor_leadership_or_daily_job,
    )
    def renew(self) -> None:
        """Renewed until ``renewed_until``; the daily job renews tacitly."""
        self.compute_term_dates()

    @transition(
        field=state,
        source=State.IN_FORCE,
        target=State.EXPIRED,
        permission=daily_job_only,
    )
    def expire(self) -> None:
        """Reached its expiry date without renewal."""

    @transition(
        field=state,
        source=State.IN_FORCE,
        target=State.TERMINATED,
        permission=leadership_only,
    )
    def terminate(self) -> None:
        """Ended early; needs a reason."""

    @transition(
        field=state,
        source=[State.NEGOTIATING, State.AGREED, State.APPROVAL],
        target=State.SUSPENDED,
        permission=desk_editor_or_leadership,
    )
    def suspend(self) -> None:
        """Negotiation paused; needs a reason."""

    @transition(
        field=state,
        source=State.SUSPENDED,
        target=State.NEGOTIATING,
        permission=desk_editor_or_leadership,
    )
    def resume(self) -> None:
        """Negotiation resumes."""

    @transition(
        field=state,
        source=list(UNSIGNED_STATES),
        target=State.WITHDRAWN,
        permission=leadership_only,
    )
    def withdraw(self) -> None:
        """Abandoned before signature; needs a reason."""


class AgreementParty(models.Model):
    """One side of a document: China, or a counterpart country or organisation,
    with the agency that signs for it and (once known) its signatory."""

    class Side(models.TextChoices):
        CHINESE = "chinese", _("Chinese side")
        COUNTERPART = "counterpart", _("Counterpart")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="parties",
    )
    side = models.CharField(
        _("side"), max_length=12, choices=Side.choices, default=Side.COUNTERPART
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_parties",
        help_text=_("When the party is an international organisation."),
    )
    signing_agency = models.ForeignKey(
        Organization,
        verbose_name=_("signing agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements_signed_for",
    )
    signatory_name = models.CharField(_("signatory"), max_length=200, blank=True)
    signatory_title = models.CharField(
        _("signatory's title"), max_length=200, blank=True
    )

    history = HistoricalRecords(verbose_name=_("historical party"))

    class Meta:
        ordering = ["agreement", "side", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.CheckConstraint(
                condition=Q(side="chinese")
                | Q(country__isnull=False)
                | Q(organization__isnull=False),
                name="agreementparty_counterpart_named",
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(side="chinese"),
                name="agreementparty_one_chinese_side",
            ),
        ]
        indexes = [models.Index(fields=["country", "agreement"], name="party_country")]

    def __str__(self) -> str:
        if self.side == self.Side.CHINESE:
            return str(_("China"))
        return str(self.organization or self.country)


class NegotiationRound(models.Model):
    class Venue(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("Video conference")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="rounds",
    )
    held_on = models.DateField(_("held on"))
    venue_kind = models.CharField(
        _("format"), max_length=10, choices=Venue.choices, default=Venue.IN_PERSON
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    chinese_head = models.CharField(
        _("head of the Chinese delegation"), max_length=200, blank=True
    )
    counterpart_head = models.CharField(
        _("head of the counterpart delegation"), max_length=200, blank=True
    )
    outcome = models.TextField(_("outcome"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    next_round_on = models.DateField(_("next round"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("negotiation round")
        verbose_name_plural = _("negotiation rounds")
        indexes = [
            models.Index(fields=["next_round_on"], name="round_next_round_on"),
            models.Index(fields=["agreement", "-held_on"], name="round_agreement_held"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.held_on:%Y-%m-%d}"


def _upload_to(instance: AgreementFile, filename: str) -> str:
    # The stored name is random: the original name is kept in a field and only
    # ever used, sanitised, in the download's Content-Disposition.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"agreements/{instance.agreement_id}/{uuid.uuid4().hex}{suffix}"


class AgreementFile(models.Model):
    """A text version or an attachment of a document."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text version")
        ATTACHMENT = "attachment", _("Attachment")

    class Language(models.TextChoices):
        CHINESE = "zh", _("Chinese")
        ENGLISH = "en", _("English")
        OTHER = "other", _("Other")

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.TEXT
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    version = models.CharField(_("version"), max_length=50, blank=True)
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.original_name
