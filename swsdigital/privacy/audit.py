"""The audit trail (django-auditlog): who created, changed, deleted, exported or looked at personal data, when.

Each app registers its models with personal data from its ``AppConfig.ready()`` through ``audit_register``;
this module imports no domain app. What is stored, and what never is:

- Changes are recorded when staff make them (a request by a staff account; ``AuditMiddleware``). Public
  sign-ups, Celery tasks and commands write no entries, so bulk paths (newsletter sending, retention) stay
  as fast as they were.
- An entry names the object (its description, as the admin shows it) and the fields that changed. The values
  of personal fields are never stored: each becomes a short keyed fingerprint (``fingerprint``), which shows
  that a value changed, and whether it changed back, without revealing it. Fields that are plainly not
  personal (dates, flags, numbers, ids, a status) keep their values.
- Secret fields (bank data, every encrypted field) never appear at all, neither value nor fingerprint;
  the admin records "bank data changed" and "bank data viewed" entries instead.
- Exports, views of unmasked bank data and erasures get entries of their own (``audit_record``) that say who,
  what kind and how many, never whose.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import pre_log
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import override

from swsdigital.core.sqlite.base import reading_request

Action = LogEntry.Action  # CREATE, UPDATE, DELETE, ACCESS

# What staff see in the admin's "event" filter; the keys are stored in ``additional_data["event"]``.
EXPORT = "export"
BANK_DATA_VIEWED = "bank_data_viewed"
BANK_DATA_CHANGED = "bank_data_changed"
ERASURE = "erasure"
BOOKING = "booking"  # money booked on an invoice, or a booking set aside (the fees app)

FINGERPRINT_SALT = "swsdigital.privacy.audit.fingerprint"
# How auditlog writes an empty value (str of None, an empty string, JSON null or an empty list/object).
EMPTY_VALUES = frozenset({"", "None", "null", "[]", "{}", '""'})
# Field types whose values say nothing about a person; every other field is fingerprinted unless declared plain.
PLAIN_TYPES = (
    models.BooleanField,
    models.DateField,  # and DateTimeField
    models.TimeField,
    models.DurationField,
    models.IntegerField,  # and the auto, small, big and positive ones
    models.DecimalField,
    models.FloatField,
)


@dataclass(frozen=True)
class RequestContext:
    """Who is acting in the current request, set by ``AuditMiddleware``."""

    actor: object | None
    remote_addr: str | None
    record_changes: bool  # staff: their creates, changes and deletes are recorded


request_context: ContextVar[RequestContext | None] = ContextVar("swsdigital_audit_request", default=None)
FROM_REQUEST = object()  # audit_record's default actor: the one of the current request, if any


# --- Values ----------------------------------------------------------------------------------------


def _digest(value: str, secret: str | None = None) -> str:
    normalised = value.strip().casefold()  # an address is the same address in any case
    return salted_hmac(FINGERPRINT_SALT, normalised, secret=secret, algorithm="sha256").hexdigest()[:10]


def fingerprint(value: str) -> str:
    """Return what the trail stores instead of a personal value: empty stays empty, anything else "•" + a keyed hash."""
    if value in EMPTY_VALUES:
        return value
    return f"•{_digest(value)}"


def fingerprint_digests(value: str) -> list[str]:
    """Return the hex part of the fingerprints ``value`` has under the current and the previous secret keys."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_digest(value, secret) for secret in secrets]


# --- Registration ----------------------------------------------------------------------------------


def _is_plain(field: models.Field) -> bool:
    if field.primary_key or field.many_to_one or field.one_to_one:
        return True  # ids, not the person
    return isinstance(field, PLAIN_TYPES)


