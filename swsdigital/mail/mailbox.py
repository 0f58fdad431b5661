"""Read the bounce mailbox (IMAP with imapclient, POP3 with poplib) and hand each message to inbound_process.

Never loses mail: a message leaves the inbox only after its record is committed — processed ones move to
``BOUNCE_MAILBOX_DONE_FOLDER``, ones that are neither bounce, complaint nor auto-reply to
``BOUNCE_MAILBOX_UNPARSED_FOLDER`` (or stay), and one whose processing failed stays where it is. A crash
between recording and moving only means the next run finds the record (same Message-ID) and moves the
message without counting it again. An unreachable mailbox or refused login is logged and tried again on the
next beat; a cache lock keeps two readers off the same mailbox.
"""

from __future__ import annotations

import contextlib
import logging
import poplib
import socket
import ssl
import uuid
from dataclasses import asdict, dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.cache import cache

from .inbound import inbound_process
from .models import InboundMessage

logger = logging.getLogger(__name__)

LOCK_KEY = "mail:bounce-mailbox-lock"
DEFAULT_PORTS = {"imap": 143, "imaps": 993, "pop3": 110, "pop3s": 995}


class MailboxUrlError(ValueError):
    pass


@dataclass(frozen=True)
class Mailbox:
    scheme: str
    host: str
    port: int
    user: str
    password: str
    folder: str

    @property
    def secure(self) -> bool:
        return self.scheme.endswith("s")

    def __str__(self) -> str:  # for logs: never the password
        return f"{self.scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def mailbox_parse(url: str) -> Mailbox:
    """Parse ``imaps://user:pass@host:993/INBOX`` (user and password percent-encoded)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise MailboxUrlError(f"unsupported mailbox scheme {scheme!r} (imap, imaps, pop3, pop3s)")
    if not parts.hostname:
        raise MailboxUrlError("the mailbox URL names no host")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise MailboxUrlError(str(exc)) from exc
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return Mailbox(
        scheme=scheme,
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=folder,
    )


@dataclass
class ReadResult:
    read: int = 0  # messages fetched
    recorded: int = 0  # new records
    duplicates: int = 0  # already recorded (a second run, or a crash before the move)
    unparsable: int = 0  # new records of messages that are neither bounce, complaint nor auto-reply
    failed: int = 0  # processing failed: left in the mailbox
    moved: int = 0
    error: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _process(raw: bytes, result: ReadResult, size: int | None = None) -> str | None:
    """Record one message; return "done", "unparsed", or None (failed: leave it where it is)."""
    result.read += 1
    try:
        record, created = inbound_process(raw=raw, size=size)
    except Exception:
        logger.exception("Bounce mailbox: a message could not be recorded; it stays in the mailbox.")
        result.failed += 1
        return None
    if created:
        result.recorded += 1
        if record.kind == InboundMessage.Kind.UNPARSABLE:
            result.unparsable += 1
    else:
        result.duplicates += 1
    return "unparsed" if record.kind == InboundMessage.Kind.UNPARSABLE else "done"


# --- IMAP --------------------------------------------------------------------------------------------


def _imap_move(client, uids: list[int], folder: str, *, can_move: bool) -> int:
    if not uids:
        return 0
    if not folder:
        if settings.BOUNCE_MAILBOX_DELETE:
            client.delete_messages(uids)
            client.uid_expunge(uids) if client.has_capability("UIDPLUS") else client.expunge()
            return len(uids)
        return 0
    if can_move:
        client.move(uids, folder)
    elif settings.BOUNCE_MAILBOX_DELETE:
        client.delete_messages(uids)
        client.expunge()
    else:
        client.copy(uids, folder)
        client.delete_messages(uids)
        client.expunge()
    return len(uids)


def _imap_folder(client, folder: str) -> str:
    """Create the folder if missing; return it ("" when it cannot be created)."""
    if not folder:
        return ""
    try:
        if not client.folder_exists(folder):
            client.create_folder(folder)
    except Exception as exc:
        logger.warning("Bounce mailbox: folder %r could not be created (%s).", folder, exc)
        return ""
    return folder


def _fetch_key(data: dict) -> bytes | None:
    for key, value in data.items():
        if isinstance(key, bytes) and key.startswith(b"BODY[]"):
            return value
    return None


def _read_imap(box: Mailbox, result: ReadResult) -> None:
    from imapclient import IMAPClient

    context = ssl.create_default_context() if box.secure else None
    limit = int(settings.BOUNCE_PARSE_MAX_BYTES)
    client = IMAPClient(
        box.host, port=box.port, ssl=box.secure, ssl_context=context, timeout=settings.BOUNCE_MAILBOX_TIMEOUT
    )
    try:
        client.login(box.user, box.password)
        done_folder = _imap_folder(client, settings.BOUNCE_MAILBOX_DONE_FOLDER)
        unparsed_folder = _imap_folder(client, settings.BOUNCE_MAILBOX_UNPARSED_FOLDER)
        client.select_folder(box.folder)
        can_move = client.has_capability("MOVE")
        uids = sorted(client.search(["NOT", "DELETED"]))
        batch_size = max(1, int(settings.BOUNCE_MAILBOX_BATCH))
        for start in range(0, len(uids), batch_size):
            batch = uids[start : start + batch_size]
            # Only the first BOUNCE_PARSE_MAX_BYTES of each message cross the network (a partial fetch).
            fetched = client.fetch(batch, ["RFC822.SIZE", f"BODY.PEEK[]<0.{limit}>"])
            done, unparsed = [], []
            for uid in batch:
                raw = _fetch_key(fetched.get(uid, {}))
                if raw is None:
                    continue  # expunged meanwhile by someone else
                outcome = _process(raw, result, fetched[uid].get(b"RFC822.SIZE"))
                if outcome == "done":
                    done.append(uid)
                elif outcome == "unparsed":
                    unparsed.append(uid)
            result.moved += _imap_move(client, done, done_folder, can_move=can_move)
            if unparsed_folder:
                result.moved += _imap_move(client, unparsed, unparsed_folder, can_move=can_move)
    finally:
        with contextlib.suppress(Exception):
            client.logout()


# --- POP3 --------------------------------------------------------------------------------------------


def _pop3_size(pop: poplib.POP3, number: int) -> int | None:
    try:
        return int(pop.list(number).split()[2])  # b"+OK 1 120"
    except (poplib.error_proto, IndexError, ValueError):
        return None


def _read_pop3(box: Mailbox, result: ReadResult) -> None:
    timeout = settings.BOUNCE_MAILBOX_TIMEOUT
    if box.secure:
        pop = poplib.POP3_SSL(box.host, box.port, timeout=timeout, context=ssl.create_default_context())
    else:
        pop = poplib.POP3(box.host, box.port, timeout=timeout)
    limit = int(settings.BOUNCE_PARSE_MAX_BYTES)
    try:
        pop.user(box.user)
        pop.pass_(box.password)
        count, _size = pop.stat()
        for number in range(1, min(count, int(settings.BOUNCE_MAILBOX_BATCH)) + 1):
            try:
                # TOP with a line budget: a 20 MB message is not downloaded to read its head.
                _resp, lines, _octets = pop.top(number, max(100, limit // 60))
            except poplib.error_proto as exc:
                logger.warning("Bounce mailbox: POP3 message %d could not be read (%s); it stays.", number, exc)
                result.failed += 1
                continue
            raw = b"\r\n".join(lines)[:limit]
            size = _pop3_size(pop, number)
            if _process(raw, result, size) == "done":
                pop.dele(number)  # POP3 has no folders: processed messages are deleted, unreadable ones stay
                result.moved += 1
        pop.quit()  # the deletions take effect only here
    except Exception:
        with contextlib.suppress(Exception):
            pop.close()
        raise


# --- the entry point ---------------------------------------------------------------------------------


def bounce_mailbox_read(*, url: str | None = None) -> ReadResult:
    """Read the bounce mailbox once (all of it, in batches); return what happened. Never raises."""
    result = ReadResult()
    url = settings.BOUNCE_MAILBOX_URL if url is None else url
    if not url:
        result.error = "no BOUNCE_MAILBOX_URL"
        return result
    try:
        box = mailbox_parse(url)
    except MailboxUrlError as exc:
        logger.error("BOUNCE_MAILBOX_URL is not usable: %s", exc)
        result.error = str(exc)
        return result
    owner = uuid.uuid4().hex
    lock_seconds = int(settings.BOUNCE_MAILBOX_TIMEOUT) * 20 + 600
    if not cache.add(LOCK_KEY, owner, timeout=lock_seconds):
        logger.info("Bounce mailbox %s is being read by another worker; skipped.", box)
        result.error = "locked"
        return result
    try:
        (_read_pop3 if box.scheme.startswith("pop3") else _read_imap)(box, result)
    except Exception as exc:  # unreachable, login refused, connection lost: the next beat tries again
        from imapclient.exceptions import IMAPClientError

        expected = (OSError, socket.timeout, poplib.error_proto, IMAPClientError)
        log = logger.warning if isinstance(exc, expected) else logger.exception
        log("Bounce mailbox %s could not be read (%s: %s); trying again on the next run.", box, type(exc).__name__, exc)
        result.error = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        if cache.get(LOCK_KEY) == owner:
            cache.delete(LOCK_KEY)
    if result.read:
        logger.info("Bounce mailbox %s: %s", box, result.as_dict())
    return result
