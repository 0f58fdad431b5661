"""Model fields stored encrypted at rest: Fernet tokens (AES-128-CBC + HMAC-SHA256) in a text column.

Keys come from ``FIELD_ENCRYPTION_KEYS`` (comma-separated Fernet keys): the first encrypts, every key
decrypts (MultiFernet), so a key is rotated by putting the new one first, running
``manage.py rotate_field_keys`` and then dropping the old one (docs/security.md). Without the variable a key
derived from ``SECRET_KEY`` (HKDF) is used, so a local setup needs nothing; the deploy check ``core.E001``
says production must set its own keys. Keys derived from ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` are
always tried last, so values written before the variable was set stay readable until they are rotated.

The database sees only tokens, so it cannot compare, search or sort these fields: every lookup but
``isnull`` raises a ``FieldError`` that says so, rather than silently matching nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models, transaction
from django.db.models.functions import Cast

_HKDF_INFO = b"swsdigital.core.crypto: field encryption key"
_KEY_SETTINGS = {"FIELD_ENCRYPTION_KEYS", "SECRET_KEY", "SECRET_KEY_FALLBACKS"}


class FieldDecryptionError(Exception):
    """A stored value that none of the configured keys decrypts (a key is missing, or the value was altered)."""


def key_from_secret(secret: str) -> bytes:
    """Return the Fernet key derived from a ``SECRET_KEY`` (the local default when no keys are configured)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


def _configured_keys() -> list[Fernet]:
    raw = getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or []
    if isinstance(raw, str):
        raw = raw.split(",")
    keys = []
    for position, key in enumerate((k.strip() for k in raw if k.strip()), start=1):
        try:
            keys.append(Fernet(key))
        except (ValueError, TypeError):
            # Never the key itself in the message: it may end up in a log.
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe base64-encoded bytes). "
                'Generate one with: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            ) from None
    return keys


@cache
def _keyring() -> tuple[Fernet, MultiFernet]:
    """Return (the key that encrypts, all keys that decrypt, in order)."""
    derived = [
        Fernet(key_from_secret(s)) for s in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    ]
    configured = _configured_keys()
    keys = [*configured, *derived]
    return keys[0], MultiFernet(keys)


def _keys_changed(*, setting, **_kwargs) -> None:
    if setting in _KEY_SETTINGS:
        _keyring.cache_clear()


setting_changed.connect(_keys_changed, dispatch_uid="swsdigital.core.crypto.keys_changed")


def keys_configured() -> bool:
    """Return whether FIELD_ENCRYPTION_KEYS names at least one key (rather than the SECRET_KEY default)."""
    return bool(_configured_keys())


def encrypt(value: str) -> str:
    """Return the token of ``value`` under the primary key."""
    primary, _all = _keyring()
    return primary.encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """Return the value of a token under any configured key; raise FieldDecryptionError if none fits."""
    _primary, everything = _keyring()
    try:
        return everything.decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise FieldDecryptionError(
            "An encrypted value cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS (nor with the key "
            "derived from SECRET_KEY): a key that encrypted it is missing, or the stored value was changed."
        ) from None


def is_current(token: str) -> bool:
    """Return whether a token is encrypted under the primary key (and needs no rotation)."""
    primary, _all = _keyring()
    try:
        primary.decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


class EncryptedFieldMixin:
    """Encrypt on the way to the database, decrypt on load; empty stays empty, lookups are refused."""

    encrypted = True

    def get_internal_type(self) -> str:
        return "TextField"  # a token is ~100 characters for a 34-character IBAN; max_length applies to the value

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return decrypt(value)
        except FieldDecryptionError as exc:
            raise FieldDecryptionError(f"{self.model._meta.label}.{self.name}: {exc}") from None

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(self._not_searchable(f"the lookup '{lookup_name}'"))

    def get_transform(self, lookup_name):
        raise FieldError(self._not_searchable(f"the transform '{lookup_name}'"))

    def _not_searchable(self, what: str) -> str:
        label = f"{self.model._meta.label}.{self.name}" if hasattr(self, "model") else self.name
        return (
            f"{label} is stored encrypted, so the database cannot use {what} on it: "
            "filter, search and sort on other fields, and compare decrypted values in Python."
        )


