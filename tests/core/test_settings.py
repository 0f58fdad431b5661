"""Settings from the environment: production mode refuses weak configuration and passes Django's deploy checks."""

import base64
import os
import re
import secrets
import subprocess
import sys

import pytest

from tests.harness import ROOT

# Variables that would leak the test run's configuration into the subprocess.
_CONFIG_VARS = (
    "DEBUG",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DATABASE_URL",
    "TEST_DATABASE_NAME",
    "REDIS_URL",
    "EMAIL_URL",
    "CELERY_BROKER_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set while the browser tests run; never in production
)


def _run(args: list[str], tmp_path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _CONFIG_VARS}
    clean.update({"DJANGO_SETTINGS_MODULE": "swsdigital.settings", "VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def _setup(tmp_path, **env: str) -> subprocess.CompletedProcess:
    return _run(["-c", "import django; django.setup(); print('started')"], tmp_path, **env)


def _production_env() -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "portal.sws-digital.example",
        "SITE_URL": "https://portal.sws-digital.example",
        "DATABASE_URL": "postgres://sws:secret@db:5432/sws",
        "REDIS_URL": "redis://redis:6379/0",
        "EMAIL_URL": "smtp://mail:1025",
        "DEFAULT_FROM_EMAIL": "SWS Digital <info@sws-digital.example>",
    }


def test_local_defaults_start_without_any_configuration(tmp_path):
    result = _setup(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-only-insecure-key-change-me"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-but-random-Zx81"}, "SECRET_KEY"),
        ({"SECRET_KEY": "ab" * 40}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    ],
    ids=["no-key", "dev-key", "short-key", "repetitive-key", "no-hosts", "empty-hosts"],
)
def test_production_mode_refuses_to_start_with_weak_settings(tmp_path, changes, message):
    env = _production_env()
    for key, value in changes.items():
        if value is None:
            env.pop(key)
        else:
            env[key] = value
    result = _setup(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_debug_mode_accepts_the_development_key(tmp_path):
    result = _setup(tmp_path, DEBUG="true", SECRET_KEY="dev-only-insecure-key-change-me")
    assert result.returncode == 0, result.stderr


def test_good_production_environment_passes_the_deploy_checks(tmp_path):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_checks_fail_without_field_encryption_keys(tmp_path):
    """Without keys of its own production would encrypt bank data with a key derived from SECRET_KEY."""
    env = _production_env()
    env.pop("FIELD_ENCRYPTION_KEYS")
    result = _run(["manage.py", "check", "--deploy"], tmp_path, **env)  # fails at the default level ERROR
    assert result.returncode != 0
    assert "core.E001" in result.stderr and "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_a_malformed_field_encryption_key_stops_every_command(tmp_path):
    env = {**_production_env(), "FIELD_ENCRYPTION_KEYS": "not-a-key"}
    result = _run(["manage.py", "check"], tmp_path, **env)
    assert result.returncode != 0
    assert "core.E002" in result.stderr and "not-a-key" not in result.stderr


def test_production_settings_are_secure_and_use_the_servers(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS > 0, s.SECURE_PROXY_SSL_HEADER[0], s.DATABASES['default']['ENGINE'], "
        "s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, "
        "s.STORAGES['staticfiles']['BACKEND'], s.CSRF_TRUSTED_ORIGINS, s.ACCOUNT_DEFAULT_HTTP_PROTOCOL)"
    )
    result = _run(["-c", code], tmp_path, **_production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "HTTP_X_FORWARDED_PROTO",
        "django.db.backends.postgresql",
        "swsdigital.core.cache.ResilientRedisCache",
        "redis://redis:6379/0",
        "swsdigital.mail.backends.SmtpEmailBackend",
        "mail",
        "1025",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "['https://portal.sws-digital.example']",
        "https",
    ]


def test_ssl_redirect_can_be_left_to_the_proxy(tmp_path):
    code = "import django; django.setup(); from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT)"
    result = _run(["-c", code], tmp_path, **_production_env(), SECURE_SSL_REDIRECT="false")
    assert result.stdout.strip() == "False"


def test_readme_documents_every_variable_the_settings_read():
    settings_source = (ROOT / "swsdigital" / "settings.py").read_text()
    read = set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", settings_source))
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    assert {"DATABASE_URL", "SECRET_KEY", "NEWSLETTER_RATE_PER_MINUTE"} <= read  # the pattern finds them
    assert read - documented == set()


@pytest.mark.django_db
def test_sqlite_is_configured_for_concurrent_writers():
    """Issue 12: WAL, synchronous=NORMAL, a busy timeout and IMMEDIATE transactions, on the test database too."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings; this run uses PostgreSQL")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert connection.settings_dict["OPTIONS"]["timeout"] >= 5
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


@pytest.mark.django_db(transaction=True)
def test_reading_requests_do_not_wait_for_the_write_lock_but_writers_do():
    """Issue 12: a GET's transaction starts DEFERRED and reads while another connection holds the write lock;
    every other transaction still starts IMMEDIATE and queues for it."""
    import sqlite3

    from django.db import OperationalError, connection, transaction

    from swsdigital.core.sqlite.base import reading_request
    from swsdigital.mail.models import OutboxEmail

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's transaction modes; this run uses PostgreSQL")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 300")  # fail fast instead of queueing for 20 s
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # someone else is writing
        token = reading_request.set(True)
        try:
            with transaction.atomic():
                assert OutboxEmail.objects.count() == 0  # a page renders meanwhile
        finally:
            reading_request.reset(token)
        with pytest.raises(OperationalError, match="locked"), transaction.atomic():
            OutboxEmail.objects.count()  # a POST or a task waits for the lock (here: 0.3 s, then gives up)
    finally:
        other.execute("ROLLBACK")
        other.close()
        connection.close()
