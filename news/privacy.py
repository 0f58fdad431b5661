"""Press and news' personal-data provider: press contacts named in press releases."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from swsdigital.privacy.registry import ERASED, Holding, PersonalDataProvider

from .models import PressContact


class NewsProvider(PersonalDataProvider):
    name = "news"
    covers = ("news.PressContact",)
    title = _("Press")
    labels = {"press_contacts": _("Press contact in press releases")}

    def _contacts(self, email: str):
        return PressContact.objects.filter(email__iexact=email)

    def _holdings(self, count: int) -> list[Holding]:
        return [Holding("news.presscontact", _("press contacts"), count, ERASED)] if count else []

    def preview(self, email: str) -> list[Holding]:
        return self._holdings(self._contacts(email).count())

    def erase(self, email: str) -> list[Holding]:
        contacts = list(self._contacts(email))
        for contact in contacts:
            contact.delete()  # one by one: the page cache forgets the press releases that named them
        return self._holdings(len(contacts))

    def object_refs(self, email: str) -> dict[str, list]:
        return {"news.PressContact": list(self._contacts(email).values_list("pk", flat=True))}

    def export(self, email: str) -> dict:
        contacts = [
            {"name": c.name, "email": c.email, "role": getattr(c, "role", ""), "phone": getattr(c, "phone", "")}
            for c in self._contacts(email)
        ]
        return {"press_contacts": contacts} if contacts else {}
