"""The outbox's retention rule (registered from MailConfig.ready(); the service does the work)."""

from django.utils.translation import gettext_lazy as _

from swsdigital.privacy.retention import RetentionRule, register


def _email_bodies(*, now) -> int:
    from .services import outbox_bodies_purge

    return outbox_bodies_purge(now=now)


def _bounce_raw(*, now) -> int:
    from .inbound import inbound_raw_purge

    return inbound_raw_purge(now=now)


def register_rules() -> None:
    """Register the outbox's retention rule."""
    register(
        RetentionRule(
            name="mail.email_bodies",
            period="email_bodies",
            data=_("Content of the emails we send you (text and attachments)"),
            since=_("%(period)s after sending"),
            outcome=_("deleted; recipient, subject and delivery status stay in the email log"),
            apply=_email_bodies,
        )
    )
    register(
        RetentionRule(
            name="mail.bounce_raw",
            period="email_bodies",
            data=_("Bounce messages and complaints about emails to you (the returned message)"),
            since=_("%(period)s after receipt"),
            outcome=_("deleted; the kind of bounce, its reason and the address stay in the bounce log"),
            apply=_bounce_raw,
        )
    )
