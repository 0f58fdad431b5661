"""Issue 17.5: the pre-send check of a mailing — what it finds on bad mailings, SpamAssassin's rules, and the
admin's rule that errors block sending, warnings need a confirmation and a changed content needs a new check."""

import datetime
import shutil
import stat

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from newsletter import services
from newsletter.models import Mailing
from newsletter.services import checks
from newsletter.services.checks import CheckReport
from swsdigital.core.roles import OFFICE

pytestmark = pytest.mark.django_db

needs_spamassassin = pytest.mark.skipif(
    shutil.which("spamassassin") is None,
    reason="needs Debian's spamassassin (apt-get install spamassassin spamc; .ci/run installs it)",
)


def _de(msgid: str, **values) -> str:
    """The German text of a message as the page shows it (works before and after the .po files have it)."""
    with translation.override("de"):
        text = translation.gettext(msgid)
    return escape(text % values if values else text)


def _codes(report: CheckReport, severity: str) -> set[str]:
    return {f.code for f in report.of(severity)}


def _html(html: str) -> CheckReport:
    report = CheckReport()
    checks.html_findings(report, html)
    return report


def _bad_mailing(**fields) -> Mailing:
    values = {
        "subject": "Neues aus dem Netzwerk",
        "preheader": "Termine",
        "body": "<p>Hallo</p>",
        "subject_en": "News",
        "body_en": "<p>Hello</p>",
        "include_events": False,
        "include_news": False,
    }
    values.update(fields)
    return Mailing.objects.create(**values)


# --- The checks, one problem at a time -----------------------------------------------------------


@pytest.mark.parametrize(
    ("href", "severity"),
    [
        ("/termine/", "error"),
        ("termine.html", "error"),
        ("javascript:alert(1)", "error"),
        ("#oben", "error"),
        ("https://", "error"),
        ("ftp://files.example.org/a.pdf", "error"),
        ("mailto:", "error"),
        ("http://www.example.org/", "warning"),
    ],
)
def test_links_that_mail_programs_cannot_follow_are_found(href, severity):
    report = _html(f'<p><a href="{href}">Link</a> <a href="https://www.example.org/ok">gut</a></p>')
    found = [f for f in report.findings if f.code == "link"]
    assert [f.severity for f in found] == [severity]
    assert href in found[0].details  # the link named, so staff find it


def test_absolute_https_and_mailto_links_pass():
    assert _html('<a href="https://sws.example/x?a=1">x</a> <a href="mailto:info@sws.example">y</a>').findings == []


def test_images_without_alt_warn_decorative_empty_alt_passes_foreign_hosts_noted(settings):
    settings.SITE_URL = "https://portal.sws.example"
    report = _html(
        '<img src="https://portal.sws.example/logo.png">'
        '<img src="https://portal.sws.example/line.png" alt="">'
        '<img src="https://cdn.tracker.example/pixel.gif" alt="Foto">'
        '<img src="/relative.png" alt="relativ">'
    )
    (alt,) = [f for f in report.findings if f.code == "img_alt"]
    assert alt.severity == "warning" and alt.details == "https://portal.sws.example/logo.png"
    assert _codes(report, "info") == {"img_host"} and "cdn.tracker.example" in report.of("info")[0].details
    assert _codes(report, "error") == {"img_src"}  # a relative image never loads in a mail program


def test_html_over_100_kb_is_an_error(presend_clean, subscribers):
    big = _bad_mailing(body="<p>" + "Wort " * 30_000 + "</p>")  # about 150 KB
    report = checks.mailing_check(big)
    (error,) = report.of("error")
    assert error.code == "html_size" and "KB" in error.message


def test_missing_english_subject_with_english_recipients_warns(presend_clean, subscribers):
    report = checks.mailing_check(_bad_mailing(subject_en="", body_en=""))
    assert "subject_en" in _codes(report, "warning")
    assert "10" in next(f.message for f in report.findings if f.code == "subject_en")
    assert report.languages == ["de", "en"]  # rendered for the English recipients too


def test_overlong_subject_warns_and_missing_preheader_is_a_note(presend_clean, subscribers):
    report = checks.mailing_check(_bad_mailing(subject="Sehr " * 30, preheader=""))
    assert "subject" in _codes(report, "warning") and "preheader" in _codes(report, "info")


