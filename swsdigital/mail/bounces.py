"""Read one message from the bounce mailbox: what it is (bounce, complaint, auto-reply) and which row it is about.

Pure parsing, no database: ``report_parse(raw)`` returns a ``Report``. The row a report is about is found only
through a validly signed return-path token (swsdigital/mail/returnpath.py) — in the envelope recipient headers
(the VERP address the DSN was sent to), then in the quoted original message or headers, then anywhere in the
body. An address named only in the text (a Final-Recipient, a "could not deliver to x@y" line) never marks
anybody: anyone can send such a text.

Formats: delivery status notifications (RFC 3464, multipart/report; report-type=delivery-status), feedback
reports (ARF, RFC 5965, report-type=feedback-report), the many non-standard bounces (Exim, qmail, old
Exchange ...) through flufl.bounce's detectors, auto-replies (RFC 3834 and the common non-standard headers
and subjects), and mail loops (a bounce of a bounce, an auto-reply to a bounce), which are ignored.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import re
from dataclasses import dataclass, field
from email.message import Message

from django.conf import settings

from . import returnpath
from .returnpath import Token

logger = logging.getLogger(__name__)

HARD = "hard"
SOFT = "soft"
COMPLAINT = "complaint"
AUTOREPLY = "autoreply"
UNPARSABLE = "unparsable"
IGNORED = "ignored"

STATUS_RE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
# Envelope recipient headers a delivering server adds: where the DSN was sent (our VERP address).
ENVELOPE_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "X-Rcpt-To", "To")
AUTOREPLY_SUBJECT_RE = re.compile(
    r"^\s*(abwesenheitsnotiz|out of (the )?office|automatic reply|automatische antwort|auto(matic)?[- ]?reply|"
    r"autoreply|abwesend|vacation|urlaub|away from)\b",
    re.IGNORECASE,
)
BOUNCE_SUBJECT_RE = re.compile(
    r"(undeliver|undelivered mail|returned mail|delivery status notification|mail delivery (failed|failure|"
    r"system)|failure notice|unzustellbar|nicht zustellbar|non remis|delivery has failed)",
    re.IGNORECASE,
)
DAEMON_RE = re.compile(r"(mailer-daemon|postmaster|mail delivery (subsystem|system))", re.IGNORECASE)


@dataclass
class Report:
    kind: str
    status: str = ""  # the enhanced status code, e.g. 5.1.1
    diagnostic: str = ""
    recipient: str = ""  # the address the report names (display only: never used to find a person)
    token: Token | None = None
    token_source: str = ""  # "envelope", "quoted" or "body"
    forged: bool = False  # token-shaped strings, none validly signed
    note: str = ""
    feedback_type: str = ""
    subject: str = ""
    message_id: str = ""
    key: str = ""  # idempotency key: the Message-ID, else a digest of the raw bytes
    size: int = 0
    truncated: bool = False
    details: dict = field(default_factory=dict)

    @property
    def actionable(self) -> bool:
        """Whether the report may change a row: a bounce or complaint with a validly signed token."""
        return self.kind in (HARD, SOFT, COMPLAINT) and self.token is not None


def parse_limit() -> int:
    return int(getattr(settings, "BOUNCE_PARSE_MAX_BYTES", 1024 * 1024))


def message_key(raw: bytes) -> str:
    """The idempotency key of a raw message: its Message-ID, or a digest of its first bytes when it has none."""
    head = raw[:65536].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    match = re.search(rb"(?im)^message-id:[ \t]*(.+(?:\r?\n[ \t].*)*)", head)
    if match:
        value = b" ".join(match.group(1).split()).decode("ascii", "replace").strip()
        if value:
            return value[:250]
    return "sha256:" + hashlib.sha256(raw[: parse_limit()]).hexdigest()


def _text(part: Message) -> str:
    """A part's decoded text (never raises)."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding
        payload = None
    if payload is None:
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")


def _fields(part: Message) -> list[dict[str, str]]:
    """The field blocks of a message/delivery-status or message/feedback-report part, names lower-cased."""
    payload = part.get_payload()
    blocks: list[dict[str, str]] = []
    if isinstance(payload, list):  # the parser split the blocks into header sets already
        for block in payload:
            if isinstance(block, Message):
                blocks.append({k.lower(): " ".join(str(v).split()) for k, v in block.items()})
        if any(blocks):
            return blocks
        text = ""
    else:
        text = _text(part)
    for chunk in re.split(r"\r?\n[ \t]*\r?\n", text):
        parsed = email.message_from_string(chunk.strip() + "\n\n", policy=email.policy.compat32)
        block = {k.lower(): " ".join(str(v).split()) for k, v in parsed.items()}
        if block:
            blocks.append(block)
    return blocks


