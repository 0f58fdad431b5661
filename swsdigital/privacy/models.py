"""Proof of consent, shared by every app: which text, in which version, when, from where."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentText(models.Model):
    """One version of the wording a person agrees to; never edited once used, only superseded."""

    key = models.SlugField(_("key"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    text_de = models.TextField(_("text (German)"))
    text_en = models.TextField(_("text (English)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="privacy_text_key_version_uniq")]

    def __str__(self) -> str:
        from .labels import consent_key_label

        return f"{consent_key_label(self.key)} ({_('version')} {self.version})"


class WithdrawalReason(models.TextChoices):
    """Why a consent ended: the person's own request (link, member area, staff on their behalf) or a spam complaint."""

    REQUEST = "request", _("withdrawn by the person")
    COMPLAINT = "complaint", _("spam complaint (feedback loop)")


class Consent(models.Model):
    """A person's consent to one text version, with request and confirmation (double opt-in)."""

    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="consents", verbose_name=_("text"))
    email = models.EmailField(_("email"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("user")
    )
    source = models.CharField(_("source"), max_length=100, help_text=_("The form or process that recorded it."))
    subject_ref = models.CharField(_("refers to"), max_length=100, blank=True, db_index=True)
    given_at = models.DateTimeField(_("given"))
    given_ip = models.GenericIPAddressField(_("IP address (given)"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_ip = models.GenericIPAddressField(_("IP address (confirmed)"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.CharField(
        _("withdrawn because"), max_length=20, choices=WithdrawalReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.email}: {self.text}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ErasureRecord(models.Model):
    """That a person's data was erased: when, by whom, which kinds of records and how many — never who."""

    class Via(models.TextChoices):
        ADMIN = "admin", _("administration")
        COMMAND = "command", _("management command")
        SELF = "self", _("the person themselves")

    created_at = models.DateTimeField(_("erased at"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("erased by"),
    )
    # The staff account's label at the time, so the record still says who acted once that account is gone.
    by_label = models.CharField(_("erased by (as recorded)"), max_length=300, blank=True)
    via = models.CharField(_("through"), max_length=10, choices=Via.choices, default=Via.ADMIN)
    # [{"kind": "events.registration", "count": 2, "action": "anonymised"}, ...]; kept records too.
    holdings = models.JSONField(_("records"), default=list, blank=True)

    class Meta:
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("erase_person", _("Can erase a person's data across all apps")),
            ("export_person", _("Can send a person the export of their data")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else f"#{self.pk}"

    @property
    def total(self) -> int:
        return sum(h.get("count", 0) for h in self.holdings if h.get("action") != "kept")
