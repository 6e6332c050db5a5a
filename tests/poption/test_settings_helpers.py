import pytest
from django.core.exceptions import ImproperlyConfigured

from poption import env


@pytest.mark.parametrize("raw", ["maybe", "2", "yes please"])
def test_env_bool_refuses_a_value_that_is_not_a_boolean(monkeypatch, raw):
    monkeypatch.setenv("X_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env.env_bool("X_FLAG")


@pytest.mark.parametrize("raw, expected", [("true", True), ("0", False), ("Yes", True), ("off", False)])
def test_env_bool_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG") is expected


def test_env_int_refuses_text_and_out_of_range(monkeypatch):
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_INT must be an integer"):
        env.env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("X_INT", 1, minimum=1)
    monkeypatch.setenv("X_INT", "7")
    assert env.env_int("X_INT", 1, minimum=1) == 7


def test_env_float_refuses_text(monkeypatch):
    monkeypatch.setenv("X_RATE", "fast")
    with pytest.raises(ImproperlyConfigured, match="X_RATE"):
        env.env_float("X_RATE", 1.0)


@pytest.mark.parametrize("raw", ["mysql://root@localhost/db", "postgres//nohost", "http://example.com"])
def test_database_url_refuses_an_unsupported_url(monkeypatch, tmp_path, raw):
    monkeypatch.setenv("X_DB", raw)
    with pytest.raises(ImproperlyConfigured, match="X_DB"):
        env.database_from_url("X_DB", tmp_path / "db.sqlite3")


def test_database_url_unset_means_sqlite_in_var(monkeypatch, tmp_path):
    monkeypatch.delenv("X_DB", raising=False)
    config = env.database_from_url("X_DB", tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "db.sqlite3")


def test_database_url_reads_postgres(monkeypatch, tmp_path):
    monkeypatch.setenv("X_DB", "postgres://app:secret@db.internal:6543/poption")
    config = env.database_from_url("X_DB", tmp_path / "db.sqlite3")
    assert (config["ENGINE"], config["HOST"], config["PORT"], config["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        6543,
        "poption",
    )


def test_redis_url_refuses_another_scheme(monkeypatch):
    monkeypatch.setenv("X_REDIS", "amqp://guest@localhost//")
    with pytest.raises(ImproperlyConfigured, match="redis://"):
        env.redis_url("X_REDIS")


@pytest.mark.parametrize("raw", ["ftp://mail", "smtp://", "filemail://", "smtp://host:notaport"])
def test_email_url_refuses_bad_values(monkeypatch, tmp_path, raw):
    monkeypatch.setenv("X_EMAIL", raw)
    with pytest.raises(ImproperlyConfigured, match="X_EMAIL"):
        env.email_from_url("X_EMAIL", tmp_path)


def test_email_url_reads_smtp_and_files(monkeypatch, tmp_path):
    monkeypatch.setenv("X_EMAIL", "smtp://user:p%40ss@mail.example:587?tls=1")
    config = env.email_from_url("X_EMAIL", tmp_path)
    assert config["EMAIL_HOST"] == "mail.example"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert config["EMAIL_USE_TLS"] is True
    monkeypatch.delenv("X_EMAIL")
    assert env.email_from_url("X_EMAIL", tmp_path)["EMAIL_FILE_PATH"] == str(tmp_path)


def test_anymail_esp_must_be_known_and_passes_its_keys(monkeypatch):
    monkeypatch.setenv("ANYMAIL_ESP", "carrier-pigeon")
    with pytest.raises(ImproperlyConfigured, match="ANYMAIL_ESP"):
        env.anymail_from_env()
    monkeypatch.setenv("ANYMAIL_ESP", "mailgun")
    monkeypatch.setenv("ANYMAIL_MAILGUN_API_KEY", "key-123")
    monkeypatch.setenv("ANYMAIL_MAILGUN_API_URL", "https://api.eu.mailgun.net/v3")
    backend, options = env.anymail_from_env()
    assert backend == "anymail.backends.mailgun.EmailBackend"
    assert options["MAILGUN_API_KEY"] == "key-123"
    assert options["MAILGUN_API_URL"] == "https://api.eu.mailgun.net/v3"


@pytest.mark.parametrize("raw", ["not-an-address", "a@b", "x@y.example\r\nBcc: z@evil.example"])
def test_env_email_refuses_what_is_not_an_address(monkeypatch, raw):
    monkeypatch.setenv("X_FROM", raw)
    with pytest.raises(ImproperlyConfigured, match="X_FROM"):
        env.env_email("X_FROM", "a@b.example")


def test_settings_refuse_to_start_with_a_bad_value():
    import os
    import subprocess
    import sys

    env_vars = {**os.environ, "MAILING_CHUNK_SIZE": "lots"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env_vars, "DJANGO_SETTINGS_MODULE": "poption.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "MAILING_CHUNK_SIZE must be an integer" in result.stderr


def test_production_refuses_to_start_without_a_webhook_secret():
    import os
    import subprocess
    import sys

    env_vars = {
        **os.environ,
        "POPTION_PRODUCTION": "true",
        "SECRET_KEY": "x" * 60,
        "ANYMAIL_WEBHOOK_SECRET": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env_vars, "DJANGO_SETTINGS_MODULE": "poption.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ANYMAIL_WEBHOOK_SECRET must be set in production" in result.stderr