def _value(field_value: str) -> str:
    """``rfc822; user@example.org`` → ``user@example.org``."""
    return field_value.split(";", 1)[-1].strip().strip("<>") if field_value else ""


def _report_parts(message: Message, report_type: str) -> list[Message]:
    if message.get_content_type() != "multipart/report":
        return []
    if (message.get_param("report-type") or "").lower() != report_type:
        return []
    return [p for p in message.walk() if p is not message]


def _quoted(message: Message) -> list[str]:
    """The quoted original: the headers (and text) of message/rfc822 and text/rfc822-headers parts."""
    quoted = []
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/rfc822-headers"):
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message):
                quoted.append("".join(f"{k}: {v}\n" for k, v in inner.items()))
            elif isinstance(inner, str):
                quoted.append(inner)
        elif ctype in ("text/rfc822-headers", "text/rfc822"):
            quoted.append(_text(part))
    return quoted


def _quoted_messages(message: Message) -> list[Message]:
    """The quoted originals as messages (to tell a bounce of a bounce)."""
    found = []
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/rfc822-headers"):
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message):
                found.append(inner)
        elif ctype in ("text/rfc822-headers", "text/rfc822"):
            found.append(email.message_from_string(_text(part), policy=email.policy.compat32))
    return found


def _body_text(message: Message) -> str:
    chunks = []
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_maintype() in ("text", "message"):
            chunks.append(_text(part))
    return "\n".join(chunks)


def _is_bounce_like(message: Message) -> bool:
    """A quoted original that is itself a bounce or automatic message: answering it would loop."""
    if returnpath.token_find("".join(f"{k}: {v}\n" for k, v in message.items())):
        return False  # our own message (it carries its token): the normal case of a bounce
    if message.get_content_type() == "multipart/report":
        return True
    if DAEMON_RE.search(str(message.get("From", ""))):
        return True
    if str(message.get("Return-Path", "")).strip() == "<>":
        return True
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return True
    return bool(BOUNCE_SUBJECT_RE.search(str(message.get("Subject", ""))))


def _is_autoreply(message: Message) -> bool:
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto.startswith("auto-replied"):
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond") or message.get("X-Autoresponse"):
        return True
    if str(message.get("Precedence", "")).strip().lower() == "auto_reply":
        return True
    if str(message.get("X-Auto-Response-Suppress", "")) and AUTOREPLY_SUBJECT_RE.search(_subject(message)):
        return True
    return bool(AUTOREPLY_SUBJECT_RE.search(_subject(message)))


def _subject(message: Message) -> str:
    raw = message.get("Subject", "")
    try:
        return str(email.header.make_header(email.header.decode_header(str(raw))))
    except Exception:
        return str(raw)


def _find_token(message: Message, report: Report) -> None:
    """Set the report's token: envelope headers first, then the quoted original, then the whole body."""
    places = [
        ("envelope", [str(v) for name in ENVELOPE_HEADERS for v in (message.get_all(name) or [])]),
        ("quoted", _quoted(message)),
        ("body", [_body_text(message)]),
    ]
    candidates = 0
    for source, texts in places:
        for text in texts:
            token = returnpath.token_find(text)
            if token is not None:
                report.token, report.token_source = token, source
                return
            candidates += returnpath.token_candidates(text)
    report.forged = candidates > 0


def _status_of(*texts: str) -> str:
    for text in texts:
        match = STATUS_RE.search(text or "")
        if match:
            return ".".join(match.groups())
    return ""


def _parse_dsn(message: Message, report: Report) -> bool:
    parts = _report_parts(message, "delivery-status")
    status_parts = [
        p for p in parts if p.get_content_type() in ("message/delivery-status", "message/global-delivery-status")
    ]
    if not status_parts:
        return False
    blocks = _fields(status_parts[0])
    recipients = [b for b in blocks if "action" in b or "final-recipient" in b]
    failed = [b for b in recipients if b.get("action", "").lower().startswith(("failed", "delayed"))]
    if not failed:
        report.kind = IGNORED
        report.note = "delivery status notification without a failure (delivered, relayed or expanded)"
        report.recipient = _value(recipients[0].get("final-recipient", "")) if recipients else ""
        return True
    block = failed[0]
    action = block.get("action", "").lower()
    report.recipient = _value(block.get("final-recipient", "") or block.get("original-recipient", ""))
    report.diagnostic = _value(block.get("diagnostic-code", "")) or block.get("diagnostic-code", "")
    report.status = _status_of(block.get("status", ""), report.diagnostic)
    if action.startswith("delayed") or report.status.startswith("4"):
        report.kind = SOFT
    else:
        report.kind = HARD
        report.status = report.status or "5.0.0"
    if not report.diagnostic:
        human = [p for p in parts if p.get_content_type() == "text/plain"]
        report.diagnostic = _text(human[0]).strip()[:500] if human else ""
    return True


