"""Subscribers with proof of consent, topics, mailings and one delivery row per recipient."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from swsdigital.core.richtext import RichTextField


def _new_key() -> str:
    return secrets.token_hex(16)


class Topic(models.Model):
    """A subject people can choose to hear about (events, funding, press ...)."""

    slug = models.SlugField(_("key"), max_length=50, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language; the German one where no English exists."""
        return self.name_en if (get_language() or "de").startswith("en") and self.name_en else self.name_de


class Subscriber(models.Model):
    """One email address on the list; only confirmed ones receive mailings."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("subscribed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        BOUNCED = "bounced", _("bounced")

    email = models.EmailField(_("email"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="de")
    topics = models.ManyToManyField(Topic, blank=True, related_name="subscribers", verbose_name=_("topics"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    # Signed into the personal links; replaced to revoke them.
    key = models.CharField(_("link key"), max_length=32, unique=True, default=_new_key, editable=False)
    source = models.CharField(_("source"), max_length=100, blank=True)
    consent = models.ForeignKey(
        "privacy.Consent", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("consent record")
    )
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True, db_index=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    # Why the address left the list when it was not the person's own click: "complaint" (a spam report).
    unsubscribe_reason = models.CharField(_("reason for unsubscribing"), max_length=30, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    bounce_reason = models.CharField(_("bounce reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "language"], name="newsletter_sub_status_lang_idx"),
            # The admin's list filtered by status in its default order; an address searched case-insensitively.
            models.Index(fields=["status", "-created_at", "-id"], name="newsletter_sub_status_new_idx"),
            models.Index(Upper("email"), name="newsletter_sub_email_upper_idx"),
        ]

    def __str__(self) -> str:
        return self.email


class Mailing(models.Model):
    """One newsletter issue: content, audience, schedule and sending state."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        SENDING = "sending", _("sending")
        PAUSED = "paused", _("paused")
        SENT = "sent", _("sent")
        CANCELLED = "cancelled", pgettext_lazy("mailing status", "cancelled")

    subject = models.CharField(_("subject"), max_length=200)
    preheader = models.CharField(
        _("preheader"), max_length=200, blank=True, help_text=_("The short line mail programs show after the subject.")
    )
    body = RichTextField(_("text"))
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    preheader_en = models.CharField(_("preheader (English)"), max_length=200, blank=True)
    body_en = RichTextField(
        _("text (English)"), blank=True, help_text=_("Leave empty to send the German text to everyone.")
    )
    include_events = models.BooleanField(_("add the next events"), default=True)
    include_news = models.BooleanField(_("add the latest press releases"), default=True)
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="mailings",
        verbose_name=_("audience: topics"),
        help_text=_("Subscribers of at least one of these topics; none chosen means everyone."),
    )
    audience_language = models.CharField(
        _("audience: language"),
        max_length=5,
        blank=True,
        choices=[("", _("all languages")), *settings.LANGUAGES],
    )
    members_only = models.BooleanField(_("audience: members only"), default=False)
    in_archive = models.BooleanField(_("show in the public archive"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The latest pre-send check (newsletter/services/checks.py) and a hash of the content it saw.
    check_report = models.JSONField(_("pre-send check"), default=dict, blank=True, editable=False)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True, editable=False)
    checked_hash = models.CharField(_("checked content"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-id"]
        permissions = [("send_mailing", _("Can send, schedule, pause, resume and cancel mailings"))]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("newsletter:mailing", kwargs={"pk": self.pk, "slug": slugify(self.subject)[:60] or "newsletter"})

    def content_language(self, language: str) -> str:
        """Return the language the mailing is shown in for readers of ``language``: English only where its body is."""
        return "en" if language.startswith("en") and self.body_en.strip() else "de"

    @property
    def archive_language(self) -> str:
        """The language of the archive entry on the current page."""
        return self.content_language(get_language() or "de")

    @property
    def archive_subject(self) -> str:
        return self.content(get_language() or "de")[0]

    @property
    def archive_preheader(self) -> str:
        return self.content(get_language() or "de")[1]

    def content(self, language: str) -> tuple[str, str, str]:
        """Return (subject, preheader, HTML body) in a language, German where no English exists."""
        if language.startswith("en") and self.body_en.strip():
            return self.subject_en or self.subject, self.preheader_en or self.preheader, self.body_en
        return self.subject, self.preheader, self.body


class Delivery(models.Model):
    """The state of one mailing for one subscriber; claimed by a worker in batches."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("being sent")
        RETRY = "retry", _("temporary failure, will retry")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    mailing = models.ForeignKey(Mailing, verbose_name=_("mailing"), on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claim = models.CharField(_("claimed by"), max_length=32, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "subscriber"], name="newsletter_delivery_uniq"),
        ]
        indexes = [models.Index(fields=["mailing", "status"], name="newsletter_delivery_state_idx")]

    def __str__(self) -> str:
        return f"{self.mailing_id} → {self.subscriber_id}"


class MembershipOptin(models.Model):
    """A membership applicant's newsletter wish, handled once: invited to the double opt-in, or already known."""

    class Outcome(models.TextChoices):
        INVITED = "invited", _("confirmation email sent")
        KNOWN = "known", _("address already on the list")

    email = models.EmailField(_("email"), max_length=254, unique=True)
    application_confirmed_at = models.DateTimeField(_("application confirmed"), db_index=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    created_at = models.DateTimeField(_("handled"), auto_now_add=True)

    class Meta:
        verbose_name = _("newsletter wish from a membership application")
        verbose_name_plural = _("newsletter wishes from membership applications")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.email
