"""The outbox pipeline piece by piece: rendering, queueing, delivery outcomes, the sweeper, admin and .eml files."""

import email
import email.policy
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from kombu.exceptions import OperationalError

from swsdigital.mail import services
from swsdigital.mail.backends import EmlFileBackend
from swsdigital.mail.models import OutboxEmail
from swsdigital.mail.tasks import email_deliver_task
from swsdigital.pages import demo as pages_demo

Status = OutboxEmail.Status
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FAILING = "tests.mail.test_services.FailingBackend"
DELAYS = [30, 120, 600]


class FailingBackend(BaseEmailBackend):
    """An email backend that raises what a real SMTP conversation can raise (set ``error`` first)."""

    error: Exception | None = None
    calls = 0

    def send_messages(self, email_messages) -> int:
        type(self).calls += 1
        if type(self).error is not None:
            raise type(self).error
        return len(email_messages)


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = LOCMEM
    settings.MAIL_RETRY_DELAYS = DELAYS
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = FAILING
    settings.MAIL_RETRY_DELAYS = DELAYS
    FailingBackend.error = None
    FailingBackend.calls = 0
    yield FailingBackend
    FailingBackend.error = None


@pytest.fixture
def eager(monkeypatch):
    """Run handed-over tasks in this process, so a hand-over is followed to the sent message.

    Celery's own eager mode would still open a broker connection; this one never touches the broker.
    """
    handed = []

    def run_now(args, countdown=None, **options):
        handed.append((args, countdown))
        return email_deliver_task.run(*args)

    monkeypatch.setattr(email_deliver_task, "apply_async", run_now)
    return handed


@pytest.fixture
def profile(db):
    pages_demo.load()


@pytest.fixture
def test_templates(settings, tmp_path):
    """A test email template with a multi-line subject and no HTML part."""
    folder = tmp_path / "emails" / "testing"
    folder.mkdir(parents=True)
    (folder / "notice.subject.txt").write_text("{% load i18n %}\n  {% translate 'Events' %}:\n\n   {{ title }}  \n")
    (folder / "notice.txt").write_text(
        '{% extends "emails/layout.txt" %}{% load i18n %}'
        '{% block body %}{% translate "Hello," %} {{ title }}{% endblock %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    return folder


def _queue(to: str = "anna@example.org", **kwargs) -> OutboxEmail:
    return services.email_queue(to=to, subject="Hallo", text="Text", html="<p>Text</p>", **kwargs)


# --- Rendering -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [("de", "Passwort zurücksetzen", "Guten Tag,"), ("en", "Reset your password", "Hello,")],
)
def test_render_in_the_recipients_language_inside_the_shared_layout(profile, language, subject, greeting):
    link = "https://portal.example/konto/password/reset/key/1-abc/"
    rendered_subject, text, html = services.email_render(
        template="account/password_reset_key", context={"password_reset_url": link}, language=language
    )
    assert rendered_subject == subject
    assert text.startswith(greeting)
    assert link in text and link in html
    # The shared layout: the association's signature in text, its frame in HTML.
    assert "\n-- \nSüdwestsachsen Digital e.V." in text
    assert "Friedensstraße 32" in text
    assert f'<html lang="{language}">' in html
    assert "Friedensstraße 32" in html
    assert f"<p>{greeting}</p>" in html


def test_render_does_not_change_the_active_language(profile):
    from django.utils import translation

    with translation.override("en"):
        services.email_render(template="account/password_reset_key", context={}, language="de")
        assert translation.get_language() == "en"


def test_subject_is_collapsed_to_one_line_and_html_is_optional(db, test_templates):
    subject, text, html = services.email_render(
        template="testing/notice", context={"title": "Tag der\nOffenen Tür"}, language="de"
    )
    assert subject == "Termine: Tag der Offenen Tür"
    assert "\n" not in subject
    assert html == ""
    assert text.startswith("Guten Tag, Tag der")


