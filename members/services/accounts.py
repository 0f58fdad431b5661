"""Accounts for member contacts: created without a password, invited to set one."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from members.models import User


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
