"""Small typed readers of environment variables.

Each one raises ImproperlyConfigured naming the variable when its value is bad, so
a typo in production stops the process at start instead of running on a default.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_email(name: str, default: str) -> str:
    value = env_str(name, default)
    local, at, domain = value.rpartition("<")[2].rstrip(">").partition("@")
    if not at or not local or "." not in domain or any(c in value for c in "\r\n"):
        raise ImproperlyConfigured(f"{name} must be an email address, not {value!r}")
    return value


def database_from_url(name: str, default_sqlite: Path) -> dict:
    raw = env_str(name)
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite),
            # Web, worker and beat share the file: WAL lets readers run beside one writer,
            # IMMEDIATE avoids the upgrade deadlock that gives "database is locked".
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    scheme = raw.split(":", 1)[0]
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(f"{name} must be a postgres:// or sqlite:/// URL, not {scheme}://")
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    return config


def redis_url(name: str) -> str:
    raw = env_str(name)
    if raw and urlsplit(raw).scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(f"{name} must be a redis:// or rediss:// URL, not {raw!r}")
    return raw


def email_from_url(name: str, default_outbox: Path) -> dict:
    """Turn EMAIL_URL into Django email settings.

    smtp://user:pass@host:port (add ?tls=1 for STARTTLS; smtps:// for implicit TLS),
    filemail:///absolute/path, consolemail://, locmem://. Unset means files in var/outbox/.
    """
    raw = env_str(name)
    if not raw:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(default_outbox),
        }
    parts = urlsplit(raw)
    if parts.scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name} needs a host: smtp://host:port")
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 25)
        except ValueError:
            raise ImproperlyConfigured(f"{name} has a bad port") from None
        query = parse_qs(parts.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", ["0"])[0].lower() in _TRUE,
            "EMAIL_TIMEOUT": 20,
        }
    if parts.scheme == "filemail":
        if not parts.path:
            raise ImproperlyConfigured(f"{name} needs a path: filemail:///var/outbox")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parts.path,
        }
    if parts.scheme == "consolemail":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    raise ImproperlyConfigured(
        f"{name} must start with smtp://, smtps://, filemail://, consolemail:// or locmem://, not {raw!r}"
    )


# The ESPs Anymail supports that we document; the value is the backend module's name.
ANYMAIL_ESPS = {
    "amazon_ses": "amazon_ses",
    "brevo": "brevo",
    "mailgun": "mailgun",
    "mailjet": "mailjet",
    "postmark": "postmark",
    "resend": "resend",
    "sendgrid": "sendgrid",
    "sparkpost": "sparkpost",
    "test": "test",
}


def anymail_from_env(name: str = "ANYMAIL_ESP") -> tuple[str, dict] | None:
    """EMAIL_BACKEND and the ANYMAIL dict for the ESP named in ANYMAIL_ESP, or None.

    Every other ANYMAIL_<KEY> variable becomes ANYMAIL["<KEY>"], so ANYMAIL_MAILGUN_API_KEY
    and ANYMAIL_MAILGUN_API_URL (the EU endpoint) pass straight through.
    """
    esp = env_str(name).lower()
    if not esp:
        return None
    if esp not in ANYMAIL_ESPS:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(sorted(ANYMAIL_ESPS))}, not {esp!r}")
    options = {
        key.removeprefix("ANYMAIL_"): value
        for key, value in os.environ.items()
        if key.startswith("ANYMAIL_") and key not in {name, "ANYMAIL_WEBHOOK_SECRET"}
    }
    return f"anymail.backends.{ANYMAIL_ESPS[esp]}.EmailBackend", options
