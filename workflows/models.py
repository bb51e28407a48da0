import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionLogQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> "TransitionLogQuerySet":
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )


class TransitionLog(models.Model):
    """One state change of a record: who, when, from, to, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.BigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("from"), max_length=30)
    target = models.CharField(_("to"), max_length=30)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = TransitionLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-at"], name="translog_object_at"
            )
        ]

    def __str__(self) -> str:
        return f"{self.transition}: {self.source} → {self.target}"


class Category(models.TextChoices):
    """What a reminder or notice is about; people mute whole categories."""

    DOCUMENTS = "documents", _("Documents")
    PROJECTS = "projects", _("Projects")
    EVENTS = "events", _("Events")


def validate_day_list(value: str) -> None:
    try:
        days = parse_day_list(value)
    except ValueError:
        raise ValidationError(
            _("Enter whole numbers of days separated by commas, e.g. 30, 7, 1.")
        ) from None
    if any(day < 0 or day > 3660 for day in days):
        raise ValidationError(_("Each number of days must be between 0 and 3660."))


def parse_day_list(value: str) -> tuple[int, ...]:
    """``"30, 7, 1"`` → ``(30, 7, 1)``; an empty string is no days."""
    return tuple(int(part) for part in value.replace(" ", "").split(",") if part)


class ReminderRule(models.Model):
    """An administrator's settings for one deadline source.

    Without a row for a source, the source's own defaults apply.
    """

    source = models.CharField(_("deadline"), max_length=60, unique=True)
    enabled = models.BooleanField(_("send reminders"), default=True)
    lead_days = models.CharField(
        _("days before"),
        max_length=100,
        validators=[validate_day_list],
        help_text=_("Remind this many days before the date, e.g. 30, 7, 1."),
    )
    overdue_days = models.CharField(
        _("days overdue"),
        max_length=100,
        blank=True,
        validators=[validate_day_list],
        help_text=_("Remind again this many days after the date, e.g. 1, 14."),
    )
    chief_after_days = models.PositiveSmallIntegerField(
        _("escalate to the desk chief after"),
        default=7,
        help_text=_("Days overdue after which the desk chief hears too."),
    )
    leadership_after_days = models.PositiveSmallIntegerField(
        _("escalate to leadership after"),
        default=30,
        help_text=_("Days overdue after which leadership hears too."),
    )

    class Meta:
        ordering = ["source"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self) -> str:
        return self.source


class Mute(models.Model):
    """A person does not want e-mail about a category or one kind of deadline.

    ``key`` is a ``Category`` value or a registered source or notice key.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="reminder_mutes",
    )
    key = models.CharField(_("muted"), max_length=60)

    class Meta:
        ordering = ["user", "key"]
        verbose_name = _("muted reminder")
        verbose_name_plural = _("muted reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="mute_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.key}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Nothing left to send")


class DeliveryQuerySet(models.QuerySet):
    def deliverable(self, now: datetime.datetime, lease: datetime.timedelta):
        """Waiting to be sent, or claimed by a worker that has not finished
        within the lease (it died)."""
        return self.filter(
            models.Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            | models.Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - lease)
        )


class Delivery(models.Model):
    """One e-mail and what happened to it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        abstract = True


class Digest(Delivery):
    """The one reminder e-mail a person gets on a day."""

    day = models.DateField(_("day"))

    class Meta:
        ordering = ["-day", "recipient"]
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day"], name="digest_one_per_person_per_day"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="digest_due")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.day}"


class Reminder(models.Model):
    """The ledger: one row per reminder, written before it is sent.

    The unique key makes a second run, a second scheduler or a retried worker
    find the row already there and send nothing again.
    """

    class Reason(models.TextChoices):
        RESPONSIBLE = "responsible", _("You are responsible")
        CHIEF = "chief", _("Escalated to the desk chief")
        LEADERSHIP = "leadership", _("Escalated to leadership")

    source = models.CharField(_("deadline"), max_length=60)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.BigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    lead_days = models.SmallIntegerField(
        _("days before"), help_text=_("Negative: days overdue.")
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    digest = models.ForeignKey(
        Digest,
        verbose_name=_("digest"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    run = models.UUIDField(_("claimed by run"), editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "source",
                    "content_type",
                    "object_id",
                    "recipient",
                    "due_on",
                    "lead_days",
                ],
                name="reminder_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=models.Q(digest__isnull=True, status="pending"),
                name="reminder_unassigned",
            ),
            models.Index(fields=["run"], name="reminder_run"),
        ]

    def __str__(self) -> str:
        return f"{self.source} #{self.object_id} → {self.recipient} ({self.due_on})"

    @property
    def overdue(self) -> bool:
        return self.lead_days < 0


class Notice(Delivery):
    """An immediate e-mail about a transition that waits on someone."""

    transition_log = models.ForeignKey(
        TransitionLog,
        verbose_name=_("transition"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    rule = models.CharField(_("notice"), max_length=60)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(
                fields=["transition_log", "recipient"], name="notice_once"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notice_due")
        ]

    def __str__(self) -> str:
        return f"{self.rule} → {self.recipient}"
