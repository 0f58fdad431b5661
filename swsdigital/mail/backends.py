"""The portal's email backends: SMTP with a per-message envelope sender and DKIM, and readable local .eml files.

A message may carry an ``envelope_sender`` attribute (the VERP return path of swsdigital.mail.returnpath):
the SMTP conversation's MAIL FROM, where bounces go. The From header stays the message's ``from_email``.
Both backends DKIM-sign the bytes they send or write (swsdigital.mail.dkim) when DKIM is configured.
"""

import email.policy
import re
import smtplib
from email.utils import parseaddr
from pathlib import Path

import django
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as DjangoSmtpBackend
from django.utils import timezone

from . import dkim


def envelope_sender(message) -> str:
    """The address bounces of ``message`` go to: its envelope sender if set, else its From address."""
    return getattr(message, "envelope_sender", "") or message.from_email


def message_bytes(message) -> bytes:
    """The message as sent over SMTP (CRLF line ends), the same on Django 5.2 and 6."""
    if django.VERSION >= (6, 0):
        return message.message(policy=email.policy.SMTP).as_bytes()
    return message.message().as_bytes(linesep="\r\n")


class SmtpEmailBackend(DjangoSmtpBackend):
    """Django's SMTP backend, sending from each message's envelope sender and DKIM-signing what it sends."""

    def _address(self, address: str, message) -> str:
        if hasattr(self, "prep_address"):  # Django 6
            return self.prep_address(address)
        from django.core.mail.message import sanitize_address  # Django 5.2

        return sanitize_address(address, message.encoding or settings.DEFAULT_CHARSET)

    def _send(self, email_message) -> bool:
        if not email_message.recipients():
            return False
        sender = self._address(envelope_sender(email_message), email_message)
        recipients = [self._address(addr, email_message) for addr in email_message.recipients()]
        data = dkim.message_sign(message_bytes(email_message))
        try:
            self.connection.sendmail(sender, recipients, data)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


class EmlFileBackend(BaseEmailBackend):
    """One readable .eml file per message under var/mail/, headed by the Return-Path a server would add."""

    def __init__(self, *args, file_path: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_path = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        self.file_path.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            slug = re.sub(r"[^A-Za-z0-9]+", "-", message.subject)[:40].strip("-") or "mail"
            # The receiving server writes Return-Path from MAIL FROM; here it shows where bounces would go.
            return_path = f"Return-Path: <{parseaddr(envelope_sender(message))[1]}>\r\n".encode("utf-8", "replace")
            data = dkim.message_sign(message_bytes(message))
            (self.file_path / f"{stamp}-{slug}.eml").write_bytes(return_path + data)
        return len(email_messages) if email_messages else 0