def test_message_without_list_unsubscribe_or_text_part_is_an_error(presend_clean):
    raw = (
        b"From: SWS Digital <info@sws-digital.example>\r\nTo: a@example.org\r\nSubject: Hallo\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hallo</p>\r\n"
    )
    report = CheckReport()
    checks.message_findings(report, raw)
    assert [f.code for f in report.of("error")] == ["list_unsubscribe", "list_unsubscribe", "text_part"]


@pytest.mark.parametrize(
    ("dkim_domain", "severity"),
    [("", "warning"), ("other-domain.example", "error"), ("sws-digital.example", None), ("example", None)],
    ids=["not configured", "mismatch", "same domain", "parent domain"],
)
def test_sender_domain_against_dkim_domain(presend_clean, subscribers, mailing, dkim_domain, severity):
    presend_clean.DKIM_DOMAIN = dkim_domain
    if not dkim_domain:  # DKIM off altogether (half-set DKIM settings are a configuration error)
        presend_clean.DKIM_SELECTOR = presend_clean.DKIM_PRIVATE_KEY = ""
    report = checks.mailing_check(mailing)
    found = [f.severity for f in report.findings if f.code == "dkim"]
    assert found == ([severity] if severity else [])


def test_a_good_mailing_passes_and_the_rendered_message_has_its_headers(presend_clean, subscribers, mailing):
    report = checks.mailing_check(mailing)
    assert not report.has_errors and not report.has_warnings, report.findings
    assert "spam_skipped" in _codes(report, "info")  # SpamAssassin switched off by presend_clean


# --- SpamAssassin ----------------------------------------------------------------------------------

SPAMC_OUTPUT = """7.9/5.0
Spam detection software, running on the system "mx", has identified this incoming email as possible spam.

Content analysis details:   (7.9 points, 5.0 required)

 pts rule name              description
---- ---------------------- --------------------------------------------------
 2.5 DRUG_ED_CAPS           BODY: Mentions an E.D. drug
 1.8 DRUGS_ERECTILE         Refers to an erectile drug
 3.6 SUBJ_ALL_CAPS          Subject is all capitals and also quite a long
                            description that wraps onto the next line
-0.0 NO_RELAYS              Informational: message was not relayed via SMTP

"""


def test_the_report_is_parsed_with_wrapped_descriptions():
    score, threshold, rules = checks.spam_report_parse(SPAMC_OUTPUT)
    assert (score, threshold) == (7.9, 5.0)
    assert [name for name, _points, _text in rules] == ["DRUG_ED_CAPS", "DRUGS_ERECTILE", "SUBJ_ALL_CAPS", "NO_RELAYS"]
    assert rules[2][2].endswith("wraps onto the next line") and rules[3][1] == 0.0


def test_garbled_output_gives_no_score_and_no_crash():
    assert checks.spam_report_parse("spamc: connection refused\n") == (None, None, [])


@needs_spamassassin
def test_real_spamassassin_names_the_rules_of_a_spammy_mailing_and_scores_the_demo_lower(settings, subscribers):
    from newsletter import demo

    settings.SPAMASSASSIN_COMMAND = "spamassassin"
    settings.SPAMD_HOST = ""
    spam = _bad_mailing(
        subject="FREE!!! VIAGRA",
        body="<p>FREE VIAGRA!!! CLICK HERE NOW!!! Cheap pills, 100% free, buy viagra cialis online, "
        "no prescription, limited time offer, make money fast!!!</p>" * 5,
        subject_en="",
        body_en="",
    )
    spam_report = checks.mailing_check(spam)
    rules = {f.message: f for f in spam_report.findings if f.code.startswith("spam_rule:")}
    assert {"DRUG_ED_CAPS", "SUBJ_ALL_CAPS"} & set(rules), rules
    assert all(f.details for f in rules.values())  # each rule with SpamAssassin's description
    assert spam_report.spam_tool == "spamassassin" and spam_report.spam_threshold == 5.0
    demo.load()
    draft = Mailing.objects.get(subject="Newsletter – Entwurf für die nächste Ausgabe")
    demo_report = checks.mailing_check(draft)
    assert demo_report.spam_score is not None and demo_report.spam_score < spam_report.spam_score
    assert "spam_score" not in _codes(demo_report, "warning")


