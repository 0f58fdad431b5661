"""Render a mailing once per language; fill in only the personal links per recipient."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from swsdigital.core.markdown import render_markdown
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
        items.append({"title": str(obj), "url": url})
    return items


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
        return {
            "mailing": mailing,
            "subject": subject,
            "preheader": preheader,
            "body_markdown": body,
            "body_html": render_markdown(body),
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
        self._parts: dict[str, tuple[str, str, str]] = {}
        self._paths: dict[str, tuple[str, str]] = {}

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

    def message(self, delivery: Delivery, *, connection=None) -> EmailMultiAlternatives:
        """Return the message of one delivery: the language's rendering with its personal links."""
        subscriber = delivery.subscriber
        language = subscriber.language if subscriber.language in dict(settings.LANGUAGES) else "de"
        subject, text, html = self._language_parts(language)
        unsubscribe_path, preferences_path = self._paths[language]
        token = manage_token(subscriber.key)
        unsubscribe_url = unsubscribe_path.replace("TOKEN", token)
        preferences_url = preferences_path.replace("TOKEN", token)
        text = text.replace(_UNSUBSCRIBE, unsubscribe_url).replace(_PREFERENCES, preferences_url)
        html = html.replace(_UNSUBSCRIBE, unsubscribe_url).replace(_PREFERENCES, preferences_url)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=self.from_email,
            to=[subscriber.email],
            connection=connection,
            headers={
                "Message-ID": f"<newsletter.{self.mailing.pk}.{delivery.pk}@{self.domain}>",
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"Newsletter <newsletter.{self.domain}>",
                "Precedence": "bulk",
            },
        )
        message.attach_alternative(html, "text/html")
        return message
