import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceania", _("Oceania")
    ANTARCTIC = "antarctic", _("Antarctic")


class Role(models.TextChoices):
    """Roles are Django groups with these names."""

    DESK_OFFICER = "desk_officer", _("Desk officer")
    DIVISION_CHIEF = "division_chief", _("Division chief")
    LEADERSHIP = "leadership", _("Leadership")
    ADMINISTRATOR = "administrator", _("Administrator")
    VIEWER = "viewer", _("Viewer")


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class BilingualNameMixin:
    """Picks the Chinese or English name for the active language."""

    def localized(self, field: str = "name") -> str:
        zh = getattr(self, f"{field}_zh")
        en = getattr(self, f"{field}_en")
        if (get_language() or "").startswith("zh"):
            return zh or en
        return en or zh


class StoredFieldsMixin:
    """Fields that follow other records (``STORED_FIELDS``) and are written
    only by the service that refreshes them, never by saving an instance: an
    instance read before those records changed must not write back the
    values it was read with."""

    STORED_FIELDS: tuple[str, ...] = ()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.attname not in deferred
                and field.name not in self.STORED_FIELDS
            ]
        super().save(*args, **kwargs)


class User(AbstractUser):
    class Language(models.TextChoices):
        CHINESE = "zh-hans", _("Simplified Chinese")
        ENGLISH = "en", _("English")

    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, blank=True
    )
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, default=_new_token
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def reset_calendar_token(self) -> None:
        self.calendar_token = _new_token()


class Country(BilingualNameMixin, models.Model):
    code = models.CharField(_("ISO 3166 alpha-3 code"), max_length=3, primary_key=True)
    alpha2 = models.CharField(_("ISO 3166 alpha-2 code"), max_length=2, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    region = models.CharField(
        _("region"), max_length=16, choices=Region.choices, db_index=True
    )
    bri_joined_on = models.DateField(
        _("joined Belt and Road cooperation"),
        null=True,
        blank=True,
        help_text=_("Date of the first Belt and Road cooperation document."),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.localized()


class Organization(BilingualNameMixin, models.Model):
    class Kind(models.TextChoices):
        FOREIGN_GOVERNMENT = "foreign_gov", _("Foreign ministry or agency")
        INTERNATIONAL = "international", _("International organisation")
        CHINESE_AGENCY = "chinese_agency", _("Chinese government agency")
        COMPANY = "company", _("Company")
        BANK = "bank", _("Bank or financial institution")
        OTHER = "other", _("Other")

    name_en = models.CharField(_("name (English)"), max_length=300)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["name_en", "kind"], name="organization_unique_name_kind"
            )
        ]

    def __str__(self) -> str:
        return self.localized()


class Desk(BilingualNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    chief = models.ForeignKey(
        User,
        verbose_name=_("chief"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="desks_led",
    )
    members = models.ManyToManyField(
        User, verbose_name=_("members"), blank=True, related_name="desks"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("desk")
        verbose_name_plural = _("desks")

    def __str__(self) -> str:
        return self.localized()


class DeskRegion(models.Model):
    """A region a desk covers: imported projects there are assigned to it.

    A desk may cover several regions (Americas and Oceania); a region is
    covered by one desk at most, so the assignment is never ambiguous.
    """

    desk = models.ForeignKey(
        Desk, verbose_name=_("desk"), on_delete=models.CASCADE, related_name="regions"
    )
    region = models.CharField(
        _("region"),
        max_length=16,
        choices=Region.choices,
        unique=True,
        error_messages={"unique": _("Another desk already covers this region.")},
    )

    class Meta:
        ordering = ["region"]
        verbose_name = _("region covered")
        verbose_name_plural = _("regions covered")

    def __str__(self) -> str:
        return self.get_region_display()
