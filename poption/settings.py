"""Settings, all read from the environment (and .env when present).

With nothing set the portal runs embedded: SQLite in var/, Celery on kombu's
filesystem transport in var/, email written to var/outbox/. DATABASE_URL,
REDIS_URL, EMAIL_URL or ANYMAIL_ESP switch to the real services.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

from poption.env import (
    anymail_from_env,
    database_from_url,
    email_from_url,
    env_bool,
    env_email,
    env_float,
    env_int,
    env_list,
    env_str,
    redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("POPTION_VAR_DIR", str(BASE_DIR / "var")))
load_dotenv(BASE_DIR / ".env", override=False)

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and env_bool("POPTION_PRODUCTION", default=False):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = "insecure-embedded-development-key-change-me-in-production-0123456789"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "django_htmx",
    "anymail",
    "django_celery_beat",
    "poption.accounts",
    "events",
    "candidates",
    "mailing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "poption.urls"
WSGI_APPLICATION = "poption.wsgi.application"
ASGI_APPLICATION = "poption.asgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": database_from_url("DATABASE_URL", VAR_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/candidates/"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["poption.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Outside production whitenoise serves straight from the app folders: no collectstatic step.
WHITENOISE_USE_FINDERS = not env_bool("POPTION_PRODUCTION", default=False)
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

# Email ---------------------------------------------------------------------------------
_anymail = anymail_from_env("ANYMAIL_ESP")
if _anymail:
    EMAIL_BACKEND, ANYMAIL = _anymail
else:
    globals().update(email_from_url("EMAIL_URL", VAR_DIR / "outbox"))
    ANYMAIL = {}
# A dotted path wins over both, for a custom or instrumented backend.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", EMAIL_BACKEND)
ANYMAIL_WEBHOOK_SECRET = env_str("ANYMAIL_WEBHOOK_SECRET")
if ANYMAIL_WEBHOOK_SECRET:
    if ":" not in ANYMAIL_WEBHOOK_SECRET:
        raise ImproperlyConfigured("ANYMAIL_WEBHOOK_SECRET must look like user:password")
    ANYMAIL["WEBHOOK_SECRET"] = ANYMAIL_WEBHOOK_SECRET
MAILING_FROM_EMAIL = env_email("MAILING_FROM_EMAIL", "mailer@poption.example")
DEFAULT_FROM_EMAIL = MAILING_FROM_EMAIL
SERVER_EMAIL = MAILING_FROM_EMAIL
MAILING_CHUNK_SIZE = env_int("MAILING_CHUNK_SIZE", 25, minimum=1, maximum=5000)
# 0 means no limit.
MAILING_RATE_PER_SECOND = env_float("MAILING_RATE_PER_SECOND", 300.0, minimum=0.0)
MAILING_MAX_ATTEMPTS = env_int("MAILING_MAX_ATTEMPTS", 6, minimum=1, maximum=20)
MAILING_SENDING_TIMEOUT = env_int("MAILING_SENDING_TIMEOUT", 600, minimum=1)
MAILING_STALL_SECONDS = env_int("MAILING_STALL_SECONDS", 120, minimum=1)
MAILING_RETRY_BASE_SECONDS = env_float("MAILING_RETRY_BASE_SECONDS", 30.0, minimum=0.1)
MAILING_RETRY_MAX_SECONDS = env_float("MAILING_RETRY_MAX_SECONDS", 900.0, minimum=1.0)
MAILING_PAUSE_AFTER_FAILURES = env_int("MAILING_PAUSE_AFTER_FAILURES", 25, minimum=1)
MAILING_OVERDUE_HOLD_HOURS = env_int("MAILING_OVERDUE_HOLD_HOURS", 24, minimum=1)
# The language of what the platform itself adds to each email (the unsubscribe footer).
MAILING_LANGUAGE = env_str("MAILING_LANGUAGE", "nb")
if MAILING_LANGUAGE not in {code for code, _name in LANGUAGES}:
    raise ImproperlyConfigured(f"MAILING_LANGUAGE must be one of en, nb, not {MAILING_LANGUAGE!r}")

# Celery --------------------------------------------------------------------------------
REDIS_URL = redis_url("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A lost task must come back well after the longest retry delay we schedule.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _broker_dir = VAR_DIR / "celery"
    for _sub in ("out", "processed", "results"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{_broker_dir / 'results'}"
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "poption")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "mailing-sweep": {
        "task": "mailing.sweep",
        "schedule": env_float("MAILING_SWEEP_SECONDS", 30.0, minimum=1.0),
    },
}

# Security ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("POPTION_PRODUCTION", default=False):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if not ANYMAIL_WEBHOOK_SECRET:
        raise ImproperlyConfigured("ANYMAIL_WEBHOOK_SECRET must be set in production")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
