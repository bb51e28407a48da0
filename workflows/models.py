from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
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
