"""DKIM signing and the return path of outbox emails: through the real SMTP sink, verified with dkimpy."""

import email
import email.policy
import io
import stat
from unittest import mock

import dkim
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from swsdigital.mail import dkim as signing
from swsdigital.mail import services
from swsdigital.mail.checks import dkim_configured
from swsdigital.mail.models import OutboxEmail
from swsdigital.mail.returnpath import OUTBOX, Token, token_find
from tests import dkimkit

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings, smtp_sink):
    """Send through the real SMTP sink in this process with the portal's SMTP backend."""
    settings.EMAIL_BACKEND = "swsdigital.mail.backends.SmtpEmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return smtp_sink


@pytest.fixture
def dkim_on(settings, tmp_path):
    return dkimkit.configure(settings, tmp_path)


def _deliver(to: str, **extra) -> OutboxEmail:
    row = services.email_queue(
        to=to, subject="Anmeldung bestätigt: Stammtisch", text="Wir freuen uns auf Sie.\n", **extra
    )
    assert services.email_deliver(email_id=row.pk).status == OutboxEmail.Status.SENT
    row.refresh_from_db()
    return row


def test_outbox_email_is_signed_verifies_and_its_return_path_names_the_row(smtp, dkim_on):
    row = _deliver("anna@example.org", html="<p>Wir freuen uns auf Sie.</p>", reply_to="office@sws-digital.example")
    [received] = smtp.received("anna@example.org")
    dns = dkimkit.dns_stub()
    assert dkimkit.verifies(received.content, dns)
    assert dns.asked == ["test._domainkey.sws-digital.example."]  # the stub answered; no network
    tags = dkimkit.signature_tags(received.content)
    assert (tags["a"], tags["c"], tags["s"]) == ("rsa-sha256", "relaxed/relaxed", "test")
    assert tags["d"] == "sws-digital.example"
    assert dkimkit.signed_headers(received.content) == [
        "from", "to", "subject", "date", "message-id", "reply-to", "mime-version", "content-type", "from",
    ]  # fmt: skip
    # Bounces go to the VERP return path of this row; the From header stays the sender's.
    assert received.mail_from.startswith("bounces+o") and received.mail_from.endswith("@sws-digital.example")
    assert token_find(received.mail_from) == Token(OUTBOX, row.pk)
    message = email.message_from_bytes(received.content, policy=email.policy.default)
    assert message["From"] == "SWS Digital <info@sws-digital.example>"
    assert message["Message-ID"] == row.message_id
    assert token_find(row.message_id) == Token(OUTBOX, row.pk)


def test_message_id_of_an_outbox_row_stays_the_same_on_a_retry(smtp):
    row = services.email_queue(to="retry@example.org", subject="Hallo", text="Text\n")
    smtp.mode = "tempfail"
    assert services.email_deliver(email_id=row.pk).status == OutboxEmail.Status.RETRY
    first = OutboxEmail.objects.get(pk=row.pk).message_id
    smtp.mode = "accept"
    OutboxEmail.objects.filter(pk=row.pk).update(next_attempt_at=None)
    assert services.email_deliver(email_id=row.pk).status == OutboxEmail.Status.SENT
    [received] = smtp.received("retry@example.org")
    assert email.message_from_bytes(received.content)["Message-ID"] == first
    assert token_find(first) == Token(OUTBOX, row.pk) == token_find(received.mail_from)


def test_a_changed_body_or_subject_fails_verification(smtp, dkim_on):
    _deliver("tamper@example.org")
    [received] = smtp.received("tamper@example.org")
    assert dkimkit.verifies(received.content)
    assert b"freuen uns" in received.content
    assert not dkimkit.verifies(received.content.replace(b"freuen uns", b"freuen euch"))
    head, sep, body = received.content.partition(b"\r\n\r\n")
    assert not dkimkit.verifies(head.replace(b"Subject: ", b"Subject: Re: ") + sep + body)
    # A second From header added later breaks it too (From is oversigned).
    assert not dkimkit.verifies(b"From: someone@evil.example\r\n" + received.content)


def test_without_dkim_settings_nothing_is_signed_but_the_return_path_is_set(smtp, settings):
    assert not settings.DKIM_DOMAIN and not settings.DKIM_PRIVATE_KEY_FILE
    row = _deliver("plain@example.org")
    [received] = smtp.received("plain@example.org")
    assert b"DKIM-Signature" not in received.content
    assert token_find(received.mail_from) == Token(OUTBOX, row.pk)


