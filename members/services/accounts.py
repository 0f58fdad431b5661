"""Accounts: created for member contacts without a password (invited to set one); deleted by their owner."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from members import selectors
from members.models import Member, User
from swsdigital.privacy.models import ErasureRecord
from swsdigital.privacy.registry import KEPT
from swsdigital.privacy.services import person_erase_addresses


def account_for_contact(*, email: str, first_name: str, last_name: str, language: str) -> User:
    """Return the account of an address, creating it without a usable password if new.

    The address counts as verified: the person proved the mailbox by a confirmation
    link, or can only ever use the account through the link mailed to it.
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=None, first_name=first_name, last_name=last_name, language=language
        )
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user, email=email, verified=True, primary=not EmailAddress.objects.filter(user=user).exists()
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    return user


def password_set_url(*, user: User, language: str) -> str:
    """Return an absolute link where the user chooses a password (allauth's reset-from-key page)."""
    key = default_token_generator.make_token(user)
    with translation.override(language):
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    return f"{settings.SITE_URL}{path}"


def login_url(*, language: str) -> str:
    """Return the absolute login link in a language."""
    with translation.override(language):
        return f"{settings.SITE_URL}{reverse('account_login')}"


class AccountErasureRefused(ValidationError):
    """The account may not delete itself; ``code`` says why, ``members`` lists where it is the main contact."""

    def __init__(self, message: str, *, code: str, members: list[Member] | None = None):
        super().__init__(message, code=code)
        self.members = members or []


def account_erase_check(*, user: User) -> list[str]:
    """Return the verified addresses whose data deleting the account erases; raise AccountErasureRefused if it may not.

    Staff accounts are removed by IT, not by their holder; a main contact of an active member must first hand the
    role over (or the membership must end), as the privacy contact's erasure would keep them too.
    """
    if user.is_staff or user.is_superuser:
        raise AccountErasureRefused(
            _("Staff accounts cannot be deleted here: IT removes staff accounts. Please ask IT to remove yours."),
            code="staff",
        )
    emails = selectors.account_verified_emails(user=user)
    if not emails:
        raise AccountErasureRefused(
            _("Your account has no confirmed email address. Please confirm your address first."), code="no_address"
        )
    main = selectors.account_main_contacts(user=user, emails=emails)
    if main:
        raise AccountErasureRefused(
            _(
                "You are the main contact of a member organisation. Another contact must take over this role, "
                "or the membership must end, before you can delete your account."
            ),
            code="main_contact",
            members=[contact.member for contact in main],
        )
    return emails


@transaction.atomic
def account_erase(*, user: User) -> ErasureRecord | None:
    """Erase the account and everything held about its verified addresses in one transaction; record it as self-service.

    Return None when the account is already gone (a second click that waited for the first).
    """
    # The lock makes a second, simultaneous request wait for the first and then find nothing to do.
    locked = User.objects.select_for_update().filter(pk=user.pk).first()
    if locked is None:
        return None
    emails = account_erase_check(user=locked)
    record = person_erase_addresses(emails=emails, via=ErasureRecord.Via.SELF)
    kept = [h for h in record.holdings if h["action"] == KEPT and h["kind"].startswith("members.user")]
    if kept or User.objects.filter(pk=locked.pk).exists():
        # Became main contact or staff since the check: undo everything rather than half-delete.
        raise AccountErasureRefused(_("Your account could not be deleted. Please contact the office."), code="kept")
    return record
