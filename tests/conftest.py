"""Shared fixtures: isolation, form protection data, and the real worker + SMTP sink.

Markers skip with a reason when their server or browser is absent:
``postgres`` (DATABASE_URL=postgres://...), ``redis`` (REDIS_URL reachable),
``browser`` (chromium + playwright). App-specific fixtures live in tests/<app>/conftest.py.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import socket
import tempfile
import time
import traceback
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core import signing
from django.core.cache import cache

from tests.harness import LOCKED, CeleryWorker, SmtpSink, database_url

CHROMIUM = Path("/usr/bin/chromium")


def _redis_reachable(url: str) -> bool:
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    skips = {
        "postgres": None if settings.IS_POSTGRES else "needs PostgreSQL: set DATABASE_URL=postgres://…",
        "redis": None if _redis_reachable(settings.REDIS_URL) else "needs Redis: set REDIS_URL to a reachable server",
        "browser": None
        if CHROMIUM.exists() and importlib.util.find_spec("playwright")
        else "needs Debian's chromium (/usr/bin/chromium) and the playwright package",
    }
    for item in items:
        for marker, reason in skips.items():
            if reason and marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Hash test passwords cheaply; the slow production hasher only costs CPU here."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _own_file_cache(tmp_path_factory):
    """Keep the tests' file cache apart from var/cache, which a running `make run` uses."""
    from django.test import override_settings

    default = settings.CACHES["default"]
    if not default["BACKEND"].endswith("FileBasedCache"):
        yield
        return
    location = tmp_path_factory.mktemp("cache")
    with override_settings(CACHES={"default": {**default, "LOCATION": str(location)}}):
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in German: a request leaves its language active in the thread."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Pages are rendered afresh in tests; the page cache's own tests and the browser journeys switch it on."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def page_cache(settings):
    """Switch the anonymous visitors' page cache on, as it runs in every mode outside the tests."""
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Every test starts with an empty cache (rate limits, cached profile)."""
    _cache_clear()
    yield
    _cache_clear()


def _cache_clear() -> None:
    # With Redis, the cache may share its database with the Celery broker of the integration
    # tests; clear() would flush queued tasks too, so delete only the cache's own keys.
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*" if cache.key_prefix else "*:*:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


def give_second_factor(user) -> str:
    """Set up TOTP for a user (staff need it for the admin); return the secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """Return the current TOTP code for a secret, as an authenticator app shows it."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def admin_user(db, django_user_model):
    """A superuser with a verified address and TOTP set up, as staff must have to reach the admin."""
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_superuser(email="admin@example.com", password="password")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    give_second_factor(user)
    return user


@pytest.fixture
def staff_login(db, django_user_model):
    """Return a factory of logged-in staff clients holding just the given permissions ("app.codename")."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Permission
    from django.test import Client

    counter = iter(range(1, 1000))

    def login(*perms: str, roles: tuple[str, ...] = (), second_factor: bool = True, superuser: bool = False) -> Client:
        email = f"staff{next(counter)}@example.org"
        if superuser:
            user = django_user_model.objects.create_superuser(email=email, password="x" * 12)
        else:
            user = django_user_model.objects.create_user(email=email, password="x" * 12, is_staff=True)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if roles:
            from django.contrib.auth.models import Group

            from swsdigital.core.roles import roles_sync

            roles_sync()  # normally done by migrate; a transactional test's flush may have removed the groups
            user.groups.set(Group.objects.filter(name__in=roles))
            assert user.groups.count() == len(roles), roles
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        if second_factor:
            give_second_factor(user)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return login


def protected(data: dict) -> dict:
    """Add the honeypot and a form-start token old enough to pass the minimum fill time."""
    started = signing.dumps(time.time() - 60, salt="swsdigital.core.forms.started")
    return {"homepage": "", "form_started": started, **data}


@pytest.fixture
def form_protection_data() -> dict:
    """POST fields that pass the honeypot and minimum-fill-time checks."""
    started = signing.dumps(time.time() - 60, salt="swsdigital.core.forms.started")
    return {"homepage": "", "form_started": started}


