"""Staff tools (preview, test send, actions, progress, CSV import/export, bounces) and the public archive."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from newsletter import services
from newsletter.models import Delivery, Mailing, Subscriber
from swsdigital.mail.models import OutboxEmail
from swsdigital.privacy.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_user):
    admin_user.email = "staff@example.org"
    admin_user.save()
    return admin_user


def test_preview_renders_the_mailing_in_both_languages(admin_client, mailing):
    german = admin_client.get(f"/admin/newsletter/mailing/{mailing.pk}/preview/").content.decode()
    assert "Digitaltag" in german and "Neues aus dem Netzwerk &amp; mehr" in german and "<script>" not in german
    english = admin_client.get(f"/admin/newsletter/mailing/{mailing.pk}/preview/?lang=en").content.decode()
    assert "digital day" in english
    assert admin_client.get(f"/admin/newsletter/mailing/{mailing.pk}/change/").status_code == 200


def test_test_send_goes_to_the_staff_address_through_the_outbox(client, staff, mailing):
    client.force_login(staff)
    response = client.post(
        "/admin/newsletter/mailing/", {"action": "send_test", "_selected_action": [mailing.pk]}, follow=True
    )
    assert response.status_code == 200
    subjects = sorted(OutboxEmail.objects.filter(to="staff@example.org").values_list("subject", flat=True))
    assert subjects == ["[Test] Neues aus dem Netzwerk & mehr", "[Test] News from the network"]
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT


def test_send_pause_resume_cancel_actions_and_progress(
    admin_client, subscribers, presend_passed, mailing, django_capture_on_commit_callbacks, monkeypatch
):
    from newsletter import tasks

    monkeypatch.setattr(tasks.mailing_prepare_task, "delay", lambda pk: None)
    monkeypatch.setattr(tasks.mailing_run_task, "delay", lambda pk: None)

    def act(action):
        # "post": "yes" is the button of the page on which "send now" asks first (the other actions ignore it).
        data = {"action": action, "_selected_action": [mailing.pk], "post": "yes"}
        return admin_client.post("/admin/newsletter/mailing/", data)

    with django_capture_on_commit_callbacks(execute=True):
        act("send_now")
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENDING
    services.mailing_deliveries_prepare(mailing_id=mailing.pk)
    Delivery.objects.filter(pk__in=Delivery.objects.filter(mailing=mailing).values("pk")[:5]).update(
        status=Delivery.Status.SENT
    )
    listing = admin_client.get("/admin/newsletter/mailing/").content.decode()
    assert "25 / 5 / 0" in listing
    act("pause")
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.PAUSED
    with django_capture_on_commit_callbacks(execute=True):
        act("resume")
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENDING
    act("cancel")
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.CANCELLED
    assert Delivery.objects.filter(mailing=mailing, status=Delivery.Status.SKIPPED).count() == 25


def test_schedule_action_needs_a_time(admin_client, presend_passed, mailing):
    admin_client.post("/admin/newsletter/mailing/", {"action": "schedule", "_selected_action": [mailing.pk]})
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT
    Mailing.objects.filter(pk=mailing.pk).update(scheduled_at=timezone.now())
    admin_client.post("/admin/newsletter/mailing/", {"action": "schedule", "_selected_action": [mailing.pk]})
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SCHEDULED


def test_csv_import_confirms_with_consent_and_invites_without(admin_client, topics, make_subscriber):
    make_subscriber("known@example.org")
    csv = (
        b"email;name;language;topics;consent_source;consent_date\n"
        b"with@example.org;Mit;en;events|funding;Anmeldeformular Messe 2024;2024-03-05 14:30:00\n"
        b"without@example.org;Ohne;de;;;\n"
        b"known@example.org;;;;;\n"
        b"kaputt;;;;;\n"
    )
    upload = SimpleUploadedFile("list.csv", csv, content_type="text/csv")
    response = admin_client.post(
        "/admin/newsletter/subscriber/import/", {"file": upload, "source": "Altliste"}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 confirmed, 1 invited" in page or "1 bestätigt" in page
    with_consent = Subscriber.objects.get(email="with@example.org")
    assert with_consent.status == Subscriber.Status.CONFIRMED and with_consent.topics.count() == 2
    consent = Consent.objects.get(pk=with_consent.consent_id)
    assert consent.confirmed_at.year == 2024 and "Messe 2024" in consent.source
    assert Subscriber.objects.get(email="without@example.org").status == Subscriber.Status.PENDING
    assert OutboxEmail.objects.filter(to="without@example.org", template="newsletter/confirm").exists()
    assert not OutboxEmail.objects.filter(to="with@example.org").exists()


def test_csv_import_keeps_the_original_consent_date_and_refuses_future_dates(topics):
    from newsletter.services import subscribers_import_csv

    csv = (
        b"email,consent_source,consent_date\n"
        b"alt@example.org,Messe 2024,05.03.2024 14:30\n"
        b"zukunft@example.org,Messe 2099,2099-01-01\n"
    )
    report = subscribers_import_csv(data=csv, source="Altliste")
    assert report.confirmed == 1 and report.invited == 0
    assert report.errors == ["Zeile 3: Das Einwilligungsdatum 2099-01-01 liegt in der Zukunft."]
    consent = Subscriber.objects.get(email="alt@example.org").consent
    assert consent.given_at == consent.confirmed_at
    assert timezone.localtime(consent.given_at).strftime("%Y-%m-%d %H:%M") == "2024-03-05 14:30"
    assert consent.source == "import (Altliste): Messe 2024"
    assert not Subscriber.objects.filter(email="zukunft@example.org").exists()


def test_csv_export_and_bounce_import(admin_client, subscribers):
    response = admin_client.post(
        "/admin/newsletter/subscriber/",
        {"action": "export_csv", "_selected_action": [s.pk for s in subscribers[:3]]},
    )
    assert response["Content-Type"] == "text/csv"
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("email,name,language") and len(lines) == 4
    upload = SimpleUploadedFile("bounces.csv", b"email,reason\nperson001@example.org,550 no such user\n")
    admin_client.post("/admin/newsletter/subscriber/bounces/", {"file": upload})
    assert Subscriber.objects.get(email="person001@example.org").status == Subscriber.Status.BOUNCED


def test_subscriber_admin_lists_and_searches(admin_client, subscribers):
    page = admin_client.get("/admin/newsletter/subscriber/?q=person002")
    assert page.status_code == 200 and "person002@example.org" in page.content.decode()


@pytest.fixture
def archived(db):
    now = timezone.now()
    for i in range(30):
        Mailing.objects.create(
            subject=f"Ausgabe {i}", body=f"Text {i}", status=Mailing.Status.SENT, finished_at=now, in_archive=True
        )
    Mailing.objects.create(subject="Intern", body="x", status=Mailing.Status.SENT, finished_at=now, in_archive=False)
    Mailing.objects.create(subject="Entwurf", body="x")


def test_archive_lists_sent_public_mailings_with_a_query_budget(client, archived, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/newsletter/archiv/")
    html = response.content.decode()
    assert response.status_code == 200 and "Ausgabe 29" in html
    assert "Intern" not in html and "Entwurf" not in html
    assert client.get("/en/newsletter/archive/?page=2").status_code == 200
    assert client.get("/newsletter/archiv/?page=abc").status_code == 200


def test_web_version_of_a_mailing(client, archived, django_assert_max_num_queries):
    mailing = Mailing.objects.get(subject="Ausgabe 3")
    with django_assert_max_num_queries(6):
        response = client.get(mailing.get_absolute_url())
    assert response.status_code == 200 and "Text 3" in response.content.decode()
    hidden = Mailing.objects.get(subject="Intern")
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(Mailing.objects.get(subject="Entwurf").get_absolute_url()).status_code == 404


def test_public_pages_query_budget(client, topics, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get("/newsletter/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200


def test_demo_content_is_idempotent(client):
    from newsletter import demo
    from newsletter.models import Topic

    demo.load()
    demo.load()
    assert Topic.objects.count() == 4
    assert Mailing.objects.filter(status=Mailing.Status.SENT).count() == 2
    assert "Ein Jahr SWS Digital" in client.get("/newsletter/archiv/").content.decode()


def test_mailing_keeps_the_line_breaks_the_author_typed_in_html_and_text(mailing, client):
    from newsletter.rendering import mailing_render

    Mailing.objects.filter(pk=mailing.pk).update(
        # As the editor sends it: Enter starts a paragraph, Shift+Enter breaks the line.
        body="<p>Liebe Mitglieder,</p><p>wir sehen uns.</p><p>Herzliche Grüße aus Plauen<br>Ihre Geschäftsstelle</p>",
        status=Mailing.Status.SENT,
        finished_at=timezone.now(),
        in_archive=True,
    )
    mailing.refresh_from_db()
    _subject, text, html = mailing_render(mailing, "de")
    assert "<p>Herzliche Grüße aus Plauen<br>Ihre Geschäftsstelle</p>" in html
    assert "Liebe Mitglieder,\n\nwir sehen uns.\n\nHerzliche Grüße aus Plauen\nIhre Geschäftsstelle" in text
    archive = client.get(mailing.get_absolute_url()).content.decode()
    assert "Herzliche Grüße aus Plauen<br>" in archive


def test_send_now_first_shows_the_recipients_per_language_and_asks(
    admin_client, presend_clean, mailing, subscribers, make_subscriber, django_capture_on_commit_callbacks, monkeypatch
):
    from django.contrib.admin.models import LogEntry

    from newsletter import tasks

    monkeypatch.setattr(tasks.mailing_prepare_task, "delay", lambda pk: None)
    make_subscriber("offen@example.org", status=Subscriber.Status.PENDING)  # not confirmed: not counted
    page = admin_client.post("/admin/newsletter/mailing/", {"action": "send_now", "_selected_action": [mailing.pk]})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Jetzt senden?" in html and "Neues aus dem Netzwerk &amp; mehr" in html
    assert "Sie geht jetzt an 30 Abonnenten:" in html
    assert "<li>Deutsch: 20</li>" in html and "<li>Englisch: 10</li>" in html
    assert 'name="post" value="yes"' in html and 'name="action" value="send_now"' in html
    assert f'name="_selected_action" value="{mailing.pk}"' in html and "Ja, jetzt senden" in html
    assert 'href="/admin/newsletter/mailing/"' in html and "Nein, zurück" in html
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT  # asking sends nothing
    assert not Delivery.objects.exists() and not LogEntry.objects.exists()  # and is not logged as sent
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/newsletter/mailing/", {"action": "send_now", "_selected_action": [mailing.pk], "post": "yes"}
        )
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENDING
    assert LogEntry.objects.get().get_change_message() == "Aktion: Jetzt senden"


def test_send_now_confirmation_names_an_audience_without_english_text_and_skips_sent_mailings(
    admin_client, mailing, subscribers
):
    Mailing.objects.filter(pk=mailing.pk).update(body_en="", audience_language="en")
    sent = Mailing.objects.create(subject="Schon versandt", body="Text", status=Mailing.Status.SENT)
    html = admin_client.post(
        "/admin/newsletter/mailing/", {"action": "send_now", "_selected_action": [mailing.pk, sent.pk]}
    ).content.decode()
    assert "Sie geht jetzt an 10 Abonnenten:" in html and "<li>Englisch: 10</li>" in html and "Deutsch:" not in html
    assert "Wer Englisch gewählt hat, erhält den deutschen." in html
    assert "Schon versandt" in html and "Wird nicht erneut gesendet: Ihr Status ist „gesendet“." in html
