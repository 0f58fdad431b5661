"""Render a mailing once per language; fill in only the personal links per recipient."""

import binascii
import uuid
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from swsdigital.core.htmltext import html_to_text
from swsdigital.core.richtext import richtext_render
from swsdigital.core.translated import fallback_note, text_language
from swsdigital.mail.dkim import message_sign
from swsdigital.mail.returnpath import DELIVERY, Token, bounce_address, message_id, return_path
from swsdigital.mail.services import email_render

from .models import Delivery, Mailing
from .services.tokens import manage_token

# Placeholders survive rendering and escaping unchanged (letters and underscores only).
_UNSUBSCRIBE = "NLPLACEHOLDER_UNSUBSCRIBE_URL"
_PREFERENCES = "NLPLACEHOLDER_PREFERENCES_URL"


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def _block_items(objects) -> list[dict]:
    """Turn another app's objects into title + link, whatever their model looks like."""
    items = []
    for obj in objects or []:
        get_url = getattr(obj, "get_absolute_url", None)
        try:
            url = _absolute(get_url()) if callable(get_url) else ""
        except Exception:  # an object without a resolvable page is still listed by title
            url = ""
        # An event's start or a press release's publication time, where the object has one.
        when = getattr(obj, "start", None) or getattr(obj, "published_at", None)
        # The title's own language: an English mailing lists an event without English title in German (lang="de").
        language = text_language(obj, "title") if hasattr(obj, "title") else translation.get_language()
        items.append({"title": str(obj), "url": url, "when": when, "note": _block_note(obj), "language": language})
    return items


def _block_note(obj) -> str:
    """Say that an event was called off or postponed: a reader may have noted the date from an earlier issue."""
    if getattr(obj, "is_cancelled", False):
        return _("cancelled")
    if getattr(obj, "is_postponed", False):
        return _("postponed")
    return ""


def mailing_blocks(mailing: Mailing) -> dict:
    """Return the automatic blocks (next events, latest press) in the current language."""
    from events.selectors import events_upcoming
    from news.selectors import news_latest

    limit = settings.NEWSLETTER_BLOCK_ITEMS
    return {
        "events": _block_items(events_upcoming(limit=limit)) if mailing.include_events else [],
        "news": _block_items(news_latest(limit=limit)) if mailing.include_news else [],
    }


def mailing_context(mailing: Mailing, language: str, *, unsubscribe_url: str, preferences_url: str) -> dict:
    """Return the template context of a mailing in a language."""
    with translation.override(language):
        subject, preheader, body = mailing.content(language)
        # Sanitised again, with links made absolute: a mail program has no site to resolve "/termine/" against.
        body_html = richtext_render(body, base_url=settings.SITE_URL)
        return {
            "mailing": mailing,
            # German where the mailing has no English body: the HTML marks it lang="de" with "(auf Deutsch)".
            "content_language": mailing.content_language(language),
            "content_note": fallback_note(mailing.content_language(language)),
            "subject": subject,
            "preheader": preheader,
            "body_text": html_to_text(body_html),
            "body_html": body_html,
            "web_url": _absolute(mailing.get_absolute_url()) if mailing.pk else "",
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": preferences_url,
            **mailing_blocks(mailing),
        }


def mailing_render(mailing: Mailing, language: str, **links) -> tuple[str, str, str]:
    """Return (subject, text, html) of a mailing in a language (personal links as given)."""
    links.setdefault("unsubscribe_url", _UNSUBSCRIBE)
    links.setdefault("preferences_url", _PREFERENCES)
    context = mailing_context(mailing, language, **links)
    return email_render(template="newsletter/mailing", context=context, language=language)


