import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import CompanyFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


def pytest_sessionstart(session):
    # The suite runs against the real services. A missing one is a failure, never a skip.
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            "The tests need PostgreSQL: set DATABASE_URL=postgres://... (make test does).", returncode=3
        )
    if not settings.REDIS_URL:
        pytest.exit("The tests need Redis: set REDIS_URL=redis://... (make test does).", returncode=3)


@pytest.fixture(autouse=True)
def _email_backend(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _english():
    """Each test starts in English: a request in Norwegian must not leave the language active."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def company_a():
    return CompanyFactory(name="Alfa AS", slug="alfa")


@pytest.fixture
def company_b():
    return CompanyFactory(name="Beta AS", slug="beta")


@pytest.fixture
def recruiter_a(company_a):
    return UserFactory(email="kari@alfa.example", display_name="Kari Nordmann", company=company_a)


@pytest.fixture
def recruiter_b(company_b):
    return UserFactory(email="ola@beta.example", display_name="Ola Hansen", company=company_b)


@pytest.fixture
def staff_user():
    from poption.accounts.models import User

    return User.objects.create_superuser("operator@poption.example", "pass", display_name="Operator")


@pytest.fixture
def client_a(client, recruiter_a):
    client.force_login(recruiter_a)
    return client


def _database_url_for_tests() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


_STARTED: list["WorkerProcess"] = []


def die_with_parent() -> None:
    """In the child: get SIGKILL when the test process dies, so no worker outlives a killed run."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def pytest_sessionfinish(session, exitstatus):
    for worker in _STARTED:
        worker.kill()


class WorkerProcess:
    """A real `celery worker` process on Redis, reading the test database."""

    def __init__(
        self, queue: str, extra_env: dict | None = None, concurrency: int = 2, pool: str = "prefork"
    ):
        self.queue = queue
        self.extra_env = extra_env or {}
        self.concurrency = concurrency
        self.pool = pool
        self.proc: subprocess.Popen | None = None
        self.log_path = ROOT / "var" / "test-logs" / f"worker-{queue}-{uuid.uuid4().hex[:6]}.log"

    def start(self) -> "WorkerProcess":
        from poption.celery import app

        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": _database_url_for_tests(),
            "CELERY_QUEUE": self.queue,
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "poption",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                str(self.concurrency),
                "--pool",
                self.pool,
                "--queues",
                self.queue,
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"{self.queue}-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            replies = app.control.inspect(timeout=0.5).ping() or {}
            if any(name.startswith(self.queue) for name in replies):
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"the worker exited early; see {self.log_path}")
        raise RuntimeError(f"the worker did not start in 30 s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as a crash would."""
        import signal

        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        import signal

        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(15)
        # Pool children can outlive a main process that went first: never leave one behind.
        self.kill()
        if not self.log.closed:
            self.log.close()


@pytest.fixture
def celery_queue():
    """A queue of this test's own: no other worker on the machine, nor a task of an earlier test, meets it.

    Celery's router reads task_default_queue on every send, so changing it here routes every
    task this test enqueues (through .delay / apply_async) to the new queue.
    """
    from poption.celery import app

    previous = app.conf.task_default_queue
    queue = f"{previous}-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = previous
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


@pytest.fixture
def celery_worker_process(transactional_db, celery_queue):
    worker = WorkerProcess(celery_queue).start()
    yield worker
    worker.stop()


@contextlib.contextmanager
def use_broker(url: str):
    """Point this process's Celery app at another broker for a while (a dead one, or a test's own Redis)."""
    from poption.celery import app

    def reset() -> None:
        # kombu keeps process-wide pools keyed by URL: close and forget them all, then let the app
        # build fresh ones for the URL it has now.
        from kombu import pools

        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    from poption.enqueue import drain

    previous = app.conf.broker_url
    drain()
    reset()
    app.conf.broker_url = url
    try:
        yield
    finally:
        drain()
        reset()
        app.conf.broker_url = previous
