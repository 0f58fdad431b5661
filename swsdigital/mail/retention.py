"""The outbox's retention rule (registered from MailConfig.ready(); the service does the work)."""

from django.utils.translation import gettext_lazy as _

from swsdigital.privacy.retention import RetentionRule, register


def _email_bodies(*, now) -> int:
    from .services import outbox_bodies_purge

    return outbox_bodies_purge(now=now)


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