def test_the_key_is_parsed_once_per_process(dkim_on, settings, tmp_path):
    first = signing.signer_get()
    with mock.patch.object(signing, "key_load", side_effect=AssertionError("parsed again")):
        assert signing.signer_get() is first
        message = b"From: a@sws-digital.example\r\nTo: b@example.org\r\nSubject: x\r\n\r\nHallo\r\n"
        assert dkimkit.verifies(signing.message_sign(message))
    settings.DKIM_SELECTOR = "other"  # changed settings (a test's override) make a new signer
    assert signing.signer_get() is not first and signing.signer_get().selector == b"other"


def test_the_signature_is_the_one_dkimpy_would_write(dkim_on):
    """Only the RSA step is OpenSSL's: with the same time stamp the header equals dkimpy's own sign()."""
    message = (
        b"From: SWS Digital <info@sws-digital.example>\r\nTo: leser@example.org\r\nSubject: Hallo  Welt\r\n"
        b"Date: Sun, 06 Dec 2026 20:00:00 +0000\r\nMessage-ID: <sws.o1.abc@sws-digital.example>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"List-Unsubscribe: <https://sws-digital.example/newsletter/abmelden/x/>\r\n"
        b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\nHallo   Welt  \r\n\r\n\r\n"
    )
    ours = signing.signer_get().signature(message, timestamp=1_800_000_000)
    include = [
        b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type",
        b"list-unsubscribe", b"list-unsubscribe-post", b"from",
    ]  # fmt: skip
    with mock.patch("time.time", return_value=1_800_000_000):
        theirs = dkim.sign(
            message, b"test", b"sws-digital.example", dkimkit.key_pem(),
            canonicalize=(b"relaxed", b"relaxed"), include_headers=include,
        )  # fmt: skip
    assert ours == theirs


def test_key_given_as_text_with_escaped_line_breaks(settings):
    settings.DKIM_DOMAIN, settings.DKIM_SELECTOR = dkimkit.DOMAIN, dkimkit.SELECTOR
    settings.DKIM_PRIVATE_KEY_FILE = ""
    settings.DKIM_PRIVATE_KEY = dkimkit.key_pem().decode().replace("\n", "\\n")  # as an .env file holds it
    message = b"From: a@sws-digital.example\r\nSubject: x\r\n\r\nHallo\r\n"
    assert dkimkit.verifies(signing.message_sign(message))
    assert [m.id for m in dkim_configured() if m.is_serious()] == []


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"DKIM_PRIVATE_KEY_FILE": "/nonexistent/dkim.pem"}, "cannot read DKIM_PRIVATE_KEY_FILE"),
        ({"DKIM_PRIVATE_KEY_FILE": "", "DKIM_PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----\nx\n"}, "unencrypted PEM"),
        ({"DKIM_SELECTOR": ""}, "DKIM is half configured: set DKIM_SELECTOR"),
        ({"DKIM_PRIVATE_KEY": "x"}, "not both"),
    ],
)  # fmt: skip
def test_a_broken_dkim_configuration_is_a_system_check_error(dkim_on, settings, change, says):
    for name, value in change.items():
        setattr(settings, name, value)
    [error] = dkim_configured()
    assert error.id == "mail.E001" and error.level >= 40 and says in error.msg
    with pytest.raises(ImproperlyConfigured, match=says):
        signing.message_sign(b"From: a@sws-digital.example\r\n\r\nx\r\n")  # never a silent unsigned message


def test_a_bad_key_file_is_reported_by_manage_py_check(settings, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("this is not a key\n")
    settings.DKIM_DOMAIN, settings.DKIM_SELECTOR, settings.DKIM_PRIVATE_KEY_FILE = "sws-digital.example", "s", str(bad)
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError, match=r"mail\.E001"):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_worker_refuses_to_start_with_a_bad_key(settings):
    from swsdigital.celery import _refuse_a_broken_dkim_key

    settings.DKIM_DOMAIN, settings.DKIM_SELECTOR = "sws-digital.example", "s"
    settings.DKIM_PRIVATE_KEY_FILE = "/nonexistent/dkim.pem"
    with pytest.raises(SystemExit, match="Not starting the worker: DKIM: cannot read"):
        _refuse_a_broken_dkim_key()


