"""Settings of the SWS Digital portal: one module, everything from the environment.

Local defaults need no server (SQLite, an embedded Celery broker, mails as files
under ``var/``). With ``DEBUG=false`` the portal refuses to start without a real
``SECRET_KEY`` and ``ALLOWED_HOSTS``. Every variable is documented in README.md.
"""

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# --- Core -------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=True)
_DEV_SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 - refused when DEBUG is off
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

if not DEBUG:
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("DEBUG is off: set SECRET_KEY to a random value of at least 50 characters.")
    if not env.str("ALLOWED_HOSTS", default=""):
        raise ImproperlyConfigured("DEBUG is off: set ALLOWED_HOSTS to the site's host names.")

ROOT_URLCONF = "swsdigital.urls"
WSGI_APPLICATION = "swsdigital.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "modeltranslation",  # English content (issue 16): before the admin, as its docs require
    "swsdigital.core.admin_apps.PortalAdminConfig",  # django.contrib.admin with the grouped navigation
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "auditlog",
    "django_prose_editor",  # only its static files: the Tiptap editor (swsdigital/core/richtext.py)
    # Shared infrastructure
    "swsdigital.core",
    "swsdigital.mail",
    "swsdigital.privacy",
    "swsdigital.pages",
    # Domain apps (dependencies run newsletter -> news -> events -> members)
    "members",
    "events",
    "news",
    "newsletter",
    "fees",  # depends on members only
]

