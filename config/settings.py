"""Settings for development, demo and tests. Production: ``config.settings_production``.

Configuration comes from the environment (12-factor). With no DATABASE_URL or REDIS_URL the launcher
(``python -m core.devstack``) and the test plugin start an embedded PostgreSQL and Redis and set them.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _devstack_env() -> None:
    """While ``make run`` is serving, other ``manage.py`` commands find its embedded services here."""
    state = BASE_DIR / ".jointly" / "devstack.env"
    if "DATABASE_URL" in os.environ or not state.exists():
        return
    for line in state.read_text().splitlines():
        key, _, value = line.partition("=")
        if key in {"DATABASE_URL", "REDIS_URL"}:
            os.environ.setdefault(key, value)


_devstack_env()

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "core",
    "partners",
    "boards",
    "commissioning",
    "procurement",
    "grants",
    "monitoring",
    "opendata",
    "notices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "partners.staff_session.StaffSessionExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "partners.acting.ActingOrganisationMiddleware",
    "partners.twofactor.TwoFactorRequiredMiddleware",
    "core.middleware.UnreadCountMiddleware",
    "core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = os.environ.get("JOINTLY_ROOT_URLCONF", "config.urls")
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.jointly",
            ],
            "builtins": ["core.templatetags.jointly"],
        },
    }
]
FORM_RENDERER = "core.forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@localhost:5432/jointly"),
        # Kept-open connections (60 s) are checked before reuse, so the first request after PostgreSQL restarts
        # reconnects instead of failing on a dead connection.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partners.User"
JOINTLY_ORGANISATION_MODEL = "partners.Organisation"
JOINTLY_ACTING_RESOLVER = "partners.acting.resolve_acting"
JOINTLY_BASE_URL = os.environ.get("JOINTLY_BASE_URL", "http://127.0.0.1:8000")
# Open contracting data: the ocid prefix registered with the OCDS (ocds-xxxxxx); one ocid per contracting process.
JOINTLY_OCID_PREFIX = os.environ.get("JOINTLY_OCID_PREFIX", "ocds-jntly1")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
if env_bool("JOINTLY_FAST_PASSWORD_HASHER", False):  # tests only: hashing is not what they test
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed sign-ins (django-axes): per email address and IP together.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Jointly"
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user row
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".jointly" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Private files in S3-compatible object storage (django-storages) when a bucket is named, so every web node serves the
# same files (docs/scaling.md); else the local disk below. Credentials come from boto3's own chain (AWS_ACCESS_KEY_ID /
# AWS_SECRET_ACCESS_KEY in the environment, or an instance role), never from settings.
JOINTLY_S3_BUCKET = os.environ.get("JOINTLY_S3_BUCKET", "")
JOINTLY_S3_ENDPOINT_URL = os.environ.get("JOINTLY_S3_ENDPOINT_URL", "")
JOINTLY_S3_REGION = os.environ.get("JOINTLY_S3_REGION", os.environ.get("AWS_DEFAULT_REGION", ""))
if JOINTLY_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": JOINTLY_S3_BUCKET,
            "endpoint_url": JOINTLY_S3_ENDPOINT_URL or None,
            "region_name": JOINTLY_S3_REGION or None,
            "location": "default",
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
# Uploaded files are private: stored outside STATIC/any served path, served only by permission-checked views.
MEDIA_ROOT = Path(os.environ.get("JOINTLY_MEDIA_ROOT", BASE_DIR / ".jointly" / "media"))
MEDIA_URL = "/files/"
FILE_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
# Upload checks (core.upload_checks, docs/uploads.md): Office/ODF files may expand to at most this, at most this ratio.
JOINTLY_UPLOAD_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
JOINTLY_UPLOAD_MAX_COMPRESSION_RATIO = 100
# The malware scanner: ClamAV (clamd) when a socket or host is configured, else none (development, tests).
JOINTLY_CLAMD_SOCKET = os.environ.get("JOINTLY_CLAMD_SOCKET", "")
JOINTLY_CLAMD_HOST = os.environ.get("JOINTLY_CLAMD_HOST", "")
JOINTLY_CLAMD_PORT = int(os.environ.get("JOINTLY_CLAMD_PORT", "3310"))
JOINTLY_UPLOAD_SCANNER = os.environ.get(
    "JOINTLY_UPLOAD_SCANNER",
    "core.upload_checks.clamd_scan" if JOINTLY_CLAMD_SOCKET or JOINTLY_CLAMD_HOST else "core.upload_checks.no_scan",
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Jointly <no-reply@jointly.localhost>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
STAFF_SESSION_IDLE_SECONDS = 20 * 60  # platform staff (admin access): signed out after 20 idle minutes
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no inline script
# anywhere (behaviour lives in static/js), the few <style> blocks carry the per-request nonce; never framed.
# The API docs page (Redoc) relaxes styles only, in its own view (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Shared by every web node (per-person unread counts: core.unread). Local memory only when no Redis is configured at
# all, e.g. a management command run without the devstack: a per-process cache is wrong once there are two nodes.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Parallel test processes share one Redis but not one database: each keeps its own keys.
            "KEY_PREFIX": "jointly" + os.environ.get("PYTEST_XDIST_WORKER", ""),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        if "REDIS_URL" in os.environ
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jointly"}
    )
}
# The single celery beat: the instance holding this Redis lock runs the schedule; another one waits (core.beat_lock).
JOINTLY_BEAT_LOCK_SECONDS = int(os.environ.get("JOINTLY_BEAT_LOCK_SECONDS", "60"))
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}  # each app's schedule.py adds to it (config/celery.py)
# The longest job (a board pack, a report PDF) renews a lease as it works; a worker silent for this long is presumed
# dead and its job is taken over (core.leases). See docs/background-work.md.
JOINTLY_LONG_JOB_LEASE_SECONDS = int(os.environ.get("JOINTLY_LONG_JOB_LEASE_SECONDS", "600"))
# A message a worker took but never acknowledged (acks_late: it died) is redelivered by Redis after the visibility
# timeout. It must exceed the longest job and the longest retry countdown (retry_backoff caps at 600 s), or a
# running job is handed to a second worker; the outbox and leases recover lost jobs sooner than this backstop.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(
        os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(max(2 * JOINTLY_LONG_JOB_LEASE_SECONDS, 1200)))
    ),
    # A request publishing to a dead or unreachable broker gives up at once rather than retrying for seconds (the
    # outbox dispatcher publishes it later); a worker's own reconnection uses broker_connection_* settings instead.
    "socket_connect_timeout": 3,
    "max_retries": 1,
    "interval_start": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Reminder sweeps make notifications this many at a time: one insert and one delivery task per batch
# (core.notifications.fan_out, docs/background-work.md).
JOINTLY_NOTIFY_BATCH_SIZE = int(os.environ.get("JOINTLY_NOTIFY_BATCH_SIZE", "1000"))
# A claimed email whose send was never recorded (the worker died mid-send) is retried after this many seconds.
JOINTLY_EMAIL_CLAIM_TIMEOUT = int(os.environ.get("JOINTLY_EMAIL_CLAIM_TIMEOUT", "600"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api_permissions.HasRequiredRole"],
    "DEFAULT_PAGINATION_CLASS": "core.api_permissions.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Personal API tokens (django-rest-knox): only a SHA-512 digest is stored; each expires; "jly_" marks a secret
# so secret scanners can spot a leaked one. Created only by their owner (partners.tokens), revoked in the admin.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=90),
    "TOKEN_PREFIX": "jly_",
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jointly API",
    "DESCRIPTION": (
        "Joint commissioning for UK public-sector partners and third-sector providers. "
        "Authenticate with `Authorization: Token <key>` (a personal token from *Your API token*; it expires after "
        "90 days and is stored only as a digest); choose which organisation you act for with the "
        "`X-Jointly-Organisation: <id>` header (default: your last chosen organisation)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CommissioningModelEnum": "commissioning.models.CommissioningModel",
        "ReturnFrequencyEnum": "monitoring.kpis.models.Frequency",
        "ContributionChangeStatusEnum": "commissioning.money.models.ChangeStatus",
        "ContributionChangeKindEnum": "commissioning.money.models.ChangeKind",
        "OpportunityCategoryEnum": "core.opportunities.CATEGORIES",
        "RegisterStatusEnum": "commissioning.register.models.RegisterStatus",
        "ProviderDocumentKindEnum": "commissioning.register.models.DocumentKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

EMAIL_FILE_PATH = os.environ.get("JOINTLY_EMAIL_DIR", str(BASE_DIR / ".jointly" / "emails"))
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