def audit_register(
    model: type[models.Model],
    *,
    plain: Iterable[str] = (),
    secret: Iterable[str] = (),
    ignore: Iterable[str] = (),
    only: Iterable[str] = (),
) -> None:
    """Record staff creates, changes and deletes of ``model`` in the audit trail.

    ``plain``: fields whose values are recorded as they are (beyond dates, flags, numbers and ids);
    ``secret``: fields that never appear, like every encrypted field; ``ignore``: fields whose changes are
    noise (the last login); ``only``: record just these fields (a model that is mostly not personal).
    """
    plain, secret, ignore, only = set(plain), set(secret), set(ignore), set(only)
    fields = {f.name: f for f in model._meta.concrete_fields}
    unknown = (plain | secret | ignore | only) - fields.keys()
    if unknown:
        raise ValueError(f"{model._meta.label} has no fields {', '.join(sorted(unknown))}.")
    secret |= {name for name, f in fields.items() if getattr(f, "encrypted", False)}
    excluded = secret | ignore
    masked = [name for name, f in fields.items() if name not in plain | excluded and not _is_plain(f)]
    auditlog.unregister(model)  # a second ready() (tests) registers again
    auditlog.register(
        model,
        include_fields=sorted(only - excluded),
        exclude_fields=sorted(excluded),
        mask_fields=masked,
        mask_callable="swsdigital.privacy.audit.fingerprint",
    )


def audit_registered() -> list[type[models.Model]]:
    """Return the models whose staff changes are recorded."""
    return auditlog.get_models()


def _changes_by_staff_only(sender, instance, action, **kwargs) -> bool:
    """auditlog's pre_log hook: False (no entry) unless a staff request is making the change."""
    context = request_context.get()
    return bool(context and context.record_changes)


def audit_setup() -> None:
    """Connect the rule that only staff requests record changes (from PrivacyConfig.ready())."""
    pre_log.connect(_changes_by_staff_only, dispatch_uid="swsdigital.privacy.audit.staff_only")


# --- Entries of our own: exports, bank data views, erasures -----------------------------------------


def audit_record(
    *,
    target,
    action: int,
    event: str,
    description: str = "",
    actor=FROM_REQUEST,
    **details,
) -> LogEntry:
    """Write one entry about ``target`` (an object, or a model for a list); ``details`` never hold personal data."""
    context = request_context.get()
    if actor is FROM_REQUEST:
        actor = context.actor if context else None
    from_request = context is not None and actor is not None and actor == context.actor
    is_object = isinstance(target, models.Model)
    pk = target.pk if is_object else None
    if not description:
        with override(settings.LANGUAGE_CODE):  # stored once, like Django's own log messages
            description = str(target) if is_object else str(target._meta.verbose_name_plural)
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(target),
        object_pk="" if pk is None else str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=description[:1000],
        action=action,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        remote_addr=context.remote_addr if from_request else None,
        additional_data={"event": event, **details},
    )
    if reading_request.get() and transaction.get_connection().in_atomic_block:
        # A page view (a bank data view, "Meine Daten") reads in a deferred transaction on SQLite, where a write
        # could fail behind a concurrent writer: the entry is written once that transaction has ended.
        transaction.on_commit(entry.save)
    else:
        entry.save()
    return entry


def audit_record_many(*, targets: list, action: int, event: str, details=lambda target: {}) -> int:
    """Write one entry per object in one statement (a statement's bookings); return how many."""
    context = request_context.get()
    actor = context.actor if context else None
    entries = []
    for target in targets:
        with override(settings.LANGUAGE_CODE):
            description = str(target)
        entries.append(
            LogEntry(
                content_type=ContentType.objects.get_for_model(target),
                object_pk=str(target.pk),
                object_id=target.pk if isinstance(target.pk, int) else None,
                object_repr=description[:1000],
                action=action,
                actor=actor,
                actor_email=getattr(actor, "email", None),
                remote_addr=context.remote_addr if context and actor is not None else None,
                additional_data={"event": event, **details(target)},
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def audit_export(
    *, target, kind: str, rows: int, format: str = "csv", description: str = "", actor=FROM_REQUEST, **details
) -> LogEntry:
    """Record that ``rows`` records of ``kind`` were exported (CSV or JSON) by the acting user."""
    return audit_record(
        target=target,
        action=LogEntry.Action.ACCESS,
        event=EXPORT,
        description=description,
        actor=actor,
        kind=kind,
        format=format,
        rows=rows,
        **details,
    )


def records_count(data) -> int:
    """Return how many records a JSON export holds: the objects in it that hold no further objects."""
    if isinstance(data, list):
        return sum(records_count(item) for item in data)
    if isinstance(data, dict) and data:
        return sum(records_count(value) for value in data.values() if isinstance(value, list | dict)) or 1
    return 0


def audit_entries_purge(*, before: datetime) -> int:
    """Delete the audit entries written before ``before`` (retention); return how many."""
    deleted, _per_model = LogEntry.objects.filter(timestamp__lt=before).delete()
    return deleted