def _parse_arf(message: Message, report: Report) -> bool:
    parts = _report_parts(message, "feedback-report")
    feedback = [p for p in parts if p.get_content_type() == "message/feedback-report"]
    if not feedback:
        return False
    fields: dict[str, str] = {}
    for block in _fields(feedback[0]):
        fields.update(block)
    report.feedback_type = fields.get("feedback-type", "").lower()
    report.recipient = _value(fields.get("original-rcpt-to", ""))
    report.diagnostic = " ".join(
        f"{name}: {fields[name]}" for name in ("feedback-type", "user-agent", "source-ip") if fields.get(name)
    )
    if report.feedback_type in ("abuse", "fraud", "virus", "other", ""):
        report.kind = COMPLAINT
    else:  # not-spam, auth-failure: no complaint about our mail
        report.kind = IGNORED
        report.note = f"feedback report of type {report.feedback_type!r}: not a complaint"
    return True


def _parse_nonstandard(message: Message, report: Report) -> bool:
    try:
        from flufl.bounce import all_failures

        temporary, permanent = all_failures(message)
    except Exception as exc:  # a detector tripped over a broken message: treat as not detected
        logger.info("flufl.bounce could not scan a message: %s", exc)
        return False
    if not temporary and not permanent:
        return False
    addresses = sorted(a.decode("utf-8", "replace") if isinstance(a, bytes) else str(a) for a in permanent or temporary)
    report.recipient = addresses[0] if addresses else ""
    body = _body_text(message)
    report.status = _status_of(body)
    report.kind = SOFT if (not permanent or report.status.startswith("4")) else HARD
    if report.kind == HARD and not report.status.startswith("5"):
        report.status = report.status or "5.0.0"
    line = next((ln.strip() for ln in body.splitlines() if STATUS_RE.search(ln) or re.search(r"\b[45]\d\d\b", ln)), "")
    report.diagnostic = (line or body.strip().splitlines()[0] if body.strip() else "")[:500]
    report.details["detector"] = "flufl.bounce"
    return True


def report_parse(raw: bytes) -> Report:
    """Classify one raw message from the bounce mailbox and find the token of the row it is about."""
    limit = parse_limit()
    report = Report(kind=UNPARSABLE, size=len(raw), key=message_key(raw))
    if len(raw) > limit:
        raw = raw[:limit]  # the head and the first report parts are all that matters; the rest is attachment
        report.truncated = True
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as exc:  # the parser is lenient; this is belt and braces
        report.note = f"not a readable email ({type(exc).__name__})"
        return report
    report.subject = _subject(message)[:300]
    report.message_id = str(message.get("Message-ID", "")).strip()[:250]
    try:
        _classify(message, report)
    except Exception as exc:  # a malformed message must not stop the reader
        logger.warning("Could not parse bounce %s: %s", report.key, exc, exc_info=True)
        report.kind, report.note = UNPARSABLE, f"parser error ({type(exc).__name__})"
        return report
    return report


def _classify(message: Message, report: Report) -> None:
    # Standard reports first, then the non-standard bounce detectors (an Exim bounce says
    # "Auto-Submitted: auto-replied" too), and only then automatic replies.
    detected = _parse_dsn(message, report) or _parse_arf(message, report) or _parse_nonstandard(message, report)
    if not detected:
        if not _is_autoreply(message):
            report.kind = UNPARSABLE
            report.note = "neither a bounce, a complaint nor an automatic reply"
            return
        report.kind = AUTOREPLY
        report.note = "automatic reply (out of office): not a bounce"
        if BOUNCE_SUBJECT_RE.search(report.subject) or any(_is_bounce_like(m) for m in _quoted_messages(message)):
            report.kind, report.note = IGNORED, "mail loop: an automatic reply to a bounce"
            return
        _find_token(message, report)
        return
    if report.kind in (HARD, SOFT) and any(_is_bounce_like(m) for m in _quoted_messages(message)):
        report.kind, report.note = IGNORED, "mail loop: a bounce of a bounce or of an automatic message"
        return
    if report.kind not in (HARD, SOFT, COMPLAINT):
        return
    _find_token(message, report)
    if report.token is None:
        kind = report.kind
        report.kind = IGNORED
        report.details["would_be"] = kind
        report.note = (
            "forged bounce: token-shaped text without a valid signature"
            if report.forged
            else "no return-path token: an address in the text alone never marks anybody"
        )
