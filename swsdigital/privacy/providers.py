"""Privacy's own providers: consent records and the admin's log; declarations for Django's own models."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .models import Consent
from .registry import ANONYMISED, Holding, PersonalDataProvider, not_personal, providers, register


def erased_marker() -> str:
    """Return the text that stands where a person's name or address was (in the office's language)."""
    with override(settings.LANGUAGE_CODE):
        return str(_("[erased]"))


class ConsentProvider(PersonalDataProvider):
    """Consents are anonymised, not deleted: the proof that a text version was agreed (and when) stays,
    the address, account link, IP addresses and reference go, and an active consent counts as withdrawn."""

    name = "privacy"
    covers = ("privacy.Consent",)

    def _consents(self, email: str):
        return Consent.objects.filter(email=email)

    def export(self, email: str) -> list:
        return [
            {
                "key": c.text.key,
                "version": c.text.version,
                "text_de": c.text.text_de,
                "text_en": c.text.text_en,
                "source": c.source,
                "given_at": c.given_at.isoformat(),
                "given_ip": c.given_ip,
                "confirmed_at": c.confirmed_at.isoformat() if c.confirmed_at else None,
                "confirmed_ip": c.confirmed_ip,
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in self._consents(email).select_related("text")
        ]

    def _holding(self, count: int) -> list[Holding]:
        reason = _("The record that a consent text was agreed, and when, is kept without address or IP.")
        return [Holding("privacy.consent", _("consents"), count, ANONYMISED, reason)] if count else []

    def preview(self, email: str) -> list[Holding]:
        return self._holding(self._consents(email).count())

    def erase(self, email: str) -> list[Holding]:
        count = self._consents(email).update(
            email="",
            user=None,
            subject_ref="",
            given_ip=None,
            confirmed_ip=None,
            withdrawn_at=Coalesce("withdrawn_at", timezone.now()),
        )
        return self._holding(count)


class AdminLogProvider(PersonalDataProvider):
    """The admin's log names objects as they were: entries naming the address, or about an object another
    provider holds for the person, get their description and message replaced; who acted and when stay."""

    name = "admin"
    covers = ("admin.LogEntry",)
    erase_first = True

    def _entries(self, email: str):
        from django.contrib.admin.models import LogEntry
        from django.contrib.contenttypes.models import ContentType

        query = Q(object_repr__icontains=email) | Q(change_message__icontains=email)
        for provider in providers():
            for label, pks in provider.object_refs(email).items():
                if pks:
                    app_label, model = label.split(".")
                    content_type = ContentType.objects.get_by_natural_key(app_label, model.lower())
                    query |= Q(content_type=content_type, object_id__in=[str(pk) for pk in pks])
        return LogEntry.objects.filter(query)

    def export(self, email: str) -> list:
        # The person's own data as the log describes it; the staff who acted are not theirs to receive.
        return [
            {"action_time": e.action_time.isoformat(), "object": e.object_repr}
            for e in self._entries(email).order_by("action_time")
        ]

    def _holding(self, count: int) -> list[Holding]:
        reason = _("Who changed what and when stays in the log; the person's name and address are removed.")
        return [Holding("admin.logentry", _("admin log entries"), count, ANONYMISED, reason)] if count else []

    def preview(self, email: str) -> list[Holding]:
        return self._holding(self._entries(email).count())

    def erase(self, email: str) -> list[Holding]:
        marker = erased_marker()
        count = self._entries(email).update(object_repr=marker, change_message="")
        return self._holding(count)


def register_providers() -> None:
    """Register privacy's own providers and declare Django's models that hold no personal data."""
    register(ConsentProvider())
    register(AdminLogProvider())
    not_personal(
        {
            "auth.Group": "a staff role's name",
            "auth.Permission": "a permission's description",
        }
    )