def test_spamassassin_absent_is_a_note_and_the_rest_still_runs(presend_clean, subscribers, settings):
    settings.DKIM_DOMAIN = "other-domain.example"
    settings.SPAMASSASSIN_COMMAND = "/nonexistent/spamassassin"
    settings.SPAMD_HOST = "127.0.0.1"  # spamc is tried first; without its command it falls through
    settings.SPAMC_COMMAND = "/nonexistent/spamc"
    report = checks.mailing_check(_bad_mailing())
    (skipped,) = [f for f in report.findings if f.code == "spam_skipped"]
    assert skipped.severity == "info" and "SpamAssassin" in skipped.message
    assert "dkim" in _codes(report, "error")


def test_a_spamassassin_that_hangs_is_cut_off(presend_clean, tmp_path, settings):
    hanging = tmp_path / "spamassassin"
    hanging.write_text("#!/bin/sh\ncat >/dev/null\nexec sleep 60\n")
    hanging.chmod(hanging.stat().st_mode | stat.S_IEXEC)
    settings.SPAMASSASSIN_COMMAND = str(hanging)
    settings.SPAMASSASSIN_TIMEOUT = 1
    report = CheckReport()
    checks.spam_findings(report, b"Subject: x\r\n\r\nx\r\n")
    assert [f.code for f in report.findings] == ["spam_skipped"] and "1" in report.findings[0].message


# --- Admin: the button, the page, the rule -----------------------------------------------------------


def _check_page(mailing) -> str:
    return f"/admin/newsletter/mailing/{mailing.pk}/check/"


def _form(mailing: Mailing, **changes) -> dict:
    data = {
        "subject": mailing.subject, "preheader": mailing.preheader, "body": mailing.body,
        "subject_en": mailing.subject_en, "preheader_en": mailing.preheader_en, "body_en": mailing.body_en,
        "audience_language": mailing.audience_language, "scheduled_at_0": "", "scheduled_at_1": "",
        "include_events": "", "include_news": "",
    }  # fmt: skip
    for key in ("include_events", "include_news"):
        if getattr(mailing, key):
            data[key] = "on"
        else:
            data.pop(key)
    data.update(changes)
    return data


def test_the_button_saves_checks_and_shows_the_report_grouped_with_rule_names(
    staff_login, presend_clean, subscribers, mailing
):
    presend_clean.DKIM_DOMAIN = presend_clean.DKIM_SELECTOR = presend_clean.DKIM_PRIVATE_KEY = ""  # a warning
    client = staff_login(roles=(OFFICE,))
    form = client.get(f"/admin/newsletter/mailing/{mailing.pk}/change/").content.decode()
    assert 'name="_check"' in form and _de("Save and check before sending") in form
    response = client.post(f"/admin/newsletter/mailing/{mailing.pk}/change/", _form(mailing, _check="1"))
    assert response.status_code == 302 and response["Location"] == _check_page(mailing)
    html = client.get(_check_page(mailing)).content.decode()
    assert f"{_de('Warnings')} (1)" in html and "DKIM" in html and _de("Notes") in html
    assert 'name="accept_warnings"' in html and 'name="send"' in html


def test_spam_rules_show_by_name_on_the_page(staff_login, presend_clean, mailing):
    mailing.check_report = {
        "findings": [
            {"severity": "info", "code": "spam_rule:HTML_MESSAGE", "message": "HTML_MESSAGE", "details": "BODY: HTML"}
        ],
        "spam_score": 0.1,
        "spam_threshold": 5.0,
    }
    mailing.checked_hash = checks.mailing_content_hash(mailing)
    mailing.checked_at = timezone.now()
    mailing.save()
    html = staff_login(roles=(OFFICE,)).get(_check_page(mailing)).content.decode()
    assert "<code>HTML_MESSAGE</code>" in html and "BODY: HTML" in html and ("0,1" in html or "0.1" in html)


