"""The bounce mailbox reader against a real dovecot IMAP server (tests/mail/imap_server.py)."""

import logging

import pytest
from django.core.cache import cache

from swsdigital.mail import mailbox
from swsdigital.mail.mailbox import bounce_mailbox_read, mailbox_parse
from swsdigital.mail.models import InboundMessage, OutboxEmail
from swsdigital.mail.returnpath import OUTBOX, Token
from swsdigital.mail.tasks import bounce_mailbox_read_task
from tests.harness import free_port
from tests.mail.bounce_fixtures import eml, huge


@pytest.fixture
def outbox(db):
    def make(to: str) -> OutboxEmail:
        return OutboxEmail.objects.create(
            to=to, from_email="info@sws-digital.example", subject="Hallo", body_text="Text", status="sent"
        )

    return make


def test_url_parsing_decodes_user_and_password():
    box = mailbox_parse("imaps://bounce%40sws.example:p%3Ass%2Fw%40rd@mail.example.org/Bounces%20In")
    assert (box.scheme, box.host, box.port, box.user, box.password, box.folder) == (
        "imaps", "mail.example.org", 993, "bounce@sws.example", "p:ss/w@rd", "Bounces In",
    )  # fmt: skip
    assert mailbox_parse("pop3://u:p@h").port == 110
    assert "p:ss" not in str(box)  # logs never show the password
    with pytest.raises(mailbox.MailboxUrlError):
        mailbox_parse("http://u:p@h/")


def test_processed_messages_move_unparsable_ones_are_kept_and_counted(imap_mailbox, outbox):
    email = outbox("anna.schmidt@example.org")
    imap_mailbox.append(eml("postfix_user_unknown", Token(OUTBOX, email.pk)))
    imap_mailbox.append(eml("autoreply_abwesenheit", Token(OUTBOX, email.pk)))
    imap_mailbox.append(eml("forged_bad_signature"))
    imap_mailbox.append(eml("not_a_bounce"))

    result = bounce_mailbox_read()
    assert (result.read, result.recorded, result.unparsable, result.error) == (4, 4, 1, "")
    assert imap_mailbox.count("INBOX") == 0
    assert imap_mailbox.count("Processed") == 3  # created by the reader
    assert imap_mailbox.count("Unparsed") == 1  # kept for a person to read, never lost
    email.refresh_from_db()
    assert email.bounced_at is not None and email.bounce_reason.startswith("5.1.1")
    kinds = sorted(InboundMessage.objects.values_list("kind", flat=True))
    assert kinds == ["autoreply", "hard", "ignored", "unparsable"]


def test_unparsable_messages_stay_in_the_inbox_without_an_unparsed_folder(imap_mailbox, settings, db):
    settings.BOUNCE_MAILBOX_UNPARSED_FOLDER = ""
    imap_mailbox.append(eml("not_a_bounce"))
    assert bounce_mailbox_read().unparsable == 1
    assert imap_mailbox.count("INBOX") == 1
    again = bounce_mailbox_read()
    assert (again.read, again.recorded, again.unparsable, again.duplicates) == (1, 0, 0, 1)  # counted once
    assert imap_mailbox.count("INBOX") == 1


def test_run_twice_counts_once_even_after_a_crash_before_the_move(imap_mailbox, outbox, settings):
    email = outbox("emil@example.org")
    token = Token(OUTBOX, email.pk)
    for n in (1, 2):
        imap_mailbox.append(eml("soft_mailbox_full", token, N=str(n)))
    # A crash between recording and moving: the records exist, the messages are still in the inbox.
    settings.BOUNCE_MAILBOX_DONE_FOLDER = ""
    assert bounce_mailbox_read().recorded == 2
    assert imap_mailbox.count("INBOX") == 2
    settings.BOUNCE_MAILBOX_DONE_FOLDER = "Processed"
    result = bounce_mailbox_read()
    assert (result.recorded, result.duplicates, result.moved) == (0, 2, 2)
    assert InboundMessage.objects.filter(kind="soft").count() == 2
    email.refresh_from_db()
    assert email.bounced_at is None  # two soft bounces, not three
    assert imap_mailbox.count("Processed") == 2


