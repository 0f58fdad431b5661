"""Load realistic demo content for every app; running it twice changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

import events.demo
import fees.demo
import members.demo
import news.demo
import newsletter.demo
from swsdigital.pages import demo as pages_demo


class Command(BaseCommand):
    help = "Load the demo content of every app (idempotent)."

    def handle(self, *args, **options):
        # In dependency order: each app may refer to what the apps before it created.
        for loader in (pages_demo, members.demo, events.demo, news.demo, newsletter.demo, fees.demo):
            with transaction.atomic():
                loader.load()
            self.stdout.write(f"  {loader.__name__}: ok")
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
