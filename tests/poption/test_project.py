import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_migrations_are_complete():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_django_system_checks_pass():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_deploy_checks_pass_with_production_settings():
    import os
    import secrets

    env = {
        **os.environ,
        "POPTION_PRODUCTION": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ANYMAIL_WEBHOOK_SECRET": "esp:s3cret",
        "ALLOWED_HOSTS": "poption.example",
        "DEBUG": "false",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests set it for this process only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _procfile_processes() -> set[str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return {line.split(":", 1)[0] for line in lines if line.strip() and not line.startswith("#")}


def test_docker_compose_parses_and_runs_every_procfile_process_and_its_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert _procfile_processes() == {"web", "worker", "beat"}
    assert _procfile_processes() <= set(services)
    assert {"postgres", "redis", "mailpit"} <= set(services)
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert env["EMAIL_URL"].startswith("smtp://mailpit:1025")
        assert "build" in services[name] or "image" in services[name]
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert (ROOT / "Dockerfile").read_text().startswith("FROM python:3.11")


def test_env_example_lists_every_variable_settings_read():
    import re

    read = set()
    for path in (ROOT / "poption" / "settings.py",):
        read |= set(re.findall(r'env_\w+\("([A-Z_]+)"', path.read_text()))
        read |= set(
            re.findall(
                r'(?:database_from_url|email_from_url|redis_url|anymail_from_env)\("([A-Z_]+)"',
                path.read_text(),
            )
        )
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - {"POPTION_VAR_DIR"} <= listed, read - listed
