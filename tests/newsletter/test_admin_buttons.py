"""Issue 15.4: the mailing form's own buttons — save and send a test to me, save and schedule — so composing,
testing and scheduling a mailing need no trip to the list and its actions."""

import datetime

import pytest
from django.utils import timezone

from newsletter.models import Mailing
from swsdigital.core.roles import EDITORS, OFFICE
from swsdigital.mail.models import OutboxEmail

pytestmark = pytest.mark.django_db


def _data(mailing: Mailing, **changes) -> dict:
    data = {
        "subject": mailing.subject, "preheader": mailing.preheader, "body": mailing.body,
        "subject_en": mailing.subject_en, "preheader_en": mailing.preheader_en, "body_en": mailing.body_en,
        "audience_language": mailing.audience_language, "scheduled_at_0": "", "scheduled_at_1": "",
    }  # fmt: skip
    data.update(changes)
    return data


def _at(moment: datetime.datetime) -> dict:
    local = timezone.localtime(moment)
    return {"scheduled_at_0": local.strftime("%d.%m.%Y"), "scheduled_at_1": local.strftime("%H:%M:%S")}


def test_save_and_test_sends_both_languages_to_me_and_stays_on_the_form(staff_login, mailing):
    client = staff_login(roles=(EDITORS,))
    response = client.post(
        f"/admin/newsletter/mailing/{mailing.pk}/change/", _data(mailing, subject="Neu: Termine im Advent", _test="1")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/newsletter/mailing/{mailing.pk}/change/"
    subjects = sorted(OutboxEmail.objects.filter(to=client.user.email).values_list("subject", flat=True))
    assert subjects == ["[Test] Neu: Termine im Advent", "[Test] News from the network"]  # saved first, then sent
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT


def test_save_and_schedule_plans_the_mailing(staff_login, presend_clean, mailing):
    client = staff_login(roles=(OFFICE,))
    when = timezone.now() + datetime.timedelta(days=2)
    response = client.post(
        f"/admin/newsletter/mailing/{mailing.pk}/change/", _data(mailing, _schedule="1", **_at(when))
    )
    assert response.status_code == 302 and response["Location"] == "/admin/newsletter/mailing/"
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SCHEDULED
    assert abs((mailing.scheduled_at - when).total_seconds()) < 1


@pytest.mark.parametrize("when", [None, -1], ids=["no time", "in the past"])
def test_schedule_needs_a_future_time_and_saves_nothing_without(staff_login, mailing, when):
    client = staff_login(roles=(OFFICE,))
    times = {} if when is None else _at(timezone.now() + datetime.timedelta(hours=when))
    response = client.post(
        f"/admin/newsletter/mailing/{mailing.pk}/change/", _data(mailing, subject="Geändert", _schedule="1", **times)
    )
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors["scheduled_at"])
    assert "Bitte geben Sie an, wann" in errors or "in der Zukunft" in errors
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT and mailing.subject != "Geändert"


def test_editors_compose_and_test_but_cannot_schedule(staff_login, mailing):
    client = staff_login(roles=(EDITORS,))
    html = client.get(f"/admin/newsletter/mailing/{mailing.pk}/change/").content.decode()
    assert 'name="_test"' in html and 'name="_schedule"' not in html
    when = timezone.now() + datetime.timedelta(days=2)
    response = client.post(
        f"/admin/newsletter/mailing/{mailing.pk}/change/", _data(mailing, _schedule="1", **_at(when))
    )
    assert response.status_code == 403
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT and mailing.scheduled_at is None  # the whole request rolled back


def test_a_sent_mailing_offers_no_buttons(admin_client, mailing):
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENT)
    html = admin_client.get(f"/admin/newsletter/mailing/{mailing.pk}/change/").content.decode()
    assert 'name="_test"' not in html and 'name="_schedule"' not in html
