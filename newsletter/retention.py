"""The newsletter's retention rule (registered from NewsletterConfig.ready(); the service does the work)."""

from django.utils.translation import gettext_lazy as _

from swsdigital.privacy.retention import RetentionRule, register


def _unconfirmed(*, now) -> int:
    from .services import subscribers_unconfirmed_delete

    return subscribers_unconfirmed_delete(now=now)


def register_rules() -> None:
    """Register the rule for sign-ups that were never confirmed."""
    register(
        RetentionRule(
            name="newsletter.unconfirmed",
            period="newsletter_unconfirmed",
            data=_("Newsletter sign-ups that were never confirmed"),
            since=_("%(period)s after the sign-up"),
            outcome=_("deleted, with the record of the request"),
            apply=_unconfirmed,
        )
    )
