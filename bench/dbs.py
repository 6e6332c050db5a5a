"""Databases of the benchmark's own: created from DATABASE_URL's server, named <name>_<pid>, always dropped."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Server:
    """The PostgreSQL server of a postgres:// URL, and the database name it names (the prefix of ours)."""

    url: str

    @property
    def parts(self):
        return urlsplit(self.url)

    @property
    def base_name(self) -> str:
        return self.parts.path.lstrip("/") or "poption_bench"

    def url_for(self, name: str) -> str:
        return urlunsplit(self.parts._replace(path=f"/{name}"))

    def _connect(self):
        parts = self.parts
        connection = psycopg2.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            dbname="postgres",
            connect_timeout=5,
        )
        connection.autocommit = True
        return connection

    def create(self, name: str) -> str:
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            connection.close()
        return self.url_for(name)

    def drop(self, name: str) -> None:
        # FORCE ends any session still in it, such as the backend of a seed we killed at its timeout.
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        finally:
            connection.close()

    def drop_orphans(self) -> list[str]:
        """Drop databases of earlier benchmark runs on this machine whose process is gone (a SIGKILL)."""
        pattern = re.compile(rf"^{re.escape(self.base_name)}_(\d+)(_full)?$")
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT datname FROM pg_database")
                names = [row[0] for row in cursor.fetchall()]
        finally:
            connection.close()
        dropped = []
        for name in names:
            match = pattern.match(name)
            if match and not Path(f"/proc/{match[1]}").exists():
                self.drop(name)
                dropped.append(name)
        return dropped

    def terminate(self, name: str) -> int:
        """End every session in database `name`: a killed client's backend may still be busy (a COMMIT)."""
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                )
                return cursor.fetchone()[0]
        finally:
            connection.close()

    def connections_in_use(self) -> int:
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
                return cursor.fetchone()[0]
        finally:
            connection.close()


def die_with_parent() -> None:
    """In a child, before exec: get SIGTERM when the benchmark process dies, even by SIGKILL (Linux)."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Timed:
    seconds: float
    returncode: int | None
    output: str
    timed_out: bool

    def failure(self, what: str) -> str:
        """One line for the table: the command and the last line it printed (the exception)."""
        lines = [line.strip() for line in self.output.splitlines() if line.strip()]
        return f"{what} exited with {self.returncode}: {lines[-1] if lines else 'no output'}"


def manage(args: list[str], *, database_url: str, timeout: float, env: dict | None = None) -> Timed:
    """Run `manage.py <args>` against one database, in its own process group, killed at the timeout."""
    full_env = {**os.environ, **(env or {}), "DATABASE_URL": database_url}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )
    try:
        output, _ = proc.communicate(timeout=timeout)
        return Timed(time.perf_counter() - started, proc.returncode, output, False)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        output, _ = proc.communicate()
        return Timed(time.perf_counter() - started, None, output or "", True)
    except BaseException:
        _kill_group(proc)
        raise


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
