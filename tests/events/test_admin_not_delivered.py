"""A registration's confirmation that bounced shows as "not delivered" on the registration's admin page."""

from django.utils.translation import gettext

from swsdigital.mail.inbound import inbound_process
from swsdigital.mail.models import OutboxEmail
from swsdigital.mail.returnpath import OUTBOX, Token
from tests.mail.bounce_fixtures import eml


def test_registration_page_shows_the_bounced_confirmation(make_event, register, staff_login):
    registration = register(make_event(), "gast@example.org")
    email = OutboxEmail.objects.filter(to="gast@example.org").first() or OutboxEmail.objects.create(
        to="gast@example.org", from_email="info@sws-digital.example", subject="Anmeldung", body_text="x"
    )
    inbound_process(raw=eml("gmail_does_not_exist", Token(OUTBOX, email.pk)))
    page = staff_login(superuser=True).get(f"/admin/events/registration/{registration.pk}/change/").content.decode()
    assert gettext("not delivered") in page and "5.1.1" in page
    assert f"/admin/mail/outboxemail/{email.pk}/change/" in page