class MailingRenderer:
    """Build each recipient's message from one rendering per language."""

    def __init__(self, mailing: Mailing):
        self.mailing = mailing
        self.from_email = settings.NEWSLETTER_FROM_EMAIL or settings.DEFAULT_FROM_EMAIL
        self.domain = self.from_email.rsplit("@", 1)[-1].strip("> ") or "localhost"
        # The fast path writes addresses as they are: ASCII only (else Django's message encodes them).
        self.addresses_ascii = parseaddr(self.from_email)[1].isascii() and "@".join(bounce_address()).isascii()
        self._parts: dict[str, tuple[str, str, str]] = {}
        self._paths: dict[str, tuple[str, str]] = {}
        self._heads: dict[str, bytes] = {}

    def _language_parts(self, language: str) -> tuple[str, str, str]:
        if language not in self._parts:
            self._parts[language] = mailing_render(self.mailing, language)
            with translation.override(language):
                # The token's place in the path: reverse with a marker, split it out once.
                self._paths[language] = (
                    _absolute(reverse("newsletter:unsubscribe", kwargs={"token": "TOKEN"})),
                    _absolute(reverse("newsletter:preferences", kwargs={"token": "TOKEN"})),
                )
        return self._parts[language]

    def _personal(self, delivery: Delivery) -> tuple[str, str, str, str, str]:
        subscriber = delivery.subscriber
        language = subscriber.language if subscriber.language in dict(settings.LANGUAGES) else "de"
        subject, text, html = self._language_parts(language)
        unsubscribe_path, preferences_path = self._paths[language]
        token = manage_token(subscriber.key)
        unsubscribe_url = unsubscribe_path.replace("TOKEN", token)
        preferences_url = preferences_path.replace("TOKEN", token)
        text = text.replace(_UNSUBSCRIBE, unsubscribe_url).replace(_PREFERENCES, preferences_url)
        html = html.replace(_UNSUBSCRIBE, unsubscribe_url).replace(_PREFERENCES, preferences_url)
        return language, subject, text, html, unsubscribe_url

    def _headers(self, delivery: Delivery, unsubscribe_url: str) -> dict[str, str]:
        return {
            # Signed and stable per delivery (a resend repeats it): a bounce quoting only headers finds the row.
            "Message-ID": message_id(Token(DELIVERY, delivery.pk), self.domain),
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"Newsletter <newsletter.{self.domain}>",
            "Precedence": "bulk",
        }

    def message(self, delivery: Delivery, *, connection=None) -> EmailMultiAlternatives:
        """Return the message of one delivery: the language's rendering with its personal links."""
        _language, subject, text, html, unsubscribe_url = self._personal(delivery)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=self.from_email,
            to=[delivery.subscriber.email],
            connection=connection,
            headers=self._headers(delivery, unsubscribe_url),
        )
        message.attach_alternative(html, "text/html")
        message.envelope_sender = return_path(Token(DELIVERY, delivery.pk))  # the backend's MAIL FROM (VERP)
        return message

    def can_send_raw(self, delivery: Delivery) -> bool:
        """Whether the fast path fits (ASCII addresses; others go through Django's message)."""
        return delivery.subscriber.email.isascii() and self.addresses_ascii

    def raw(self, delivery: Delivery) -> tuple[str, str, bytes]:
        """Return (envelope sender, recipient, message bytes) of one delivery, built without the email package.

        Headers that are the same for everyone are encoded once per language; the bodies are
        quoted-printable encoded per recipient by binascii (C code), since the links differ. The envelope
        sender is the delivery's return path (VERP); the bytes are DKIM-signed when DKIM is configured.
        """
        language, subject, text, html, unsubscribe_url = self._personal(delivery)
        head = self._raw_head(language, subject)
        personal = "".join(f"{name}: {value}\r\n" for name, value in self._headers(delivery, unsubscribe_url).items())
        to = delivery.subscriber.email
        boundary = self._boundary
        parts = [
            head,
            f"To: {to}\r\n{personal}".encode("ascii"),
            f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'.encode("ascii"),
            f"--{boundary}\r\n".encode("ascii"),
            b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n',
            _qp(text),
            f"\r\n--{boundary}\r\n".encode("ascii"),
            b'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n',
            _qp(html),
            f"\r\n--{boundary}--\r\n".encode("ascii"),
        ]
        return return_path(Token(DELIVERY, delivery.pk)), to, message_sign(b"".join(parts))

    @property
    def _boundary(self) -> str:
        if not hasattr(self, "_boundary_value"):
            self._boundary_value = f"=_newsletter_{uuid.uuid4().hex}"
        return self._boundary_value

    def _raw_head(self, language: str, subject: str) -> bytes:
        key = f"head:{language}"
        if key not in self._heads:
            name, address = parseaddr(self.from_email)
            header = Header(subject, "us-ascii" if subject.isascii() else "utf-8", header_name="Subject")
            self._heads[key] = (
                f"From: {formataddr((name, address), charset='utf-8')}\r\n"
                f"Subject: {header.encode(linesep=chr(13) + chr(10))}\r\n"
                f"Date: {formatdate(usegmt=True)}\r\n"
                "MIME-Version: 1.0\r\n"
            ).encode("ascii")
        return self._heads[key]


def _qp(value: str) -> bytes:
    """Quoted-printable with CRLF line ends (soft breaks keep lines under 76 characters)."""
    encoded = binascii.b2a_qp(value.replace("\r\n", "\n").encode("utf-8"), istext=True)
    return encoded.replace(b"\n", b"\r\n")
