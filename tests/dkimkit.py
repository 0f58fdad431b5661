"""DKIM test helpers: one RSA key per test session, the DNS TXT record stubbed (no network), verification."""

from __future__ import annotations

import functools
import re

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

DOMAIN = "sws-digital.example"
SELECTOR = "test"


@functools.cache
def key_pem() -> bytes:
    """A 2048-bit RSA private key (PEM), made once per session: generating one costs a fraction of a second."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )


def txt_record(pem: bytes | None = None) -> bytes:
    """The DKIM TXT record (v=DKIM1; k=rsa; p=...) of a private key."""
    import base64

    key = serialization.load_pem_private_key(pem or key_pem(), password=None)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)


def dns_stub(records: dict[str, bytes] | None = None):
    """A dkimpy ``dnsfunc`` answering only the given names (default: the test selector's record)."""
    records = records or {f"{SELECTOR}._domainkey.{DOMAIN}.": txt_record()}
    asked: list[str] = []

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        asked.append(name)
        return records.get(name)

    dnsfunc.asked = asked
    return dnsfunc


def configure(settings, tmp_path) -> str:
    """Turn DKIM on in these settings with the session key written to a file; return the file's path."""
    path = tmp_path / "dkim.pem"
    path.write_bytes(key_pem())
    settings.DKIM_DOMAIN = DOMAIN
    settings.DKIM_SELECTOR = SELECTOR
    settings.DKIM_PRIVATE_KEY_FILE = str(path)
    settings.DKIM_PRIVATE_KEY = ""
    return str(path)


def verifies(content: bytes, dnsfunc=None) -> bool:
    """Whether the topmost DKIM-Signature of the message verifies against the stubbed public key."""
    return dkim.verify(content, dnsfunc=dnsfunc or dns_stub())


def signature_tags(content: bytes) -> dict[str, str]:
    """The tags of the message's DKIM-Signature header (whitespace removed from each value)."""
    header = re.search(rb"^DKIM-Signature:(.*?)\r?\n(?![ \t])", content, re.S | re.M | re.I)
    assert header, "no DKIM-Signature header"
    tags = {}
    for part in header.group(1).decode().split(";"):
        if "=" in part:
            name, _, value = part.partition("=")
            tags[name.strip()] = re.sub(r"\s+", "", value)
    return tags


def signed_headers(content: bytes) -> list[str]:
    """The h= list of the message's DKIM signature."""
    return signature_tags(content)["h"].split(":")