def test_batches(imap_mailbox, settings, outbox):
    settings.BOUNCE_MAILBOX_BATCH = 2
    email = outbox("emil@example.org")
    for n in range(5):
        imap_mailbox.append(eml("soft_mailbox_full", Token(OUTBOX, email.pk), N=str(n)))
    result = bounce_mailbox_read()
    assert (result.read, result.recorded, result.moved) == (5, 5, 5)
    assert imap_mailbox.count("INBOX") == 0


def test_a_20_mb_message_is_fetched_in_part_and_stored_truncated(imap_mailbox, outbox):
    email = outbox("anna.schmidt@example.org")
    raw = huge(Token(OUTBOX, email.pk))
    imap_mailbox.append(raw)
    result = bounce_mailbox_read()
    assert (result.recorded, result.error) == (1, "")
    record = InboundMessage.objects.get()
    assert record.kind == "hard"
    assert record.raw_size == len(raw)  # its full size (only the first megabyte crossed the network)
    assert f"of {len(raw)} bytes are stored" in record.raw
    assert len(record.raw) < 300 * 1024 and "truncated" in record.raw[-200:]
    assert imap_mailbox.count("Processed") == 1  # and the whole message is kept there


def test_wrong_password_is_logged_without_a_crash(imap_mailbox, caplog, db):
    imap_mailbox.append(eml("not_a_bounce"))
    with caplog.at_level(logging.WARNING, logger="swsdigital.mail.mailbox"):
        result = bounce_mailbox_read(url=imap_mailbox.url(password="wrong"))
    assert "LoginError" in result.error
    assert "could not be read" in caplog.text and "wrong" not in caplog.text
    assert imap_mailbox.count("INBOX") == 1 and not InboundMessage.objects.exists()


def test_closed_port_is_logged_without_a_crash(imap_mailbox, caplog, db):
    with caplog.at_level(logging.WARNING, logger="swsdigital.mail.mailbox"):
        result = bounce_mailbox_read(url=imap_mailbox.url(port=free_port()))
    assert "ConnectionRefusedError" in result.error
    assert "trying again on the next run" in caplog.text
    # The task (what beat runs) returns the same, without raising.
    assert bounce_mailbox_read_task.apply(kwargs={}).get()["error"] == ""  # the configured mailbox works


def test_two_readers_never_read_the_same_mailbox_at_once(imap_mailbox, db):
    imap_mailbox.append(eml("not_a_bounce"))
    cache.add(mailbox.LOCK_KEY, "another worker", timeout=60)
    try:
        assert bounce_mailbox_read().error == "locked"
        assert imap_mailbox.count("INBOX") == 1
    finally:
        cache.delete(mailbox.LOCK_KEY)
    assert bounce_mailbox_read().read == 1


def test_no_mailbox_configured_reads_nothing(settings, db):
    settings.BOUNCE_MAILBOX_URL = ""
    assert bounce_mailbox_read().error == "no BOUNCE_MAILBOX_URL"


def test_pop3_reads_and_deletes_what_it_processed_and_keeps_the_rest(imap_mailbox, outbox, settings):
    if not imap_mailbox.has_pop3:
        pytest.skip("dovecot speaks no POP3 here (apt-get install dovecot-pop3d)")
    email = outbox("paula@example.org")
    imap_mailbox.append(eml("gmail_does_not_exist", Token(OUTBOX, email.pk)))
    imap_mailbox.append(eml("not_a_bounce"))
    settings.BOUNCE_MAILBOX_URL = imap_mailbox.pop3_url()

    result = bounce_mailbox_read()
    assert (result.read, result.recorded, result.unparsable, result.moved, result.error) == (2, 2, 1, 1, "")
    email.refresh_from_db()
    assert email.bounced_at is not None
    assert imap_mailbox.count("INBOX") == 1  # POP3 has no folders: the unreadable message stays for a person
    again = bounce_mailbox_read()
    assert (again.read, again.recorded, again.duplicates) == (1, 0, 1)  # counted once


def test_pop3_wrong_password_is_logged_without_a_crash(imap_mailbox, caplog, db, settings):
    if not imap_mailbox.has_pop3:
        pytest.skip("dovecot speaks no POP3 here (apt-get install dovecot-pop3d)")
    settings.BOUNCE_MAILBOX_URL = imap_mailbox.pop3_url().replace("%25@", "%25-wrong@")
    with caplog.at_level(logging.WARNING):
        result = bounce_mailbox_read()
    assert result.error and result.recorded == 0
    assert "could not be read" in caplog.text and "wrong" not in caplog.text  # the password is not logged
