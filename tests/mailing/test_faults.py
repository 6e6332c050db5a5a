"""Nothing sent twice, nothing lost: a real worker, beat, Redis, PostgreSQL and SMTP server, under faults.

Each test sends a mailing of 500 recipients into an aiosmtpd server and counts what it received.
"""

import time
from collections import Counter

import pytest
from django.db import connection

from candidates.models import Candidate, Share
from mailing.models import Delivery, Mailing
from mailing.services import mailing_create
from mailing.tasks import deliveries_send
from tests.conftest import WorkerProcess, use_broker
from tests.support.processes import RedisServer, beat_and_worker
from tests.support.smtp import SMTPServer

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RECIPIENTS = 500
# Small timeouts so recovery happens within the test; production uses minutes.
FAST = {
    "MAILING_SENDING_TIMEOUT": "3",
    "MAILING_STALL_SECONDS": "3",
    "MAILING_RETRY_BASE_SECONDS": "0.5",
    "MAILING_RETRY_MAX_SECONDS": "2",
    "MAILING_RATE_PER_SECOND": "0",
    "MAILING_CHUNK_SIZE": "20",
}


@pytest.fixture
def many_candidates(company_a):
    candidates = Candidate.objects.bulk_create(
        Candidate(first_name=f"Student{i}", last_name="Testesen", email=f"s{i}@student.example")
        for i in range(RECIPIENTS)
    )
    Share.objects.bulk_create(Share(candidate=c, company=company_a) for c in candidates)
    return candidates


def _create(sender, candidates) -> Mailing:
    return mailing_create(
        sender=sender,
        recipients=[c.pk for c in candidates],
        subject="Hei {{ first_name }}",
        body="Hei {{ first_name }}, takk for sist.",
    )


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _finished(mailing: Mailing) -> bool:
    connection.close()  # a fresh snapshot each poll
    return not Delivery.objects.filter(mailing=mailing, status__in=["queued", "sending"]).exists()


def _statuses(mailing: Mailing) -> Counter:
    return Counter(mailing.deliveries.values_list("status", flat=True))


def _assert_exactly_once(smtp: SMTPServer, mailing: Mailing, *, unknown_allowed: int) -> Counter:
    received = smtp.handler.by_recipient()
    twice = {address: n for address, n in received.items() if n > 1}
    assert twice == {}, f"received twice: {twice}"
    statuses = _statuses(mailing)
    unknown = set(mailing.deliveries.filter(status="unknown").values_list("email", flat=True))
    sent = set(mailing.deliveries.filter(status="sent").values_list("email", flat=True))
    everyone = set(mailing.deliveries.values_list("email", flat=True))
    assert sent <= set(received), "a delivery marked sent never arrived"
    assert everyone == set(received) | unknown, "someone got nothing and is not marked unknown"
    assert len(unknown) <= unknown_allowed, statuses
    return statuses


def test_a_worker_killed_half_way_and_started_again_sends_nothing_twice(
    celery_queue, recruiter_a, many_candidates
):
    with SMTPServer() as smtp:
        env = {**FAST, "EMAIL_URL": smtp.url}
        with beat_and_worker(celery_queue, env) as running:
            mailing = _create(recruiter_a, many_candidates)
            _wait(lambda: len(smtp.handler.received) >= RECIPIENTS // 2, 60, "half of the mailing")
            running.worker.kill()  # SIGKILL, pool children included
            at_kill = len(smtp.handler.received)
            running.worker = WorkerProcess(celery_queue, extra_env=env).start()
            _wait(lambda: _finished(mailing), 90, "the mailing to finish after the restart")
        statuses = _assert_exactly_once(smtp, mailing, unknown_allowed=2)  # at most one in flight per process
    assert at_kill < RECIPIENTS
    assert statuses["sent"] + statuses["unknown"] == RECIPIENTS
    print(f"\nSIGKILL: {at_kill} received at the kill, then {dict(statuses)}")


def test_redis_restarted_half_way_loses_nobody(celery_queue, recruiter_a, many_candidates):
    redis_server = RedisServer().start()
    try:
        with SMTPServer() as smtp, use_broker(redis_server.url):
            env = {**FAST, "EMAIL_URL": smtp.url, "REDIS_URL": redis_server.url}
            with beat_and_worker(celery_queue, env):
                mailing = _create(recruiter_a, many_candidates)
                _wait(lambda: len(smtp.handler.received) >= RECIPIENTS // 3, 60, "a third of the mailing")
                redis_server.restart(down_for=2)  # every queued task is gone with it
                at_restart = len(smtp.handler.received)
                _wait(lambda: _finished(mailing), 120, "the mailing to finish after the restart")
            statuses = _assert_exactly_once(smtp, mailing, unknown_allowed=0)
    finally:
        redis_server.stop()
    assert at_restart < RECIPIENTS
    assert statuses == Counter({"sent": RECIPIENTS})
    print(f"\nRedis restart: {at_restart} received at the restart, then {dict(statuses)}")


def test_an_smtp_server_refusing_with_4xx_for_a_while_gets_everyone_once(
    celery_queue, recruiter_a, many_candidates
):
    with SMTPServer() as smtp:
        smtp.handler.refuse_next = 200  # the first 200 messages get "451 try again later"
        env = {**FAST, "EMAIL_URL": smtp.url}
        with beat_and_worker(celery_queue, env):
            mailing = _create(recruiter_a, many_candidates)
            _wait(lambda: _finished(mailing), 120, "the mailing to finish")
        statuses = _assert_exactly_once(smtp, mailing, unknown_allowed=0)
    assert statuses == Counter({"sent": RECIPIENTS})
    retried = mailing.deliveries.filter(attempts__gt=1).count()
    assert retried > 0
    print(f"\n4xx: {retried} deliveries needed more than one attempt; {dict(statuses)}")


def test_two_workers_sending_the_same_mailing_at_once_send_nothing_twice(
    celery_queue, recruiter_a, many_candidates
):
    with SMTPServer() as smtp:
        env = {**FAST, "EMAIL_URL": smtp.url}
        workers = [WorkerProcess(celery_queue, extra_env=env) for _ in range(2)]
        try:
            for worker in workers:
                worker.start()
            mailing = _create(recruiter_a, many_candidates)
            ids = list(mailing.deliveries.order_by("pk").values_list("pk", flat=True))
            # Every recipient's task twice more, in other chunkings: as if the broker redelivered them all.
            for size in (7, 50):
                for start in range(0, len(ids), size):
                    deliveries_send.apply_async(args=[ids[start : start + size]])
            _wait(lambda: _finished(mailing), 90, "the mailing to finish")
        finally:
            for worker in workers:
                worker.stop()
        statuses = _assert_exactly_once(smtp, mailing, unknown_allowed=0)
    assert statuses == Counter({"sent": RECIPIENTS})
    assert sum(smtp.handler.by_recipient().values()) == RECIPIENTS
