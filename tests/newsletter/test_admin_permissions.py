"""Issue 19.1: mailing actions need the permission they really use, and every use is logged."""

import pytest
from django.contrib.admin.models import LogEntry

from newsletter.models import Delivery, Mailing

CHANGELIST = "/admin/newsletter/mailing/"


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from newsletter import tasks

    monkeypatch.setattr(tasks.mailing_prepare_task, "delay", lambda pk: None)
    monkeypatch.setattr(tasks.mailing_run_task, "delay", lambda pk: None)


def _act(client, action: str, mailing: Mailing):
    # "post": "yes" confirms on the page "send now" shows first (the other actions do not ask).
    return client.post(CHANGELIST, {"action": action, "_selected_action": [mailing.pk], "post": "yes"})


@pytest.mark.parametrize("action", ["send_now", "schedule", "pause", "resume", "cancel"])
def test_view_only_staff_cannot_send_schedule_pause_or_cancel(staff_login, mailing, subscribers, action):
    viewer = staff_login("newsletter.view_mailing", "newsletter.change_mailing")
    Mailing.objects.filter(pk=mailing.pk).update(scheduled_at="2030-01-01T09:00:00Z")
    _act(viewer, action, mailing)
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT
    assert not Delivery.objects.exists()
    assert not LogEntry.objects.exists()
    assert f'value="{action}"' not in viewer.get(CHANGELIST).content.decode()


def test_send_permission_sends_and_leaves_a_log_entry(
    staff_login, subscribers, presend_passed, mailing, django_capture_on_commit_callbacks
):
    sender = staff_login("newsletter.view_mailing", "newsletter.send_mailing")
    with django_capture_on_commit_callbacks(execute=True):
        _act(sender, "send_now", mailing)
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENDING
    entry = LogEntry.objects.get()
    assert entry.user_id == sender.user.pk and entry.object_id == str(mailing.pk)
    assert entry.get_change_message() == "Aktion: Jetzt senden"
    _act(sender, "pause", mailing)
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.PAUSED
    assert LogEntry.objects.count() == 2


def test_test_send_needs_change_permission(staff_login, mailing):
    from swsdigital.mail.models import OutboxEmail

    _act(staff_login("newsletter.view_mailing"), "send_test", mailing)
    assert not OutboxEmail.objects.exists()
    _act(staff_login("newsletter.view_mailing", "newsletter.change_mailing"), "send_test", mailing)
    assert OutboxEmail.objects.count() == 2  # German and English


def test_preview_needs_the_mailings_view_permission(staff_login, mailing):
    url = f"/admin/newsletter/mailing/{mailing.pk}/preview/"
    assert staff_login().get(url).status_code == 403
    assert staff_login("newsletter.view_mailing").get(url).status_code == 200
    # Staff without a second factor never see it, superusers included.
    response = staff_login(superuser=True, second_factor=False).get(url)
    assert response.status_code == 302 and "/totp/" in response["Location"]


def test_subscriber_export_needs_view_and_unsubscribe_change(staff_login, subscribers):
    from newsletter.models import Subscriber

    pks = [s.pk for s in subscribers[:2]]
    viewer = staff_login("newsletter.view_subscriber")
    viewer.post("/admin/newsletter/subscriber/", {"action": "unsubscribe", "_selected_action": pks})
    assert Subscriber.objects.filter(pk__in=pks, status=Subscriber.Status.CONFIRMED).count() == 2
    response = viewer.post("/admin/newsletter/subscriber/", {"action": "export_csv", "_selected_action": pks})
    assert response["Content-Type"] == "text/csv"
    assert LogEntry.objects.filter(user_id=viewer.user.pk).count() == 2  # the export is logged per address
