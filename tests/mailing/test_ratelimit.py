"""The global rate limit holds across processes because its state lives in Redis."""

import threading
import time

import redis
from django.conf import settings

from mailing.ratelimit import KEY, RateLimiter


def _count_in(limiters: list[RateLimiter], seconds: float) -> int:
    """How many messages the limiters together let through in `seconds`."""
    counts = [0] * len(limiters)
    stop = time.monotonic() + seconds

    def run(i: int) -> None:
        while True:
            limiters[i].acquire()
            if time.monotonic() >= stop:
                return
            counts[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(limiters))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts)


def test_three_senders_together_stay_within_the_rate():
    redis.Redis.from_url(settings.REDIS_URL).delete(KEY)
    # Separate limiter objects, each with its own Redis connection: as three worker machines would be.
    limiters = [RateLimiter(20, settings.REDIS_URL) for _ in range(3)]
    sent = _count_in(limiters, 1.5)
    assert 20 <= sent <= 20 * 1.5 + 2  # the whole platform, not 3 x 20 per second


def test_zero_means_no_limit():
    limiter = RateLimiter(0, settings.REDIS_URL)
    assert all(limiter.acquire() == 0 for _ in range(1000))
