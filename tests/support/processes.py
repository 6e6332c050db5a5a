"""Real service processes for the fault tests: a Redis server of the test's own and Celery beat."""

import contextlib
import os
import subprocess
import sys
import time
import types
import uuid
from pathlib import Path

import redis

from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


def die_with_parent() -> None:
    from tests.conftest import die_with_parent as set_death_signal

    set_death_signal()


class RedisServer:
    """A redis-server on a free port, so a test can restart it without touching anyone else's."""

    def __init__(self):
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port, socket_timeout=0.5).ping():
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def restart(self, down_for: float = 1.0) -> None:
        """Kill and start again: like a crash, and without persistence every queued task is gone."""
        self.stop()
        time.sleep(down_for)
        self.start()


class BeatProcess:
    """`celery beat` with the database scheduler, ticking the sweep every `every` seconds."""

    def __init__(self, queue: str, database_url: str, extra_env: dict | None = None, every: float = 1.0):
        self.queue = queue
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_QUEUE": queue,
            "MAILING_SWEEP_SECONDS": str(every),
            **(extra_env or {}),
        }
        self.proc: subprocess.Popen | None = None
        self.log_path = ROOT / "var" / "test-logs" / f"beat-{queue}-{uuid.uuid4().hex[:6]}.log"

    def start(self) -> "BeatProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "poption",
                "beat",
                "--loglevel",
                "INFO",
                "--max-interval",
                "1",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def stop(self) -> None:
        import signal

        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.log.close()


@contextlib.contextmanager
def beat_and_worker(queue: str, env: dict):
    """A beat and a worker on `queue`, both stopped at the end; `.worker` may be swapped mid-test."""
    from tests.conftest import WorkerProcess, _database_url_for_tests

    beat = BeatProcess(queue, _database_url_for_tests(), extra_env=env)
    running = types.SimpleNamespace(worker=WorkerProcess(queue, extra_env=env))
    try:
        beat.start()
        running.worker.start()
        yield running
    finally:
        running.worker.stop()
        beat.stop()
