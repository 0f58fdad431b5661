"""An email a bounce reported as not delivered shows on the application, member and account admin pages."""

from django.utils.translation import gettext

from swsdigital.mail.inbound import inbound_process
from swsdigital.mail.models import OutboxEmail
from swsdigital.mail.returnpath import OUTBOX, Token
from tests.mail.bounce_fixtures import eml


def _bounce(to: str) -> OutboxEmail:
    email = OutboxEmail.objects.filter(to=to).order_by("-id").first() or OutboxEmail.objects.create(
        to=to, from_email="info@sws-digital.example", subject="Ihr Antrag", body_text="x", status="sent"
    )
    inbound_process(raw=eml("exchange_recipient_not_found", Token(OUTBOX, email.pk)))
    email.refresh_from_db()
    assert email.bounced_at is not None
    return email


def test_application_member_and_account_pages_show_not_delivered(
    make_application, make_member, staff_login, django_user_model
):
    application = make_application()
    email = _bounce(application.email)
    staff = staff_login(superuser=True)
    page = staff.get(f"/admin/members/membershipapplication/{application.pk}/change/").content.decode()
    assert gettext("not delivered") in page and "5.1.10" in page
    assert f"/admin/mail/outboxemail/{email.pk}/change/" in page

    user = django_user_model.objects.create_user(email=application.email, password="x" * 12)
    page = staff.get(f"/admin/members/user/{user.pk}/change/").content.decode()
    assert f"/admin/mail/outboxemail/{email.pk}/change/" in page

    member = make_member()
    member.contacts.create(first_name="Jens", last_name="Meier", email=application.email)
    page = staff.get(f"/admin/members/member/{member.pk}/change/").content.decode()
    assert f"/admin/mail/outboxemail/{email.pk}/change/" in page


def test_nothing_shown_when_everything_arrived(make_application, staff_login):
    application = make_application()
    page = staff_login(superuser=True).get(f"/admin/members/membershipapplication/{application.pk}/change/")
    assert "not-delivered" not in page.content.decode()
