"""Measure how long the UI thread's event loop stalls (SPEC §11: never more than 50 ms).

A precise timer fires every ``interval_ms``; any extra delay between ticks is time the event
loop could not run. Create and use on the UI thread.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer


class StallMeter(QObject):
    def __init__(self, interval_ms: int = 5) -> None:
        super().__init__()
        self.interval = interval_ms / 1000
        self.longest = 0.0
        self._last: float | None = None
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.longest, self._last = 0.0, time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        """Stop and return the longest stall, in milliseconds."""
        self._timer.stop()
        return self.longest * 1000

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.longest = max(self.longest, now - self._last - self.interval)
        self._last = now
