"""The members app's retention rules (registered from MembersConfig.ready(); its services do the work)."""

from django.utils.translation import gettext_lazy as _

from swsdigital.privacy.retention import RetentionRule, register


def _unconfirmed(*, now) -> int:
    from .services import applications_unconfirmed_purge

    return applications_unconfirmed_purge(now=now)


def _application_ips(*, now) -> int:
    from .services import applications_ips_truncate

    return applications_ips_truncate(now=now)


def _ended_contacts(*, now) -> int:
    from .services import members_ended_contacts_purge

    return members_ended_contacts_purge(now=now)


def register_rules() -> None:
    """Register the rules for applications and the contacts of former members."""
    register(
        RetentionRule(
            name="members.applications_unconfirmed",
            period="applications_unconfirmed",
            data=_("Membership applications whose email address was never confirmed"),
            since=_("%(period)s after they were received"),
            outcome=_("deleted"),
            apply=_unconfirmed,
        ),
        RetentionRule(
            name="members.application_ips",
            period="ip_addresses",
            data=_("IP addresses of membership applications"),
            since=_("%(period)s after they were received"),
            outcome=_("shortened to the network (IPv4 to the first three parts, IPv6 to the first 48 bits)"),
            apply=_application_ips,
        ),
        RetentionRule(
            name="members.ended_contacts",
            period="contacts_ended",
            data=_("Contact persons of former members (contacts and their details on the application)"),
            since=_("%(period)s after the membership ended"),
            outcome=_(
                "deleted, unless the person has agreed to hear from us further "
                "(for example by subscribing to the newsletter)"
            ),
            apply=_ended_contacts,
        ),
    )