MIDDLEWARE = [
    "swsdigital.core.sqlite.base.ReadingRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # NUL in the address: the portal's 400 page, in the page's language, before any view (issue 19).
    "swsdigital.core.nulguard.NulGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "swsdigital.core.middleware.RateLimitMiddleware",
    "swsdigital.core.middleware.StaffSecondFactorMiddleware",
    # Who acted, for the audit trail; records changes only in staff requests (swsdigital/privacy/audit.py).
    "swsdigital.privacy.middleware.AuditMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "swsdigital.pages.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite for concurrent web use (the embedded default, `make run`, and every test on SQLite):
    # - every request runs in a transaction (ATOMIC_REQUESTS) that reads first and writes later; two such
    #   deferred transactions cannot both upgrade to the write lock, so SQLite refuses one at once with
    #   "database is locked", busy timeout or not. IMMEDIATE takes the write lock at BEGIN: writers queue
    #   (up to `timeout` seconds) instead of failing, and because they are serialised, the capacity and
    #   number checks that use select_for_update() on PostgreSQL (a no-op here) hold on SQLite too;
    # - write-ahead logging lets readers outside a transaction go on while one writes; synchronous=NORMAL
    #   is safe with WAL (a power cut may lose the last commits, never corrupt the file) and much faster.
    # - reading requests (GET, HEAD, OPTIONS) start DEFERRED instead, so pages render side by side:
    #   swsdigital/core/sqlite/ is Django's backend with that one change (see its docstring).
    DATABASES["default"]["ENGINE"] = "swsdigital.core.sqlite"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
    # A file, not memory, so that a worker process in the integration tests sees it; the same options apply.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

# --- Cache ------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # While Redis is unreachable the cache answers like an empty one (a warning is logged) instead of
    # failing requests; short socket timeouts keep a hung Redis from hanging the pages.
    CACHES = {
        "default": {
            "BACKEND": "swsdigital.core.cache.ResilientRedisCache",
            "LOCATION": env.str("CACHE_REDIS_URL", default=REDIS_URL),
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="sws"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # A file cache is shared by every local process, so rate limits hold.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Seconds an anonymous visitor's page is reused at most; any published change starts afresh (0: off).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "pages:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
# The public account forms get the portal's honeypot and minimum fill time, like every other public form.
ACCOUNT_FORMS = {
    "login": "members.forms.ProtectedLoginForm",
    "signup": "members.forms.ProtectedSignupForm",
    "reset_password": "members.forms.ProtectedResetPasswordForm",
}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SWS Digital"
# Accept the code of the 30-second step before or after as well (RFC 6238 §5.2): a code typed as the step
# turns, or a phone clock a few seconds off, is not refused; allauth still refuses a code used twice.
MFA_TOTP_TOLERANCE = 1
# Staff must set up a second factor before they reach the admin.
ADMIN_REQUIRE_MFA = env.bool("ADMIN_REQUIRE_MFA", default=True)

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# Translatable content (django-modeltranslation, docs/decisions.md): German is written first and shown where
# an English text is missing.
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)
# locale_vendor/ holds German for third-party strings: allauth in the Sie-Form, what Django left untranslated
# (its admin widgets, "- Select an option -"); makemessages writes only to locale/.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Berlin"
FORMAT_MODULE_PATH = ["swsdigital.formats"]

# --- Static and uploaded files ----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

# --- Email ------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SWS Digital <info@sws-digital.example>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
    if vars().get("EMAIL_BACKEND") == "django.core.mail.backends.smtp.EmailBackend":
        # The same SMTP conversation, but MAIL FROM is each message's return path (VERP) and messages are
        # DKIM-signed (swsdigital/mail/backends.py).
        EMAIL_BACKEND = "swsdigital.mail.backends.SmtpEmailBackend"
else:
    EMAIL_BACKEND = "swsdigital.mail.backends.EmlFileBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Where bounces go: each message's envelope sender is BOUNCE_ADDRESS with a signed token (VERP),
# e.g. bounces+o42.1f0c9a7be2d4@sws-digital.example. Empty: bounces@<domain of DEFAULT_FROM_EMAIL>.
BOUNCE_ADDRESS = env.str("BOUNCE_ADDRESS", default="")
# DKIM: with all three set, every message is signed (d=DKIM_DOMAIN, s=DKIM_SELECTOR, rsa-sha256,
# relaxed/relaxed). The key as a file (`manage.py dkim_keygen` writes one) or as PEM text in DKIM_PRIVATE_KEY
# (line breaks may be written as \n). None set: no signature. Half set or an unreadable key: check error mail.E001.
DKIM_DOMAIN = env.str("DKIM_DOMAIN", default="")
DKIM_SELECTOR = env.str("DKIM_SELECTOR", default="")
DKIM_PRIVATE_KEY_FILE = env.str("DKIM_PRIVATE_KEY_FILE", default="")
DKIM_PRIVATE_KEY = env.str("DKIM_PRIVATE_KEY", default="")
# The mailbox those bounces (and feedback-loop complaints) arrive in, read by a beat task:
# imaps://user:pass@host:993/INBOX, imap://..., pop3s://..., pop3://... (user and password percent-encoded).
# Empty: nothing is read.
BOUNCE_MAILBOX_URL = env.str("BOUNCE_MAILBOX_URL", default="")
# Seconds between two reads of the bounce mailbox (an unreachable mailbox is simply tried again then).
BOUNCE_MAILBOX_SECONDS = env.float("BOUNCE_MAILBOX_SECONDS", default=300.0)
# IMAP folder processed messages are moved to (created if missing), and the one for messages that are
# neither bounce, complaint nor auto-reply (kept for a person to read; empty: they stay in the inbox).
BOUNCE_MAILBOX_DONE_FOLDER = env.str("BOUNCE_MAILBOX_DONE_FOLDER", default="Processed")
BOUNCE_MAILBOX_UNPARSED_FOLDER = env.str("BOUNCE_MAILBOX_UNPARSED_FOLDER", default="Unparsed")
# A server without MOVE and COPY to the folder: delete processed messages instead (else they stay).
BOUNCE_MAILBOX_DELETE = env.bool("BOUNCE_MAILBOX_DELETE", default=False)
# Messages read per batch, and the connect/read timeout in seconds.
BOUNCE_MAILBOX_BATCH = env.int("BOUNCE_MAILBOX_BATCH", default=200)
BOUNCE_MAILBOX_TIMEOUT = env.int("BOUNCE_MAILBOX_TIMEOUT", default=30)
# Soft bounces (4.x.x, mailbox full) count: this many within this many days mark the address bounced.
BOUNCE_SOFT_LIMIT = env.int("BOUNCE_SOFT_LIMIT", default=3)
BOUNCE_SOFT_WINDOW_DAYS = env.int("BOUNCE_SOFT_WINDOW_DAYS", default=30)
# Bytes of a mailbox message read and parsed at most (a 20 MB attachment is not needed to read a bounce),
# and bytes of it kept in the record for staff (the rest is cut with a note).
BOUNCE_PARSE_MAX_BYTES = env.int("BOUNCE_PARSE_MAX_BYTES", default=1024 * 1024)
BOUNCE_RAW_STORE_BYTES = env.int("BOUNCE_RAW_STORE_BYTES", default=256 * 1024)
STAFF_NOTIFICATION_EMAIL = env.str("STAFF_NOTIFICATION_EMAIL", default="office@sws-digital.example")
# Retry schedule of the outbox (seconds after the first, second, ... failure).
MAIL_RETRY_DELAYS = [
    int(x) for x in env.list("MAIL_RETRY_DELAYS", default=["30", "120", "600", "1800", "3600", "10800"])
]

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / env.str("CELERY_BROKER_DIR", default="broker")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast tables (worker control) under var/ too, not in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
    for _d in ("queue", "processed", "control"):
        (_broker_dir / _d).mkdir(parents=True, exist_ok=True)
    # kombu's filesystem transport with one fix: a message file appears only once it is written.
    CELERY_BROKER_TRANSPORT = "swsdigital.core.broker:FilesystemTransport"
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 5}
    if CELERY_BROKER_URL.startswith("redis://"):
        # kombu's Redis transport with one fix: a worker survives losing the broker mid-task.
        CELERY_BROKER_TRANSPORT = "swsdigital.core.broker:Transport"
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Publishing happens after commit in a web request: fail fast, the sweeper re-queues.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often the outbox sweeper re-hands emails a broker outage left behind: after the broker returns,
# the backlog leaves within about this time plus the worker's reconnect.
CELERY_BEAT_SCHEDULE = {
    "mail-sweep-outbox": {
        "task": "swsdigital.mail.tasks.outbox_sweep_task",
        "schedule": env.float("MAIL_SWEEP_SECONDS", default=10.0),
    },
    "mail-bounce-mailbox": {
        "task": "swsdigital.mail.tasks.bounce_mailbox_read_task",
        "schedule": BOUNCE_MAILBOX_SECONDS,
    },
}

# --- Security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 3600)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The visitor's address (rate limits, consent records) is read from X-Forwarded-For only through these
# proxies: either how many hops of our own stand in front of gunicorn (1 for one TLS proxy), or their
# networks (e.g. 172.16.0.0/12). Neither set: REMOTE_ADDR, and X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXY_NETWORKS = env.list("TRUSTED_PROXY_NETWORKS", default=[])
for _net in TRUSTED_PROXY_NETWORKS:
    try:
        ipaddress.ip_network(_net.strip(), strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXY_NETWORKS: {exc}") from exc
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Idle timeout: a session lives SESSION_COOKIE_AGE after the last request; absolute: at most this long.
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=30 * 24 * 3600)
# Staff sessions reach personal and bank data: two hours idle, a working day at most.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=2 * 3600)
STAFF_SESSION_ABSOLUTE_SECONDS = env.int("STAFF_SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "swsdigital.core.middleware.SessionAbsoluteTimeoutMiddleware",
)
# Inside sessions, language, CSRF and authentication (a hit still gets its own CSRF cookie), outside the rest.
MIDDLEWARE.insert(
    MIDDLEWARE.index("swsdigital.core.middleware.SessionAbsoluteTimeoutMiddleware") + 1,
    "swsdigital.core.pagecache.PageCacheMiddleware",
)

# Browser features the portal never uses stay off for every page and anything it might embed.
PERMISSIONS_POLICY = {feature: [] for feature in ("camera", "microphone", "geolocation", "payment", "usb")}
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "swsdigital.core.middleware.PermissionsPolicyMiddleware",
)

