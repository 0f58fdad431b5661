"""System checks of the portal's own settings."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from . import crypto


@checks.register(checks.Tags.security)
def field_encryption_keys_valid(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every entry of FIELD_ENCRYPTION_KEYS must be a Fernet key (checked on every start, not only at first use)."""
    try:
        crypto.keys_configured()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="core.E002")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def field_encryption_keys_set(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Production sets its own encryption keys rather than deriving them from SECRET_KEY."""
    try:
        configured = crypto.keys_configured()
    except ImproperlyConfigured:
        return []  # core.E002 says what is wrong
    if configured:
        return []
    # An error, not a warning: without own keys the bank data is only as secret as SECRET_KEY, which every
    # process holds and which is rotated after a leak; rotating it without SECRET_KEY_FALLBACKS would leave
    # every stored IBAN unreadable. A plain `check --deploy` (fail level ERROR) must fail too.
    return [
        checks.Error(
            "FIELD_ENCRYPTION_KEYS is not set: bank data is encrypted with a key derived from SECRET_KEY.",
            hint='Set FIELD_ENCRYPTION_KEYS to a key made with python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())" and keep it apart from SECRET_KEY (docs/security.md).',
            id="core.E001",
        )
    ]
