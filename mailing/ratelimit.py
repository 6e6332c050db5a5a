"""One send rate for the whole platform, shared by every worker through Redis.

GCRA (the "generic cell rate algorithm"): Redis keeps one timestamp, the theoretical arrival
time of the next message. Each worker asks the script for a slot and sleeps for the wait it is
told. Redis's own clock is used, so workers on machines with skewed clocks still agree.
"""

import threading
import time

from django.conf import settings

# Each call reserves the next free slot and returns how long to wait for it (microseconds), so
# waiting senders sleep exactly once instead of polling Redis. A slot more than `burst` ahead is
# still granted: the caller just sleeps longer, in line.
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil((new_tat - now) / 1000) + 1000)
local wait = tat - now - burst
if wait < 0 then wait = 0 end
return wait
"""
KEY = "poption:mailing:rate"


class RateLimiter:
    def __init__(self, rate: float, redis_url: str = ""):
        self.rate = rate
        self.interval_us = int(1_000_000 / rate) if rate > 0 else 0
        self.burst_us = self.interval_us  # allow one message ahead, no more
        self._local_next = 0.0
        self._lock = threading.Lock()
        self._redis = None
        self._script = None
        if rate > 0 and redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=5)
            self._script = self._redis.register_script(_SCRIPT)

    def acquire(self) -> float:
        """Block until this process may send one message; returns the seconds waited."""
        if self.rate <= 0:
            return 0.0
        waited = 0.0
        if self._script is not None:
            import redis

            try:
                wait_us = int(self._script(keys=[KEY], args=[self.interval_us, self.burst_us]))
            except redis.RedisError:
                pass  # Redis is restarting: pace this process alone until it is back
            else:
                if wait_us > 0:
                    time.sleep(wait_us / 1_000_000)
                return wait_us / 1_000_000
        # Embedded mode (no Redis): one process, so a local clock is enough.
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._local_next)
            self._local_next = slot + 1 / self.rate
        if slot > now:
            time.sleep(slot - now)
            waited = slot - now
        return waited


_limiter: RateLimiter | None = None


def limiter() -> RateLimiter:
    global _limiter
    if _limiter is None or _limiter.rate != settings.MAILING_RATE_PER_SECOND:
        _limiter = RateLimiter(settings.MAILING_RATE_PER_SECOND, settings.REDIS_URL)
    return _limiter
