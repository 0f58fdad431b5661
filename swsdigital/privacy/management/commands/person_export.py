"""Print everything held about one email address across all apps as JSON (Art. 15)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from swsdigital.privacy.services import person_export_json


class Command(BaseCommand):
    help = "Print everything held about an email address across all apps as JSON."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        try:
            self.stdout.write(person_export_json(email=email))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
