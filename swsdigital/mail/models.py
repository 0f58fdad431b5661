"""The outbox: one row per email, written in the caller's transaction."""

from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


class OutboxEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        RETRY = "retry", _("temporary failure, will retry")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed permanently")

    to = models.EmailField(_("recipient"), max_length=254)
    from_email = models.CharField(_("sender"), max_length=254)
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # [{"filename": ..., "mimetype": ..., "content_b64": ...}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    template = models.CharField(_("template"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField(_("handed to the queue"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Set when a bounce read from the bounce mailbox names this email: sent, but not delivered.
    bounced_at = models.DateTimeField(_("not delivered since"), null=True, blank=True)
    bounce_reason = models.CharField(_("reason not delivered"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("email log")
        ordering = ["-created_at", "-id"]
        permissions = [("resend_outboxemail", _("Can send emails again"))]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="mail_status_next_idx"),
            # The admin's list: an address searched case-insensitively; the template filter's choices.
            models.Index(Upper("to"), name="mail_outbox_to_upper_idx"),
            models.Index(fields=["template"], name="mail_outbox_template_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class InboundMessage(models.Model):
    """One message read from the bounce mailbox: what it was, whom it concerned and what it changed."""

    class Kind(models.TextChoices):
        HARD = "hard", _("hard bounce")
        SOFT = "soft", _("soft bounce")
        COMPLAINT = "complaint", _("complaint")
        AUTOREPLY = "autoreply", _("automatic reply")
        UNPARSABLE = "unparsable", _("not readable")
        IGNORED = "ignored", _("ignored")

    class Target(models.TextChoices):
        NONE = "", _("none")
        OUTBOX = "o", _("email")
        DELIVERY = "n", _("newsletter delivery")

    received_at = models.DateTimeField(_("read"), auto_now_add=True, db_index=True)
    # The mailbox message's Message-ID (or a digest of the message): the same message is recorded once.
    mailbox_key = models.CharField(_("mailbox message"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, db_index=True)
    status_code = models.CharField(_("status code"), max_length=12, blank=True)
    diagnostic = models.TextField(_("reason"), blank=True)
    address = models.CharField(_("recipient address"), max_length=254, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The row the return-path token names (outbox email or newsletter delivery); the apps resolve it.
    target_kind = models.CharField(_("concerns"), max_length=1, choices=Target.choices, blank=True)
    target_id = models.PositiveBigIntegerField(_("concerns row"), null=True, blank=True)
    outbox_email = models.ForeignKey(
        OutboxEmail, verbose_name=_("email"), null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound"
    )
    subscriber_id = models.PositiveBigIntegerField(_("subscriber"), null=True, blank=True, db_index=True)
    effect = models.CharField(_("effect"), max_length=300, blank=True)
    raw = models.TextField(_("raw message"), blank=True)
    raw_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    raw_purged_at = models.DateTimeField(_("raw message removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("bounce or complaint")
        verbose_name_plural = _("bounces and complaints")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["address", "kind", "received_at"], name="mail_inbound_addr_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.address or self.subject}"
