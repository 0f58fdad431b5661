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
        return f"{self.key} v{self.version}"


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

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.email}: {self.text}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
