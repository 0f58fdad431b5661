"""The bounce messages of tests/mail/bounces/*.eml, filled in with a real message's return path and Message-ID."""

from pathlib import Path

from swsdigital.mail import returnpath
from swsdigital.mail.returnpath import Token

HERE = Path(__file__).resolve().parent / "bounces"
UNKNOWN = Token(returnpath.OUTBOX, 987654321)


def eml(name: str, token: Token | None = None, **values: str) -> bytes:
    """Return a fixture's bytes (CRLF line ends) with {{RETURN_PATH}}/{{MESSAGE_ID}} set for ``token``."""
    text = (HERE / f"{name}.eml").read_text(encoding="utf-8")
    if token is not None:
        values.setdefault("RETURN_PATH", returnpath.return_path(token))
        values.setdefault("MESSAGE_ID", returnpath.message_id(token))
    values.setdefault("UNKNOWN_RETURN_PATH", returnpath.return_path(UNKNOWN))
    values.setdefault("N", "0")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def huge(token: Token, megabytes: int = 20) -> bytes:
    """A Postfix DSN that returns the whole original with a ``megabytes`` attachment (built, not stored)."""
    head = eml("postfix_user_unknown", token).rsplit(b"--4QZ1x2Y3z4.1733475602/mail.example.net--", 1)[0]
    line = b"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n"
    blob = line * (megabytes * 1024 * 1024 // len(line))
    part = (
        b"--4QZ1x2Y3z4.1733475602/mail.example.net\r\n"
        b"Content-Type: message/rfc822\r\n\r\n"
        b"Subject: big\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    return head + part + blob + b"\r\n--4QZ1x2Y3z4.1733475602/mail.example.net--\r\n"
