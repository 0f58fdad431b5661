"""The registry of personal-data providers: each app tells privacy what it holds about one person.

An app registers a provider from its ``AppConfig.ready()`` (as ``django.contrib.admin`` autodiscovers);
erasure (Art. 17) and access (Art. 15) iterate the registry, so this package never imports a domain app.
A provider answers for one person, identified by an email address already normalised (stripped,
lower-case): ``export`` returns what it holds, ``preview`` what erasure would do, ``erase`` does it
inside the caller's transaction. Each provider declares the models it covers (``covers``); models
whose name or address fields hold no one's personal data are declared with a reason through
``not_personal()``. tests/privacy/test_registry.py fails for any model with such a field that is neither.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.utils.translation import gettext_lazy as _

ERASED = "erased"
ANONYMISED = "anonymised"
KEPT = "kept"

ACTION_LABELS = {ERASED: _("erased"), ANONYMISED: _("anonymised"), KEPT: _("kept")}


@dataclass(frozen=True)
class Holding:
    """One kind of record held about a person: how many, and what erasure does (or did) with them."""

    kind: str  # stable key, "app_label.model" (plus a suffix where one model gives several kinds)
    label: str  # translated, for the preview
    count: int
    action: str  # ERASED, ANONYMISED or KEPT
    reason: str = ""  # translated; why a record is kept or anonymised rather than erased

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    def as_dict(self) -> dict:
        return {**asdict(self), "label": str(self.label), "reason": str(self.reason)}


class PersonalDataProvider:
    """What one app holds about a person; subclasses implement the three methods."""

    name: str = ""  # the app label, the key of its part of an export
    covers: tuple[str, ...] = ()  # model labels ("events.Registration") whose personal data it handles
    erase_first: bool = False  # the admin log's provider: it finds entries by the objects others still hold
    # The readable export (readable.py): the heading of the app's part, labels of its keys (privacy's common
    # labels fill the gaps) and, per key, labels of coded values (a model's choices); all lazily translated.
    title: str = ""
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[str, str]] = {}

    def export(self, email: str) -> dict | list:
        """Return everything held about ``email``, JSON-serialisable (empty when nothing is held)."""
        raise NotImplementedError

    def preview(self, email: str) -> list[Holding]:
        """Return what is held about ``email`` and what erasure would do; holdings with count 0 are left out."""
        raise NotImplementedError

    def erase(self, email: str) -> list[Holding]:
        """Erase or anonymise what is held about ``email`` (in the caller's transaction); return what was done."""
        raise NotImplementedError

    def object_refs(self, email: str) -> dict[str, list]:
        """Return the primary keys of the rows held about ``email`` by model label (for the admin's log)."""
        return {}


_providers: dict[str, PersonalDataProvider] = {}
_not_personal: dict[str, str] = {}


def register(provider: PersonalDataProvider) -> PersonalDataProvider:
    """Register (or replace, on a second ``ready()``) the provider of an app."""
    if not provider.name:
        raise ValueError("A personal-data provider needs a name.")
    _providers[provider.name] = provider
    return provider


def not_personal(reasons: dict[str, str]) -> None:
    """Declare models whose name or email fields hold no person's data, each with the reason."""
    for label, reason in reasons.items():
        if not reason:
            raise ValueError(f"{label}: say why it holds no personal data.")
        _not_personal[label] = reason


def providers() -> list[PersonalDataProvider]:
    """Return the registered providers: those that must erase first, then in registration order."""
    return sorted(_providers.values(), key=lambda provider: not provider.erase_first)


def provider_get(name: str) -> PersonalDataProvider | None:
    """Return the provider registered under ``name``, or None."""
    return _providers.get(name)


def covered_models() -> dict[str, str]:
    """Return every model label a provider covers, with the provider's name."""
    return {label: provider.name for provider in _providers.values() for label in provider.covers}


def not_personal_models() -> dict[str, str]:
    """Return the models declared free of personal data, with the reason."""
    return dict(_not_personal)
