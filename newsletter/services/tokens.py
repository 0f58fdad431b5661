"""Signed tokens in the personal links: confirmation (7 days) and preferences/unsubscribe (no expiry)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing

from ..models import Subscriber

_CONFIRM_SALT = "newsletter.confirm"
_MANAGE_SALT = "newsletter.manage"


class InvalidToken(Exception):
    """A link that is tampered with, expired or belongs to no subscriber any more (``gone``: signed by us, but the
    subscriber was deleted, e.g. at their own request)."""

    def __init__(self, *, expired: bool = False, gone: bool = False):
        super().__init__("expired" if expired else "gone" if gone else "invalid")
        self.expired = expired
        self.gone = gone


def confirm_token(subscriber: Subscriber) -> str:
    """Return the signed, timestamped token of a subscriber's confirmation link."""
    return signing.dumps(subscriber.key, salt=_CONFIRM_SALT)


def manage_token(key: str) -> str:
    """Return the signed token of a subscriber's preferences and unsubscribe links."""
    return signing.Signer(salt=_MANAGE_SALT).sign(key)


def subscriber_from_confirm_token(token: str) -> Subscriber:
    """Return the subscriber of a confirmation token; raise InvalidToken if expired or tampered."""
    max_age = timedelta(days=settings.NEWSLETTER_CONFIRM_DAYS)
    try:
        key = signing.loads(token, salt=_CONFIRM_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise InvalidToken(expired=True) from None
    except signing.BadSignature:
        raise InvalidToken() from None
    subscriber = Subscriber.objects.filter(key=str(key)).first()
    if subscriber is None:
        raise InvalidToken()
    return subscriber


def subscriber_from_manage_token(token: str) -> Subscriber:
    """Return the subscriber of a preferences/unsubscribe token; raise InvalidToken if tampered."""
    try:
        key = signing.Signer(salt=_MANAGE_SALT).unsign(token)
    except signing.BadSignature:
        raise InvalidToken() from None
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        raise InvalidToken(gone=True)
    return subscriber
