"""The bounce parser on each fixture: kind, status, reason, and which row's token it finds where."""

import pytest

from swsdigital.mail import bounces
from swsdigital.mail.returnpath import DELIVERY, OUTBOX, Token
from tests.mail.bounce_fixtures import UNKNOWN, eml, huge

TOKEN = Token(OUTBOX, 42)
NEWS = Token(DELIVERY, 7)


@pytest.mark.parametrize(
    ("name", "kind", "status", "source", "diagnostic"),
    [
        ("postfix_user_unknown", bounces.HARD, "5.1.1", "envelope", "User unknown in virtual mailbox table"),
        ("exim_failed", bounces.HARD, "5.0.0", "envelope", "550 No such user here"),
        ("exchange_recipient_not_found", bounces.HARD, "5.1.10", "quoted", "RESOLVER.ADR.RecipientNotFound"),
        ("gmail_does_not_exist", bounces.HARD, "5.1.1", "envelope", "The email account that you tried to reach"),
        ("soft_mailbox_full", bounces.SOFT, "4.2.2", "envelope", "Mailbox full"),
    ],
)
def test_bounce_formats(name, kind, status, source, diagnostic):
    report = bounces.report_parse(eml(name, TOKEN))
    assert (report.kind, report.status, report.token, report.token_source) == (kind, status, TOKEN, source)
    assert diagnostic in report.diagnostic
    assert report.actionable


def test_exim_is_read_by_flufl_bounce():
    report = bounces.report_parse(eml("exim_failed", TOKEN))
    assert report.details["detector"] == "flufl.bounce"
    assert report.recipient == "bernd@example.com"


def test_arf_abuse_report_is_a_complaint_about_the_quoted_message():
    report = bounces.report_parse(eml("arf_abuse", NEWS))
    assert (report.kind, report.feedback_type, report.token) == (bounces.COMPLAINT, "abuse", NEWS)
    assert report.token_source == "quoted"  # the report was sent to the plain bounce address


def test_german_out_of_office_is_an_auto_reply_not_a_bounce():
    report = bounces.report_parse(eml("autoreply_abwesenheit", TOKEN))
    assert report.kind == bounces.AUTOREPLY
    assert report.token == TOKEN and not report.actionable


@pytest.mark.parametrize("name", ["loop_autoreply_to_bounce", "loop_bounce_of_bounce"])
def test_mail_loops_are_ignored(name):
    report = bounces.report_parse(eml(name, TOKEN))
    assert report.kind == bounces.IGNORED
    assert "mail loop" in report.note
    assert not report.actionable


def test_forged_bounce_with_a_bad_signature_is_ignored():
    report = bounces.report_parse(eml("forged_bad_signature"))
    assert (report.kind, report.token, report.forged) == (bounces.IGNORED, None, True)
    assert report.details["would_be"] == bounces.HARD
    assert "forged" in report.note


def test_an_address_in_the_text_alone_marks_nobody():
    report = bounces.report_parse(eml("forged_address_only", VICTIM="member@example.org"))
    assert (report.kind, report.token, report.forged) == (bounces.IGNORED, None, False)
    assert report.recipient == "member@example.org"  # shown to staff, never acted on
    assert "never marks" in report.note


def test_unknown_token_is_found_but_names_no_row_here():
    report = bounces.report_parse(eml("unknown_token"))
    assert report.token == UNKNOWN  # the signature is valid; the row is checked by inbound_process


def test_a_message_that_is_none_of_these_is_unparsable():
    report = bounces.report_parse(eml("not_a_bounce"))
    assert report.kind == bounces.UNPARSABLE


def test_a_20_mb_bounce_is_parsed_from_its_first_megabyte():
    raw = huge(TOKEN)
    assert len(raw) > 20 * 1024 * 1024
    report = bounces.report_parse(raw)
    assert (report.kind, report.status, report.token, report.truncated) == (bounces.HARD, "5.1.1", TOKEN, True)
    assert report.size == len(raw)


@pytest.mark.parametrize(
    "raw",
    [b"", b"\x00\xff\xfe garbage", b"Content-Type: multipart/report; report-type=delivery-status\r\n\r\nno parts",
     b"Content-Type: message/delivery-status\r\n\r\n\r\n\r\n", b"Subject: =?utf-8?q?broken\r\n\r\n" + b"x" * 5000],
)  # fmt: skip
def test_garbage_never_crashes(raw):
    report = bounces.report_parse(raw)
    assert report.kind in (bounces.UNPARSABLE, bounces.IGNORED)
    assert report.key


def test_same_message_same_key():
    assert bounces.message_key(eml("postfix_user_unknown", TOKEN)) == "<20261206090002.4QZ1x2Y3z4@mail.example.net>"
    assert bounces.message_key(b"Subject: x\r\n\r\nbody").startswith("sha256:")