# --- Real worker and SMTP sink ----------------------------------------------


@pytest.fixture(scope="session")
def celery_queue():
    """Route this test session's tasks to a queue (and broker folder) of its own."""
    from swsdigital.celery import app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    app.conf.task_default_queue = queue
    env = {"CELERY_QUEUE": queue, "CELERY_BROKER_URL": app.conf.broker_url}
    broker_dir = None
    if app.conf.broker_url.startswith("filesystem://"):
        broker_dir = Path(tempfile.mkdtemp(prefix="sws-broker-"))
        for sub in ("queue", "processed"):
            (broker_dir / sub).mkdir()
        app.conf.broker_transport_options = {
            **app.conf.broker_transport_options,
            "data_folder_in": str(broker_dir / "queue"),
            "data_folder_out": str(broker_dir / "queue"),
            "processed_folder": str(broker_dir / "processed"),
        }
        env["CELERY_BROKER_DIR"] = str(broker_dir)
    # Connections opened before this point still point at the old broker folder: drop them.
    app._pool = None
    app.amqp._producer_pool = None
    yield env
    if broker_dir:
        shutil.rmtree(broker_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def smtp_server():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_sink(smtp_server):
    """The session's SMTP sink, emptied and accepting, for one test."""
    smtp_server.reset()
    yield smtp_server
    smtp_server.reset()


@pytest.fixture(scope="session")
def _worker_process(django_db_setup, django_db_blocker, smtp_server, celery_queue):
    from django.db import connection

    env = {
        **celery_queue,
        "DATABASE_URL": database_url(connection.settings_dict),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "MAIL_RETRY_DELAYS": "1,1,2,2",
        "TEST_DATABASE_NAME": "",
    }
    worker = CeleryWorker(env=env).start()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(_worker_process, transactional_db, smtp_sink):
    """A running Celery worker process on the test database; restarted if a test killed it.

    The test fails if the worker logged "database is locked" meanwhile (SQLite must queue writers, not refuse).
    """
    if _worker_process.proc.poll() is not None:
        _worker_process.start()
    offset = _worker_process.log_path.stat().st_size
    yield _worker_process
    with _worker_process.log_path.open("rb") as log:
        log.seek(offset)
        text = log.read().decode(errors="replace")
    if LOCKED in text:
        pytest.fail(f"The Celery worker logged {LOCKED!r}:\n{text[text.index(LOCKED) - 1500 :][:3000]}")


class _LockedDatabaseLog(logging.Handler):
    """Remember every log record (with its traceback) that reports a locked SQLite database."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "".join(traceback.format_exception(*record.exc_info))
        if LOCKED in text:
            self.seen.append(text[-3000:])


@pytest.fixture(autouse=True)
def _no_locked_database():
    """Fail any test during which "database is locked" was logged (a 500 of the live server included)."""
    handler = _LockedDatabaseLog()
    root = logging.getLogger()
    root.addHandler(handler)
    yield
    root.removeHandler(handler)
    if handler.seen:
        pytest.fail(f"{LOCKED!r} was logged {len(handler.seen)} time(s):\n{handler.seen[0]}")


# --- Real IMAP server (the bounce mailbox) ----------------------------------


@pytest.fixture(scope="session")
def imap_server():
    """Debian's dovecot on a free port with its own config and maildir (skipped when it is not installed)."""
    from tests.mail.imap_server import DOVECOT, DovecotServer

    if not Path(DOVECOT).exists():
        pytest.skip(f"dovecot is not installed ({DOVECOT}; apt-get install dovecot-imapd)")
    server = DovecotServer().start()
    yield server
    server.stop()


@pytest.fixture
def imap_mailbox(imap_server, settings):
    """The dovecot mailbox, emptied, as BOUNCE_MAILBOX_URL for one test."""
    imap_server.clear()
    settings.BOUNCE_MAILBOX_URL = imap_server.url()
    yield imap_server
    imap_server.clear()
