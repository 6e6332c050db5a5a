"""Enqueue Celery tasks after commit, off the request thread.

A web request must never wait on the broker: with Redis down, kombu and redis-py retry the
connection for seconds. The rows the task would work on are already committed, and the beat
sweep picks up anything whose task never arrived, so a failed enqueue is only logged.
"""

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

from django.db import transaction

log = logging.getLogger(__name__)
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="enqueue")
_pending: set[Future] = set()
_lock = threading.Lock()


def _send(task, args: list) -> None:
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # noqa: BLE001 - the sweep recovers; the request has long returned
        log.warning(
            "Could not enqueue %s%s; the sweep will pick it up", task.name, tuple(args), exc_info=True
        )


def _submit(task, args: list) -> None:
    future = _executor.submit(_send, task, args)
    with _lock:
        _pending.add(future)
    future.add_done_callback(_forget)


def _forget(future: Future) -> None:
    with _lock:
        _pending.discard(future)


def enqueue_on_commit(task, *args) -> None:
    transaction.on_commit(lambda: _submit(task, list(args)))


def drain(timeout: float = 30) -> None:
    """Wait until every enqueue handed to the background has finished (for tests and shutdown)."""
    with _lock:
        pending = set(_pending)
    wait(pending, timeout=timeout)