class EncryptedCharField(EncryptedFieldMixin, models.CharField):
    """A CharField whose value is stored as a Fernet token; ``max_length`` limits the value, not the column."""


def encrypted_fields() -> Iterator[tuple[type[models.Model], models.Field]]:
    """Yield (model, field) for every encrypted field of every installed model that owns its table."""
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for model_field in model._meta.local_concrete_fields:
            if isinstance(model_field, EncryptedFieldMixin):
                yield model, model_field


@dataclass
class RotationCount:
    """What ``field_keys_rotate`` found in one encrypted field."""

    label: str
    values: int = 0
    rotated: int = 0
    unreadable: list = field(default_factory=list)  # primary keys of rows no key decrypts


def field_keys_rotate(*, batch_size: int = 500, dry_run: bool = False) -> list[RotationCount]:
    """Re-encrypt under the primary key every encrypted value that another key encrypted; return the counts.

    Idempotent: a value already under the primary key is left as it is. Each batch of rows is read and
    written in one transaction with the rows locked, so an edit made meanwhile is never overwritten.
    """
    by_model: dict[type[models.Model], list[models.Field]] = {}
    for model, enc_field in encrypted_fields():
        by_model.setdefault(model, []).append(enc_field)
    counts = []
    for model, fields in by_model.items():
        field_counts = {f.attname: RotationCount(label=f"{model._meta.label}.{f.name}") for f in fields}
        counts.extend(field_counts.values())
        # The stored token, read past the field's decryption: a cast to plain text has no converter.
        raw = {f"rawtoken_{f.attname}": Cast(f.attname, models.TextField()) for f in fields}
        last_pk = None
        while True:
            with transaction.atomic():
                rows = model._base_manager.order_by("pk")
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                rows = list(rows.select_for_update().annotate(**raw).values_list("pk", *raw)[:batch_size])
                for pk, *tokens in rows:
                    changes = {}
                    for enc_field, token in zip(fields, tokens, strict=True):
                        if not token:
                            continue
                        count = field_counts[enc_field.attname]
                        count.values += 1
                        if is_current(token):
                            continue
                        try:
                            changes[enc_field.attname] = decrypt(token)
                        except FieldDecryptionError:
                            count.unreadable.append(pk)
                            continue
                        count.rotated += 1
                    if changes and not dry_run:
                        model._base_manager.filter(pk=pk).update(**changes)  # the field encrypts afresh
            if len(rows) < batch_size:
                break
            last_pk = rows[-1][0]
    return counts


def _raw_tokens(model, names: tuple[str, ...]):
    raw = {f"rawtoken_{name}": Cast(name, models.TextField()) for name in names}
    return model._base_manager.order_by("pk").annotate(**raw).values_list("pk", *raw).iterator(chunk_size=500)


def stored_values_encrypt(model, *names: str) -> None:
    """Encrypt the plain values a column held before it became an encrypted field (for data migrations).

    ``model`` is the migration's historical model, whose fields are already encrypted ones. Values that are
    tokens already are left alone, so the migration may run twice.
    """
    for pk, *values in _raw_tokens(model, names):
        changes = {}
        for name, value in zip(names, values, strict=True):
            if not value:
                continue
            try:
                decrypt(value)
            except FieldDecryptionError:
                if value.startswith("gAAAAA"):  # a Fernet token under a key that is missing: never wrap it again
                    raise FieldDecryptionError(
                        f"{model._meta.label}.{name} row {pk}: a token no key decrypts"
                    ) from None
                changes[name] = value  # plain text: the field encrypts it on the way in
        if changes:
            model._base_manager.filter(pk=pk).update(**changes)


def stored_values_decrypt(model, *names: str) -> None:
    """Write the plain values back into the columns (reversing ``stored_values_encrypt``)."""
    for pk, *tokens in _raw_tokens(model, names):
        changes = {}
        for name, token in zip(names, tokens, strict=True):
            if token:
                try:
                    plain = decrypt(token)
                except FieldDecryptionError:
                    raise FieldDecryptionError(f"{model._meta.label}.{name} row {pk}: no key decrypts it") from None
                # A plain-text expression bypasses the field's encryption.
                changes[name] = models.Value(plain, output_field=models.TextField())
        if changes:
            model._base_manager.filter(pk=pk).update(**changes)