def test_email_send_writes_a_pending_row_and_hands_it_over_after_commit(
    profile, locmem, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = services.email_send(
            to="anna@example.org", template="account/password_reset_key", context={}, language="en"
        )
    assert row.status == Status.PENDING
    assert (row.template, row.language, row.subject) == ("account/password_reset_key", "en", "Reset your password")
    assert locmem == []  # nothing leaves before the caller's transaction commits
    assert len(callbacks) == 1
    callbacks[0]()
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.queued_at is not None and row.sent_at is not None
    [message] = locmem
    assert message.to == ["anna@example.org"]
    assert message.subject == "Reset your password"
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["Message-ID"] == row.message_id


def test_attachments_round_trip_through_the_outbox(db, locmem):
    pdf = b"%PDF-1.4\n\x00\xff binary \xe4\xf6\xfc"
    ics = b"BEGIN:VCALENDAR\r\nSUMMARY:Stammtisch Plauen\r\nEND:VCALENDAR\r\n"
    row = _queue(
        attachments=[
            services.Attachment("Einladung.pdf", pdf, "application/pdf"),
            services.Attachment("termin.ics", ics, "text/calendar"),
        ],
        headers={"X-Campaign": "stammtisch"},
        reply_to="office@example.org",
    )
    row.refresh_from_db()
    assert [a["filename"] for a in row.attachments] == ["Einladung.pdf", "termin.ics"]
    assert services.email_deliver(email_id=row.pk).status == Status.SENT
    [message] = locmem
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    parts = {part.get_filename(): part for part in parsed.iter_attachments()}
    assert parts["Einladung.pdf"].get_content() == pdf
    assert parts["Einladung.pdf"].get_content_type() == "application/pdf"
    assert parts["termin.ics"].get_content_type() == "text/calendar"
    assert "Stammtisch Plauen" in parts["termin.ics"].get_content()
    assert parsed["X-Campaign"] == "stammtisch"
    assert parsed["Reply-To"] == "office@example.org"


# --- Delivery outcomes ---------------------------------------------------------------


def _deliver(row: OutboxEmail) -> tuple[services.DeliveryResult, OutboxEmail]:
    result = services.email_deliver(email_id=row.pk)
    row.refresh_from_db()
    return result, row


def test_sent_email_is_recorded(db, locmem):
    result, row = _deliver(_queue())
    assert result.status == Status.SENT
    assert (row.status, row.attempts, row.last_error, row.locked_until) == (Status.SENT, 1, "", None)
    assert row.message_id.startswith("<") and row.message_id.endswith(">")


def test_temporary_smtp_reply_is_retried_with_the_configured_delay(db, failing):
    failing.error = smtplib.SMTPResponseException(451, b"4.3.0 Try again later")
    before = timezone.now()
    result, row = _deliver(_queue())
    assert result == services.DeliveryResult(status=Status.RETRY, retry_in=30)
    assert row.status == Status.RETRY
    assert row.attempts == 1
    assert "451" in row.last_error and "Try again later" in row.last_error
    assert before + timedelta(seconds=29) < row.next_attempt_at < timezone.now() + timedelta(seconds=31)
    assert row.locked_until is None


def test_second_temporary_failure_waits_longer(db, failing):
    failing.error = smtplib.SMTPResponseException(421, b"Service not available")
    row = _queue()
    _deliver(row)
    OutboxEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    result, row = _deliver(row)
    assert result.retry_in == 120
    assert row.attempts == 2


def test_permanent_smtp_reply_is_marked_failed(db, failing):
    failing.error = smtplib.SMTPResponseException(550, b"5.1.1 Mailbox unavailable")
    result, row = _deliver(_queue())
    assert result == services.DeliveryResult(status=Status.FAILED)
    assert row.status == Status.FAILED
    assert "550" in row.last_error
    assert row.next_attempt_at is None


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ((450, 451), Status.RETRY),
        ((550,), Status.FAILED),
        ((450, 550), Status.FAILED),  # retrying would send the accepted part twice
    ],
    ids=["all-temporary", "permanent", "mixed"],
)
def test_refused_recipients_are_classified_by_their_codes(db, failing, codes, expected):
    failing.error = smtplib.SMTPRecipientsRefused(
        {f"r{i}@example.org": (code, b"refused") for i, code in enumerate(codes)}
    )
    result, row = _deliver(_queue())
    assert result.status == expected
    assert row.status == expected


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPAuthenticationError(535, b"Authentication credentials invalid"),
    ],
    ids=["refused", "timeout", "disconnected", "auth"],
)
def test_connection_problems_are_retried(db, failing, error):
    failing.error = error
    result, row = _deliver(_queue())
    assert result.status == Status.RETRY
    assert row.status == Status.RETRY
    assert type(error).__name__ in row.last_error


def test_exhausted_attempts_fail_for_good(db, failing):
    failing.error = smtplib.SMTPResponseException(451, b"still busy")
    row = _queue()
    outcomes = []
    for _ in range(len(DELAYS) + 1):
        OutboxEmail.objects.filter(pk=row.pk).update(next_attempt_at=None)
        outcomes.append(_deliver(row)[0].status)
    assert outcomes == [Status.RETRY] * len(DELAYS) + [Status.FAILED]
    row.refresh_from_db()
    assert row.attempts == len(DELAYS) + 1
    assert row.status == Status.FAILED
    assert _deliver(row)[0].status == "skipped"  # a failed email is never sent again by itself