def test_warnings_for_a_backend_that_does_not_sign_and_an_unaligned_sender(dkim_on, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "Verein <info@other.example>"
    settings.NEWSLETTER_FROM_EMAIL = "news@lists.sws-digital.example"  # a subdomain aligns
    assert sorted(m.id for m in dkim_configured()) == ["mail.W001", "mail.W002"]


def test_eml_file_shows_the_return_path_and_the_signature(dkim_on, settings, tmp_path):
    settings.EMAIL_BACKEND = "swsdigital.mail.backends.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    row = _deliver("local@example.org")
    [path] = (tmp_path / "mail").glob("*.eml")
    content = path.read_bytes()
    assert content.startswith(b"Return-Path: <bounces+o")
    parsed = email.message_from_bytes(content, policy=email.policy.default)
    assert token_find(parsed["Return-Path"]) == Token(OUTBOX, row.pk)
    assert dkimkit.verifies(content)  # Return-Path is added above the signature, as a receiving server does


# --- manage.py dkim_keygen -----------------------------------------------------------------------


def test_dkim_keygen_writes_a_private_key_and_prints_a_working_dns_record(settings, tmp_path):
    path = tmp_path / "keys" / "sws2026.pem"
    out = io.StringIO()
    call_command("dkim_keygen", selector="sws2026", domain="sws-digital.example", path=str(path), stdout=out)
    text = out.getvalue()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in path.read_bytes() and path.with_suffix(".pub").exists()
    [line] = [ln for ln in text.splitlines() if " IN TXT " in ln]
    name, _, strings = line.partition(" IN TXT ")
    assert name == "sws2026._domainkey.sws-digital.example"
    chunks = strings.strip().split('" "')
    assert all(len(chunk.strip('"')) <= 255 for chunk in chunks) and len(chunks) >= 2  # a 2048-bit key: 2 strings
    record = "".join(chunk.strip('"') for chunk in chunks)
    assert record.startswith("v=DKIM1; k=rsa; p=")
    _pk, bits, ktag, _tlsrpt = dkim.evaluate_pk(name, record.encode())
    assert (bits, ktag) == (2048, b"rsa")
    assert f"DKIM_PRIVATE_KEY_FILE={path.resolve()}" in text and "DKIM_SELECTOR=sws2026" in text

    # Put to use as printed, the key signs and the record verifies.
    settings.DKIM_DOMAIN, settings.DKIM_SELECTOR, settings.DKIM_PRIVATE_KEY_FILE = (
        "sws-digital.example",
        "sws2026",
        str(path),
    )
    signed = signing.message_sign(b"From: info@sws-digital.example\r\nSubject: Test\r\n\r\nHallo\r\n")
    assert dkim.verify(signed, dnsfunc=dkimkit.dns_stub({name + ".": record.encode()}))
    assert [m.id for m in dkim_configured() if m.is_serious()] == []


def test_dkim_keygen_does_not_overwrite_a_key_without_force(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("dkim_keygen", selector="sws", domain="sws-digital.example", stdout=io.StringIO())
    path = tmp_path / "dkim" / "sws.pem"  # the default place
    first = path.read_bytes()
    with pytest.raises(CommandError, match="exists; give --force"):
        call_command("dkim_keygen", selector="sws", domain="sws-digital.example", stdout=io.StringIO())
    assert path.read_bytes() == first
    path.chmod(0o644)
    call_command("dkim_keygen", selector="sws", domain="sws-digital.example", force=True, stdout=io.StringIO())
    assert path.read_bytes() != first and stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\r\n",
        b"\r\n\r\n\r\n",
        b"Hallo Welt\r\n",
        b"Hallo Welt",
        b"Hallo  \t Welt \t\r\n\r\n",
        b"\tEinzug\r\n  zwei Blanks vorn\r\nEnde ohne Zeilenende  ",
        b"a \r\n \r\n\t\r\nb\r\n\r\n",
        b"=C3=BC quoted-printable =\r\nweiche Umbr=C3=BCche  \r\n" * 50,
    ],
)
def test_relaxed_body_canonicalisation_equals_dkimpys(body):
    from dkim.canonicalization import CanonicalizationPolicy

    assert signing.relaxed_body(body) == CanonicalizationPolicy.from_c_value(b"relaxed/relaxed").canonicalize_body(body)


@pytest.mark.parametrize(
    "message",
    [
        b"From: a@b\r\nSubject: x\r\n folded\r\n\r\nBody\r\nmore\r\n",
        b"From: a@b\nSubject: x\n\nBody with bare LF\n",  # falls back to dkimpy's reading
        b"From: a@b\r\nSubject: x\r\n\r\nmixed\nline ends\r\n",
        b"From: a@b\r\nSubject: no body\r\n",
    ],
)
def test_header_split_equals_dkimpys(message):
    from dkim import rfc822_parse

    assert signing._split(message) == rfc822_parse(message)