def test_errors_block_sending_with_a_message(staff_login, presend_clean, subscribers, mailing):
    presend_clean.DKIM_DOMAIN = "other-domain.example"  # an error
    client = staff_login(roles=(OFFICE,))
    client.post(_check_page(mailing), {"run": "1"})
    page = client.get(_check_page(mailing)).content.decode()
    assert f"{_de('Errors')} (1)" in page and 'name="send"' not in page
    response = client.post(_check_page(mailing), {"send": "1", "accept_warnings": "yes"}, follow=True)
    assert (
        _de(
            "“%(subject)s” cannot be sent: its check found errors. Please correct them and check again.",
            subject=mailing.subject,
        )
        in response.content.decode()
    )
    response = client.post(
        "/admin/newsletter/mailing/",
        {"action": "send_now", "_selected_action": [mailing.pk], "post": "yes", "accept_warnings": "yes"},
        follow=True,
    )
    assert (
        _de(
            "“%(subject)s” cannot be sent: its check found errors. Please correct them and check again.",
            subject=mailing.subject,
        )
        in response.content.decode()
    )
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT


def test_warnings_need_the_confirmation_then_it_sends(
    staff_login, presend_clean, subscribers, mailing, django_capture_on_commit_callbacks, monkeypatch
):
    from newsletter import tasks

    monkeypatch.setattr(tasks.mailing_prepare_task, "delay", lambda pk: None)
    presend_clean.DKIM_DOMAIN = presend_clean.DKIM_SELECTOR = presend_clean.DKIM_PRIVATE_KEY = ""
    client = staff_login(roles=(OFFICE,))
    client.post(_check_page(mailing), {"run": "1"})
    response = client.post(_check_page(mailing), {"send": "1"}, follow=True)
    assert (
        _de(
            "“%(subject)s” has warnings: please confirm that you want to send it despite them.", subject=mailing.subject
        )
        in response.content.decode()
    )
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_check_page(mailing), {"send": "1", "accept_warnings": "yes"})
    assert response.status_code == 302
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENDING


def test_send_now_confirmation_lists_the_warnings_and_asks_for_the_tick(
    admin_client, presend_clean, subscribers, mailing
):
    presend_clean.DKIM_DOMAIN = presend_clean.DKIM_SELECTOR = presend_clean.DKIM_PRIVATE_KEY = ""
    html = admin_client.post(
        "/admin/newsletter/mailing/", {"action": "send_now", "_selected_action": [mailing.pk]}
    ).content.decode()
    assert "DKIM" in html and 'name="accept_warnings"' in html  # checked on the way, shown before sending
    admin_client.post(
        "/admin/newsletter/mailing/", {"action": "send_now", "_selected_action": [mailing.pk], "post": "yes"}
    )
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT


def test_a_content_change_invalidates_the_check(staff_login, presend_passed, subscribers):
    mailing = presend_passed
    client = staff_login(roles=(OFFICE,))
    client.post(f"/admin/newsletter/mailing/{mailing.pk}/change/", _form(mailing, subject="Neuer Betreff"))
    mailing.refresh_from_db()
    assert services.mailing_check_current(mailing) is None
    page = client.get(_check_page(mailing)).content.decode()
    assert (
        _de("The content was changed after the last check: please check again.") in page and 'name="send"' not in page
    )
    response = client.post(_check_page(mailing), {"send": "1", "accept_warnings": "yes"}, follow=True)
    changed = "“%(subject)s” was changed after its check: please run “Check before sending” again."
    assert _de(changed, subject="Neuer Betreff") in response.content.decode()
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT


def test_scheduled_then_edited_mailing_is_not_sent_by_the_sweep(presend_passed, monkeypatch):
    from newsletter import tasks

    started = []
    monkeypatch.setattr(tasks.mailing_prepare_task, "delay", started.append)
    mailing = presend_passed
    services.mailing_schedule(mailing=mailing, when=timezone.now() + datetime.timedelta(minutes=5))
    Mailing.objects.filter(pk=mailing.pk).update(body="<p>Nachträglich geändert</p>", scheduled_at=timezone.now())
    assert services.mailings_sweep() == 0
    assert started == [] and Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT


def test_scheduling_needs_a_passing_check(mailing):
    with pytest.raises(services.MailingCheckRequired):
        services.mailing_schedule(mailing=mailing, when=timezone.now())
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT
