"""Tokens that tie a bounce back to the message it is about, without storing anything extra.

Every message the portal sends carries one token, ``<kind><id>.<signature>``, in two places:

* the envelope sender (VERP): ``bounces+o42.1f0c9a7be2d4@sws-digital.example`` — where delivery status
  notifications (RFC 3464) are sent, so a bounce names its message even when it quotes nothing;
* the Message-ID: ``<sws.o42.1f0c9a7be2d4@sws-digital.example>`` — which most bounces and complaints quote,
  so a report sent to the From or Reply-To address (or forwarded by hand) still finds its row.

``kind`` is ``o`` for an outbox email and ``n`` for a newsletter delivery. The signature is a truncated
HMAC over kind and id with the project's secret key, so a forged bounce (someone sending a "bounce" for an
address they want removed) names no row and is ignored.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings

OUTBOX = "o"
DELIVERY = "n"
KINDS = (OUTBOX, DELIVERY)

_SIG_LEN = 12
TOKEN_RE = re.compile(rf"(?<![0-9A-Za-z])([on])(\d{{1,18}})\.([0-9a-f]{{{_SIG_LEN}}})(?![0-9a-f])")


@dataclass(frozen=True)
class Token:
    kind: str  # OUTBOX or DELIVERY
    pk: int

    def __str__(self) -> str:
        return f"{self.kind}{self.pk}.{_signature(self.kind, self.pk)}"


def _signature(kind: str, pk: int) -> str:
    key = hashlib.sha256(("sws-return-path:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()[:_SIG_LEN]


def bounce_address() -> tuple[str, str]:
    """Return (local part, domain) of the bounce mailbox: ``BOUNCE_ADDRESS`` or ``bounces@<sender domain>``."""
    address = getattr(settings, "BOUNCE_ADDRESS", "") or ""
    if not address:
        sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "localhost"
        address = "bounces@" + sender.rsplit("@", 1)[-1]
    local, _, domain = address.rpartition("@")
    return local or "bounces", domain or "localhost"


def return_path(token: Token) -> str:
    """The envelope sender (VERP address) of the message carrying ``token``."""
    local, domain = bounce_address()
    return f"{local}+{token}@{domain}"


def message_id(token: Token, domain: str | None = None) -> str:
    """A Message-ID carrying ``token`` (stable: the same row always gets the same Message-ID)."""
    domain = domain or bounce_address()[1]
    return f"<sws.{token}@{domain}>"


def token_verify(kind: str, pk: int | str, signature: str) -> Token | None:
    """Return the token if the signature is right, else None (a forged or garbled token)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if kind not in KINDS or not hmac.compare_digest(signature.lower(), _signature(kind, pk)):
        return None
    return Token(kind, pk)


def token_find(text: str | bytes) -> Token | None:
    """Return the first validly signed token in an address, a Message-ID or a whole message's text."""
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    for match in TOKEN_RE.finditer(text or ""):
        token = token_verify(*match.groups())
        if token is not None:
            return token
    return None


def token_candidates(text: str | bytes) -> int:
    """Count token-shaped strings in ``text`` (valid or not): tells a forged bounce from one with no token."""
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    return len(TOKEN_RE.findall(text or ""))
