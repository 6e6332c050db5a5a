"""A real `celery worker` subprocess on the benchmark's own queue, as tests/conftest.py's WorkerProcess,
with a choice of pool and concurrency, and killed (with its pool children) whatever happens."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bench.dbs import die_with_parent

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "var" / "bench" / "logs"

# Never inherited by a worker: each benchmark says which email backend it wants.
_EMAIL_VARIABLES = ("EMAIL_URL", "EMAIL_BACKEND", "ANYMAIL_", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")

_RUNNING: list["Worker"] = []


def _stat(pid: int) -> tuple[int, float] | None:
    """(process group, CPU seconds) of one process, from /proc/<pid>/stat; None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # Counted from the state field: pgrp is the 3rd, utime and stime the 12th and 13th.
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes():
    """(pid, process group, CPU seconds) of every process we may read."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            yield int(entry.name), *stat


def cpu_of(pids: set[int]) -> dict[int, float]:
    return {pid: stat[1] for pid in pids if (stat := _stat(pid)) is not None}


def kill_all() -> None:
    """Last resort (atexit, signals): no worker of ours outlives the benchmark."""
    for worker in list(_RUNNING):
        worker.kill()


class Worker:
    def __init__(
        self,
        *,
        queue: str,
        database_url: str,
        env: dict[str, str] | None = None,
        pool: str | None = None,
        concurrency: int | None = None,
        name: str = "worker",
    ):
        self.queue = queue
        self.database_url = database_url
        self.extra_env = env or {}
        self.pool = pool
        self.concurrency = concurrency
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "worker"
        tag = uuid.uuid4().hex[:6]
        # Celery names a worker node@host; the control replies are keyed by exactly this.
        self.hostname = f"{queue}-{slug}-{tag}@{socket.gethostname()}"
        self.proc: subprocess.Popen | None = None
        self.log_path = LOG_DIR / f"{queue}-{slug}-{tag}.log"
        self._log = None
        self.stats: dict = {}

    def _env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not any(key.upper().startswith(prefix) for prefix in _EMAIL_VARIABLES)
        }
        env.update(
            {
                "DATABASE_URL": self.database_url,
                "CELERY_QUEUE": self.queue,
                "PYTHONUNBUFFERED": "1",
                "LOG_LEVEL": "WARNING",
                # The fake ESP is on 127.0.0.1: never go through a proxy to reach it.
                "NO_PROXY": "127.0.0.1,localhost",
                "no_proxy": "127.0.0.1,localhost",
            }
        )
        env.update(self.extra_env)
        return env

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "celery", "-A", "poption", "worker", "--loglevel", "WARNING"]
        if self.pool:
            command += ["--pool", self.pool]
        if self.concurrency:
            command += ["--concurrency", str(self.concurrency)]
        return command + [
            "--queues",
            self.queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            self.hostname,
        ]

    def start(self, timeout: float = 40) -> "Worker":
        from poption.celery import app

        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=self._env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        _RUNNING.append(self)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                replies = app.control.inspect(destination=[self.hostname], timeout=0.5).stats() or {}
                if self.hostname in replies:
                    self.stats = replies[self.hostname]
                    return self
                if self.proc.poll() is not None:
                    raise RuntimeError(f"the worker exited early; see {self.log_path}")
            raise RuntimeError(f"the worker did not start in {timeout:.0f} s; see {self.log_path}")
        except BaseException:
            self.kill()
            raise

    def describe(self) -> str:
        """The pool as the worker itself reports it: 'prefork x2', 'threads x64'."""
        pool = self.stats.get("pool", {})
        # "celery.concurrency.prefork:TaskPool" -> "prefork"; "...thread:TaskPool" -> "threads"
        module = str(pool.get("implementation", self.pool or "?")).split(":")[0].rsplit(".", 1)[-1]
        kind = {"thread": "threads"}.get(module, module)
        return f"{kind} x{pool.get('max-concurrency', self.concurrency or '?')}"

    def cpu_seconds(self) -> float:
        """User + system CPU of the worker and its pool children (its process group), from /proc."""
        if self.proc is None:
            return 0.0
        return sum(cpu for _pid, pgrp, cpu in _processes() if pgrp == self.proc.pid)

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(15)
        self.kill()

    def kill(self) -> None:
        # The pool's children share the process group: one killpg takes them all, even if the parent went.
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)
        if self._log is not None and not self._log.closed:
            self._log.close()
        if self in _RUNNING:
            _RUNNING.remove(self)

    def __enter__(self) -> "Worker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