def test_claim_prevents_a_double_send(db, locmem):
    row = _queue()
    first = services.email_deliver(email_id=row.pk)
    second = services.email_deliver(email_id=row.pk)
    assert (first.status, second.status) == (Status.SENT, "skipped")
    assert len(locmem) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_an_email_being_sent_by_another_worker_is_left_alone(db, failing):
    row = _queue()
    OutboxEmail.objects.filter(pk=row.pk).update(
        status=Status.SENDING, locked_until=timezone.now() + timedelta(minutes=5)
    )
    assert services.email_deliver(email_id=row.pk).status == "skipped"
    assert failing.calls == 0


def test_a_stale_claim_of_a_dead_worker_is_taken_over(db, locmem):
    row = _queue()
    OutboxEmail.objects.filter(pk=row.pk).update(
        status=Status.SENDING, attempts=1, locked_until=timezone.now() - timedelta(seconds=1)
    )
    result, row = _deliver(row)
    assert result.status == Status.SENT
    assert row.attempts == 2
    assert len(locmem) == 1


def test_a_retry_that_is_not_due_yet_is_skipped(db, failing):
    row = _queue()
    OutboxEmail.objects.filter(pk=row.pk).update(
        status=Status.RETRY, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert services.email_deliver(email_id=row.pk).status == "skipped"
    assert failing.calls == 0


def test_the_task_queues_the_next_attempt_with_the_delay(db, failing, monkeypatch):
    failing.error = smtplib.SMTPResponseException(452, b"Insufficient storage")
    handed = []
    monkeypatch.setattr(services, "email_enqueue", lambda **kwargs: handed.append(kwargs) or True)
    row = _queue()
    assert email_deliver_task.run(row.pk) == Status.RETRY
    assert handed == [{"email_id": row.pk, "countdown": 30}]


# --- The sweeper ---------------------------------------------------------------------


def _aged(row: OutboxEmail, **fields) -> OutboxEmail:
    OutboxEmail.objects.filter(pk=row.pk).update(**fields)
    return row


def test_sweeper_hands_over_its_four_cases_and_nothing_else(db, locmem, eager):
    now = timezone.now()
    long_ago = now - timedelta(hours=1)
    never_queued = _aged(_queue("never@example.org"), created_at=long_ago, queued_at=None)
    lost_in_queue = _aged(_queue("lost@example.org"), created_at=long_ago, queued_at=now - timedelta(minutes=20))
    retry_lost = _aged(
        _queue("retry@example.org"),
        created_at=long_ago,
        status=Status.RETRY,
        next_attempt_at=now - timedelta(minutes=5),
    )
    worker_died = _aged(
        _queue("died@example.org"),
        created_at=long_ago,
        status=Status.SENDING,
        attempts=1,
        locked_until=now - timedelta(minutes=1),
    )
    # Not the sweeper's business:
    _queue("fresh@example.org")  # just committed; its on_commit hand-over is on its way
    _aged(_queue("queued@example.org"), created_at=long_ago, queued_at=now - timedelta(minutes=2))
    _aged(_queue("waiting@example.org"), status=Status.RETRY, next_attempt_at=now + timedelta(minutes=5))
    _aged(_queue("busy@example.org"), status=Status.SENDING, locked_until=now + timedelta(minutes=5))
    _aged(_queue("done@example.org"), status=Status.SENT, sent_at=now)
    _aged(_queue("failed@example.org"), status=Status.FAILED)

    assert services.outbox_sweep() == 4
    assert sorted(m.to[0] for m in locmem) == sorted(
        ["never@example.org", "lost@example.org", "retry@example.org", "died@example.org"]
    )
    for row in (never_queued, lost_in_queue, retry_lost, worker_died):
        row.refresh_from_db()
        assert row.status == Status.SENT
        assert row.queued_at is not None
    assert services.outbox_sweep() == 0  # nothing left to hand over


def test_sweeper_stops_while_the_broker_is_down(db, monkeypatch):
    rows = [_aged(_queue(f"r{i}@example.org"), created_at=timezone.now() - timedelta(hours=1)) for i in range(3)]
    attempts = []

    def broker_down(*args, **kwargs):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(email_deliver_task, "apply_async", broker_down)
    assert services.outbox_sweep() == 0
    assert len(attempts) == 1  # no point in trying the others now
    assert all(OutboxEmail.objects.get(pk=r.pk).queued_at is None for r in rows)


def test_sweeper_respects_its_limit(db, monkeypatch):
    for i in range(5):
        _aged(_queue(f"r{i}@example.org"), created_at=timezone.now() - timedelta(hours=1))
    handed = []
    monkeypatch.setattr(email_deliver_task, "apply_async", lambda args, **kw: handed.append(args[0]))
    assert services.outbox_sweep(limit=2) == 2
    oldest_first = list(OutboxEmail.objects.order_by("created_at", "id").values_list("pk", flat=True)[:2])
    assert sorted(handed) == sorted(oldest_first)


# --- Admin -----------------------------------------------------------------------------


def test_admin_resend_action_queues_a_copy(admin_client, db):
    original = _queue(
        "anna@example.org",
        attachments=[services.Attachment("a.txt", b"Anhang", "text/plain")],
        headers={"X-Campaign": "herbst"},
    )
    _aged(original, status=Status.FAILED, attempts=1, last_error="550 no", message_id="<old@example.org>")
    original.refresh_from_db()
    response = admin_client.post(
        "/admin/mail/outboxemail/",
        {"action": "resend", "_selected_action": [original.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 E-Mail wurde erneut eingereiht." in response.content.decode()
    copy = OutboxEmail.objects.exclude(pk=original.pk).get()
    assert copy.status == Status.PENDING and copy.attempts == 0
    assert (copy.to, copy.subject, copy.body_text, copy.body_html) == (
        original.to,
        original.subject,
        original.body_text,
        original.body_html,
    )
    assert copy.attachments == original.attachments
    assert copy.headers == {"X-Campaign": "herbst"}
    assert copy.message_id == ""
    original.refresh_from_db()
    assert original.status == Status.FAILED  # the log keeps what happened


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("status__exact=failed", "failed@example.org", "sent@example.org"),
        ("language__exact=en", "sent@example.org", "failed@example.org"),
        ("template__exact=news%2Fdigest", "failed@example.org", "sent@example.org"),
        ("q=sent%40example", "sent@example.org", "failed@example.org"),
    ],
)
def test_admin_list_filters(admin_client, db, query, shown, hidden):
    _aged(_queue("failed@example.org", template="news/digest", language="de"), status=Status.FAILED)
    _aged(_queue("sent@example.org", template="account/email_confirmation", language="en"), status=Status.SENT)
    response = admin_client.get(f"/admin/mail/outboxemail/?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert shown in html
    assert hidden not in html


def test_admin_log_is_read_only(admin_client, db):
    row = _queue()
    assert admin_client.get("/admin/mail/outboxemail/add/").status_code == 403
    detail = admin_client.get(f"/admin/mail/outboxemail/{row.pk}/change/")
    assert detail.status_code == 200
    assert 'name="subject"' not in detail.content.decode()


# --- Local .eml files ------------------------------------------------------------------


def test_eml_file_backend_writes_a_readable_file(tmp_path):
    message = EmailMultiAlternatives(
        subject="Anmeldung bestätigt: Stammtisch Zwickau",
        body="Guten Tag,\n\nwir freuen uns auf Sie.\n",
        from_email="SWS Digital <info@sws-digital.example>",
        to=["anna@example.org"],
    )
    message.attach_alternative("<p>Wir freuen uns auf Sie.</p>", "text/html")
    message.attach("termin.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    backend = EmlFileBackend(file_path=str(tmp_path / "mail"))
    assert backend.send_messages([message]) == 1
    [path] = (tmp_path / "mail").glob("*.eml")
    assert path.name.endswith("-Anmeldung-best-tigt-Stammtisch-Zwickau.eml")
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Anmeldung bestätigt: Stammtisch Zwickau"
    assert parsed["To"] == "anna@example.org"
    assert "wir freuen uns auf Sie." in parsed.get_body(("plain",)).get_content()
    assert "<p>Wir freuen uns auf Sie.</p>" in parsed.get_body(("html",)).get_content()
    assert [a.get_filename() for a in parsed.iter_attachments()] == ["termin.ics"]


def test_eml_file_backend_is_the_local_default_and_the_pipeline_writes_there(db, settings, tmp_path):
    settings.EMAIL_BACKEND = "swsdigital.mail.backends.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    row = _queue("local@example.org")
    assert services.email_deliver(email_id=row.pk).status == Status.SENT
    [path] = tmp_path.glob("*.eml")
    assert "local@example.org" in path.read_text()
