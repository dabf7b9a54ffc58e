"""A bounded, adaptive worker pool on plain threads (SPEC §12 "Scale").

``AdaptivePool.run(items)`` calls ``work(item)`` for every item on at most ``max_workers``
threads, of which at most ``limit`` work at once. ``limit`` starts at ``start``, halves (not
below 1) when an item is throttled — ``work`` raises ``Throttled`` — and grows by one after
``limit`` successes in a row, up to ``max_workers``. A throttled item waits (exponential
backoff) and is tried again, at most ``max_attempts`` times; then ``give_up(item, error)`` gives
its result. Any other exception from ``work`` (or from ``give_up`` or ``on_progress``) is a bug in
the caller: the run stops and ``run`` re-raises it.

``cancel`` (a ``threading.Event``) stops the run: no new item starts, items in flight finish,
and the result keeps what was done plus the items never finished. Ctrl-C in the thread that
called ``run`` does the same. ``on_progress(Progress)`` is
called on a worker thread after every finished item (a UI must hand it to its own thread).
"""
from __future__ import annotations

import heapq
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Generic, Hashable, TypeVar

from app.errors import Throttled

T = TypeVar("T", bound=Hashable)
R = TypeVar("R")

THROTTLE_MEMORY = 5.0  # seconds the progress keeps saying "throttled" after the last throttling


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    workers: int  # the current limit
    throttled: bool  # throttled within the last few seconds
    eta_seconds: float | None  # None until something is done


@dataclass
class PoolResult(Generic[T, R]):
    results: dict[T, R] = field(default_factory=dict)
    unfinished: list[T] = field(default_factory=list)  # never finished (cancelled)
    cancelled: bool = False
    limits: list[int] = field(default_factory=list)  # every value the limit took, in order
    throttles: int = 0


class AdaptivePool(Generic[T, R]):
    def __init__(self, work: Callable[[T], R], give_up: Callable[[T, Throttled], R], *, max_workers: int = 32,
                 start: int = 16, max_attempts: int = 5, backoff: float = 0.2,
                 on_progress: Callable[[Progress], None] | None = None, cancel: threading.Event | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self._work, self._give_up = work, give_up
        self.max_workers = max_workers
        self._start = max(1, min(start, max_workers))
        self._max_attempts, self._backoff = max_attempts, backoff
        self._on_progress = on_progress
        self._cancel = cancel or threading.Event()
        self._clock = clock

    def run(self, items: list[T]) -> PoolResult[T, R]:
        self._cond = threading.Condition()
        self._queue: list[tuple[float, int, T, int]] = []  # (ready at, order, item, attempts made)
        order = itertools.count()
        for item in items:
            heapq.heappush(self._queue, (0.0, next(order), item, 0))
        self._order = order
        self._total = len(items)
        self._active = 0
        self._limit = self._start
        self._streak = 0
        self._last_throttle = -1e9
        self._began = self._clock()
        self._error: BaseException | None = None
        self.result: PoolResult[T, R] = PoolResult(limits=[self._limit])
        threads = [threading.Thread(target=self._worker, name=f"org-audit-{n}", daemon=True)
                   for n in range(min(self.max_workers, len(items)))]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.2)  # short waits, so Ctrl-C reaches this thread between them
        except KeyboardInterrupt:  # Ctrl-C: stop as cancel does, keeping what was done
            self._cancel.set()
            with self._cond:
                self._cond.notify_all()
            for thread in threads:
                thread.join()
        if self._error is not None:
            raise self._error
        result = self.result
        result.cancelled = self._cancel.is_set() and len(result.results) < self._total
        result.unfinished = [item for item in items if item not in result.results]
        return result

    def _take(self) -> tuple[T, int] | None:
        """The next item this thread may work on, waiting for a free slot or a ready item."""
        with self._cond:
            while True:
                if self._cancel.is_set() or self._error is not None or not self._queue:
                    self._cond.notify_all()
                    return None
                ready_at = self._queue[0][0]
                wait = ready_at - self._clock()
                if self._active < self._limit and wait <= 0:
                    _, _, item, attempts = heapq.heappop(self._queue)
                    self._active += 1
                    return item, attempts
                self._cond.wait(timeout=min(0.5, wait) if wait > 0 else 0.5)

    def _worker(self) -> None:
        while True:
            taken = self._take()
            if taken is None:
                if not self._has_pending():
                    return
                continue
            item, attempts = taken
            try:
                try:
                    value = self._work(item)
                except Throttled as throttled:
                    self._throttled(item, attempts + 1, throttled)
                    continue
                self._finished(item, value, success=True)
            except BaseException as error:  # a bug in work(), give_up() or on_progress(): end the run, re-raised by run()
                with self._cond:  # (the in-flight count no longer matters: every worker stops on _error)
                    self._error = self._error or error
                    self._cond.notify_all()
                return

    def _has_pending(self) -> bool:
        with self._cond:
            if self._cancel.is_set() or self._error is not None:
                return False
            pending = bool(self._queue) or self._active > 0
            if pending and not self._queue:
                self._cond.wait(timeout=0.5)  # an item in flight may come back throttled
            return pending

    def _throttled(self, item: T, attempts: int, error: Throttled) -> None:
        with self._cond:
            self.result.throttles += 1
            now = self._clock()
            if now - self._last_throttle > self._backoff:  # one halving per burst of throttling
                self._limit = max(1, self._limit // 2)
                self.result.limits.append(self._limit)
            self._last_throttle = now
            self._streak = 0
            if attempts < self._max_attempts:
                heapq.heappush(self._queue, (now + self._backoff * 2 ** (attempts - 1), next(self._order), item, attempts))
                self._active -= 1
                self._cond.notify_all()
                return
        self._finished(item, self._give_up(item, error), success=False)

    def _finished(self, item: T, value: R, success: bool) -> None:
        with self._cond:
            self.result.results[item] = value
            self._active -= 1
            if success:
                self._streak += 1
                if self._streak >= self._limit and self._limit < self.max_workers:
                    self._limit += 1
                    self._streak = 0
                    self.result.limits.append(self._limit)
            done = len(self.result.results)
            elapsed = self._clock() - self._began
            progress = Progress(done, self._total, self._limit, self._clock() - self._last_throttle < THROTTLE_MEMORY,
                                elapsed / done * (self._total - done) if done else None)
            self._cond.notify_all()
        if self._on_progress is not None:
            self._on_progress(progress)