# Content Security Policy: no inline script or style anywhere; scripts that must be inline carry a nonce.
CSP_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
try:  # Django >= 6.0 has CSP built in, with per-request nonces.
    from django.utils.csp import CSP

    SECURE_CSP = {**CSP_POLICY, "script-src": [CSP.SELF, CSP.NONCE]}
    MIDDLEWARE.insert(1, "django.middleware.csp.ContentSecurityPolicyMiddleware")
    TEMPLATES[0]["OPTIONS"]["context_processors"].append("django.template.context_processors.csp")
except ImportError:  # Django 5.2 (Python 3.11): the same policy as a static header, without nonces.
    MIDDLEWARE.insert(1, "swsdigital.core.middleware.StaticCSPMiddleware")

# Bank data (IBAN, account holder) is stored encrypted (swsdigital/core/crypto.py): comma-separated Fernet keys,
# the first encrypts, all decrypt (rotation: docs/security.md). Unset, a key derived from SECRET_KEY serves a
# local setup; the deploy check core.E001 requires real keys in production.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
# Error pages and mails hide bank fields and bank-named settings (DEBUG off) and mask IBAN-shaped values.
DEFAULT_EXCEPTION_REPORTER_FILTER = "swsdigital.core.redaction.BankDataExceptionReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "swsdigital.core.redaction.BankDataExceptionReporter"

