"""Create a local superuser with a random password, printed once (for `make run`)."""

import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

LOCAL_ADMIN_EMAIL = "admin@sws-digital.example"


class Command(BaseCommand):
    help = "Create the local admin account if it does not exist and print how to log in."

    def handle(self, *args, **options):
        User = get_user_model()
        user = User.objects.filter(email=LOCAL_ADMIN_EMAIL).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_superuser(email=LOCAL_ADMIN_EMAIL, password=password, first_name="Admin")
            EmailAddress.objects.update_or_create(
                user=user, email=LOCAL_ADMIN_EMAIL, defaults={"verified": True, "primary": True}
            )
            message = f"Admin login: {LOCAL_ADMIN_EMAIL} / {password}  (shown once; keep it)"
        else:
            message = (
                f"Admin login: {LOCAL_ADMIN_EMAIL} (password shown at first start; "
                f"reset with: .venv/bin/python manage.py changepassword {LOCAL_ADMIN_EMAIL})"
            )
        self.stdout.write(self.style.SUCCESS(message))
        self.stdout.write(
            "The admin asks staff to set up two-factor authentication (any TOTP app) first; "
            "to skip that on a local machine, start with ADMIN_REQUIRE_MFA=false."
        )
