"""A thread-safe token-bucket rate limiter for calls AWS meters per second (SPEC §12 "Scale").

AWS Account Management allows GetAlternateContact 10 requests/s (burst 15) and
PutAlternateContact 5/s (burst 8) per account (AWS Account Management quotas); Rootwarden stays
below both: ``CONTACT_READS`` = 8/s and ``CONTACT_PUTS`` = 4/s, with a burst of 1 so that no
one-second window ever holds more than the rate.

``RateLimiter.acquire()`` blocks until the caller may make one call and returns True, or returns
False as soon as ``cancel`` is set (the call must then not be made). Every thread that shares a
limiter shares its budget: a slot is reserved under a lock, then waited for outside it, so
threads queue in the order they asked. The clock and the sleep are injectable so tests can count
calls over simulated time.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

CONTACT_READS = 8.0  # account:GetAlternateContact requests per second (AWS allows 10, burst 15)
CONTACT_PUTS = 4.0  # account:PutAlternateContact requests per second (AWS allows 5, burst 8)
_MAX_NAP = 0.2  # a waiting thread looks at ``cancel`` at least this often


class RateLimiter:
    """At most ``rate`` acquisitions per second on average and ``burst`` at once."""

    def __init__(self, rate: float, burst: int = 1, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] | None = None) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = float(rate)
        self.burst = int(burst)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)  # may go below 0: slots reserved by threads still waiting
        self._stamp = clock()

    def acquire(self, cancel: threading.Event | None = None) -> bool:
        """Wait for a slot; False (and no slot used) if ``cancel`` is set before it comes."""
        if cancel is not None and cancel.is_set():
            return False
        with self._lock:
            now = self._clock()
            self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1.0
            ready_at = now + (-self._tokens / self.rate if self._tokens < 0 else 0.0)
        while True:
            left = ready_at - self._clock()
            if left <= 0:
                return True
            if cancel is not None and cancel.is_set():
                self._give_back()
                return False
            self._nap(min(left, _MAX_NAP), cancel)

    def _give_back(self) -> None:
        with self._lock:
            self._tokens = min(float(self.burst), self._tokens + 1.0)

    def _nap(self, seconds: float, cancel: threading.Event | None) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
        elif cancel is not None:
            cancel.wait(seconds)
        else:
            time.sleep(seconds)