# --- Forms ------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Seconds a person needs at least to fill in a public form (bots are faster).
FORM_MIN_FILL_SECONDS = env.int("FORM_MIN_FILL_SECONDS", default=3)

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Every handler masks IBAN-shaped strings, whatever logged them (defence in depth).
    "filters": {"bank_data": {"()": "swsdigital.core.redaction.BankDataLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["bank_data"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Members ----------------------------------------------------------------
# Hours an applicant has to confirm the email address of an application.
MEMBERS_CONFIRM_MAX_AGE_HOURS = env.int("MEMBERS_CONFIRM_MAX_AGE_HOURS", default=72)
# Per-IP limit on the application form: POSTs per period (seconds).
MEMBERS_JOIN_RATE_LIMIT = env.int("MEMBERS_JOIN_RATE_LIMIT", default=10)
MEMBERS_JOIN_RATE_PERIOD = env.int("MEMBERS_JOIN_RATE_PERIOD", default=3600)
# Statutes: a resignation takes effect at the end of the calendar year; notice in months before it.
MEMBERS_RESIGNATION_NOTICE_MONTHS = env.int("MEMBERS_RESIGNATION_NOTICE_MONTHS", default=0)
MEMBERS_MANDATE_PREFIX = env.str("MEMBERS_MANDATE_PREFIX", default="SWSD")
CELERY_BEAT_SCHEDULE["members-apply-resignations"] = {
    "task": "members.tasks.members_resignations_apply_task",
    "schedule": 24 * 3600.0,
}

# --- Events -----------------------------------------------------------------
# Hours before the start when confirmed participants get their reminder.
EVENTS_REMINDER_HOURS = env.int("EVENTS_REMINDER_HOURS", default=24)
# Registrations per IP and hour.
EVENTS_REGISTRATION_RATE = env.int("EVENTS_REGISTRATION_RATE", default=20)
# Domain part of the stable calendar UIDs (never change it once feeds are subscribed).
EVENTS_ICAL_DOMAIN = env.str("EVENTS_ICAL_DOMAIN", default="sws-digital.de")
# Seconds a built calendar feed is reused while none of its events changes.
EVENTS_FEED_CACHE_SECONDS = env.int("EVENTS_FEED_CACHE_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE["events-reminders"] = {
    "task": "events.tasks.registration_reminders_send_task",
    "schedule": 15 * 60.0,
}

# --- Newsletter -------------------------------------------------------------
NEWSLETTER_FROM_EMAIL = env.str("NEWSLETTER_FROM_EMAIL", default="")
# Global send rate across all workers (the provider's limit); 0 switches the limit off.
NEWSLETTER_RATE_PER_MINUTE = env.int("NEWSLETTER_RATE_PER_MINUTE", default=6000)
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=100)
# Runner tasks per mailing (they share the work through batch claims).
NEWSLETTER_PARALLEL = env.int("NEWSLETTER_PARALLEL", default=2)
# A claimed batch belongs to its worker this long; then another worker takes it over.
NEWSLETTER_CLAIM_SECONDS = env.int("NEWSLETTER_CLAIM_SECONDS", default=300)
# A runner task hands over to a fresh task after this many seconds.
NEWSLETTER_RUN_SECONDS = env.int("NEWSLETTER_RUN_SECONDS", default=120)
NEWSLETTER_RETRY_DELAYS = [
    int(x) for x in env.list("NEWSLETTER_RETRY_DELAYS", default=["60", "300", "1800", "7200", "21600"])
]
NEWSLETTER_CONFIRM_DAYS = env.int("NEWSLETTER_CONFIRM_DAYS", default=7)
NEWSLETTER_BLOCK_ITEMS = env.int("NEWSLETTER_BLOCK_ITEMS", default=3)
# Sign-ups per IP and period (seconds) on the newsletter form.
NEWSLETTER_SUBSCRIBE_RATE_LIMIT = env.int("NEWSLETTER_SUBSCRIBE_RATE_LIMIT", default=10)
NEWSLETTER_SUBSCRIBE_RATE_PERIOD = env.int("NEWSLETTER_SUBSCRIBE_RATE_PERIOD", default=600)
# The pre-send check's spam score: spamc against a running spamd when SPAMD_HOST is set, else the local
# `spamassassin -t -L` command (no network tests); skipped with a note when neither is there or it times out.
SPAMD_HOST = env.str("SPAMD_HOST", default="")
SPAMD_PORT = env.int("SPAMD_PORT", default=783)
SPAMASSASSIN_TIMEOUT = env.int("SPAMASSASSIN_TIMEOUT", default=30)
SPAMASSASSIN_COMMAND = env.str("SPAMASSASSIN_COMMAND", default="spamassassin")
SPAMC_COMMAND = env.str("SPAMC_COMMAND", default="spamc")
# How often the sweep starts scheduled mailings and revives stalled ones (after a worker died).
CELERY_BEAT_SCHEDULE["newsletter-sweep"] = {
    "task": "newsletter.tasks.mailings_sweep_task",
    "schedule": env.float("NEWSLETTER_SWEEP_SECONDS", default=60.0),
}
# Membership applicants who ticked the newsletter box get the double opt-in mail (once per address).
CELERY_BEAT_SCHEDULE["newsletter-membership-optins"] = {
    "task": "newsletter.tasks.subscribers_invite_from_applications_task",
    "schedule": env.float("NEWSLETTER_MEMBERSHIP_OPTIN_SECONDS", default=3600.0),
}

# --- Retention --------------------------------------------------------------
# How long personal data is kept, in days, one environment variable each (README, docs/security.md).
# The apps register the rule for each period (swsdigital/privacy/retention.py); beat applies them daily and
# logs the counts, and the privacy notice shows this table, so text and behaviour cannot drift.


def _retention_days(name: str, default: int) -> int:
    raw = env.str(name, default=str(default)).strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of days, at least 1 (not {raw!r}).")
    return int(raw)


RETENTION = {
    # Membership applications whose address was never confirmed: deleted, counted from receipt.
    "applications_unconfirmed": _retention_days("MEMBERS_UNCONFIRMED_RETENTION_DAYS", 30),
    # Newsletter sign-ups never confirmed: deleted with their consent record, counted from the sign-up.
    "newsletter_unconfirmed": _retention_days("NEWSLETTER_UNCONFIRMED_DAYS", 30),
    # Participants of an event: anonymised (counts stay), counted from the event's end.
    "event_participants": _retention_days("EVENTS_ANONYMISE_AFTER_DAYS", 90),
    # Sent or failed emails: text, HTML, attachments and headers removed; row, recipient and status stay.
    "email_bodies": _retention_days("RETENTION_EMAIL_BODY_DAYS", 90),
    # IP addresses of consents and applications: shortened to /24 (IPv4) or /48 (IPv6).
    "ip_addresses": _retention_days("RETENTION_IP_ADDRESS_DAYS", 30),
    # Contact persons of ended memberships: deleted unless they hold an active consent (below).
    "contacts_ended": _retention_days("RETENTION_ENDED_MEMBER_CONTACT_DAYS", 3 * 365),
    # The audit trail (django-auditlog's entries): deleted.
    "audit_entries": _retention_days("RETENTION_AUDIT_DAYS", 3 * 365),
}
# A former member's contact with a confirmed, not withdrawn consent to one of these keeps their contact record.
RETENTION_CONTACT_CONSENT_KEYS = env.list("RETENTION_CONTACT_CONSENT_KEYS", default=["newsletter"])
# A request still waiting for its click must not be deleted while its link works.
if RETENTION["applications_unconfirmed"] * 24 < MEMBERS_CONFIRM_MAX_AGE_HOURS:
    raise ImproperlyConfigured("MEMBERS_UNCONFIRMED_RETENTION_DAYS must cover MEMBERS_CONFIRM_MAX_AGE_HOURS.")
if RETENTION["newsletter_unconfirmed"] < NEWSLETTER_CONFIRM_DAYS:
    raise ImproperlyConfigured("NEWSLETTER_UNCONFIRMED_DAYS must be at least NEWSLETTER_CONFIRM_DAYS.")
for _period in RETENTION:
    CELERY_BEAT_SCHEDULE[f"retention-{_period}"] = {
        "task": "swsdigital.privacy.tasks.retention_apply_task",
        "args": (_period,),
        "schedule": 24 * 3600.0,
    }

# --- Fees -------------------------------------------------------------------
# The joining year's fee, per the statutes: "full", "pro_rata" (by month, from the joining month) or "none".
FEES_JOINING_YEAR_RULE = env.str("FEES_JOINING_YEAR_RULE", default="full")
if FEES_JOINING_YEAR_RULE not in ("full", "pro_rata", "none"):
    raise ImproperlyConfigured("FEES_JOINING_YEAR_RULE must be full, pro_rata or none.")
# Days between the invoice (the direct debit's pre-notification) and the collection date; a run refuses fewer.
FEES_PRENOTIFICATION_DAYS = env.int("FEES_PRENOTIFICATION_DAYS", default=14)
# Days a transfer payer has from the invoice date.
FEES_PAYMENT_DAYS = env.int("FEES_PAYMENT_DAYS", default=30)
# Days after the due date for the payment reminder, the first and the second dunning letter.
FEES_REMINDER_DAYS = [
    int(d) if d.strip().isascii() and d.strip().isdigit() else -1
    for d in env.list("FEES_REMINDER_DAYS", default=["14", "28", "42"])
]
if len(FEES_REMINDER_DAYS) != 3 or sorted(set(FEES_REMINDER_DAYS)) != FEES_REMINDER_DAYS or FEES_REMINDER_DAYS[0] < 1:
    raise ImproperlyConfigured("FEES_REMINDER_DAYS must be three rising day counts, e.g. 14,28,42.")
CELERY_BEAT_SCHEDULE["fees-reminders"] = {
    "task": "fees.tasks.reminders_send_task",
    "schedule": env.float("FEES_REMINDER_SECONDS", default=86400.0),
}
# SEPA mandates unused for 36 months lapse (checked daily).
CELERY_BEAT_SCHEDULE["fees-mandates-expire"] = {"task": "fees.tasks.mandates_expire_task", "schedule": 86400.0}
# Invoices whose PDF and mail were never handed to the worker (broker down) are handed over again.
CELERY_BEAT_SCHEDULE["fees-issue-sweep"] = {
    "task": "fees.tasks.invoices_issue_sweep_task",
    "schedule": env.float("FEES_ISSUE_SWEEP_SECONDS", default=600.0),
}
