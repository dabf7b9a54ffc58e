"""The one way off the UI thread (ARCHITECTURE idea 4).

``run_task(operation, on_success, on_failure, on_progress, pool)`` runs ``operation(progress,
cancelled)`` on a QThreadPool; results, errors and progress arrive on the UI thread through
queued signals of a QObject created there. The operation never touches widgets.

Pools: ``check_pool()`` for reads (checks, lookups), ``change_pool()`` — one thread — for
changes to the account, so two fixes never race. Both can be replaced for tests.
Cancel: ``TaskHandle.cancel()`` sets a flag the operation polls through ``cancelled()``, and
drops whatever the task delivers afterwards.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

Operation = Callable[[Callable[[Any], None], Callable[[], bool]], Any]

_pools: dict[str, QThreadPool] = {}


def check_pool() -> QThreadPool:
    if "check" not in _pools:
        pool = QThreadPool()
        pool.setMaxThreadCount(3)
        _pools["check"] = pool
    return _pools["check"]


def change_pool() -> QThreadPool:
    if "change" not in _pools:
        pool = QThreadPool()
        pool.setMaxThreadCount(1)
        _pools["change"] = pool
    return _pools["change"]


class TaskHandle(QObject):
    """Lives on the UI thread; receives the worker's signals there and calls the callbacks."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)
    done = Signal()  # after success, failure or cancel: for busy indicators

    def __init__(self, on_success: Callable[[Any], None] | None, on_failure: Callable[[Exception], None] | None,
                 on_progress: Callable[[Any], None] | None) -> None:
        super().__init__()
        self._cancel = threading.Event()
        self._on_success, self._on_failure, self._on_progress = on_success, on_failure, on_progress
        self.finished = False
        self.succeeded.connect(self._success)
        self.failed.connect(self._failure)
        self.progressed.connect(self._progress)

    def cancel(self) -> None:
        if not self.finished:
            self._cancel.set()
            self.finished = True
            self.done.emit()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot(object)
    def _success(self, result: Any) -> None:
        self._finish(self._on_success, result)

    @Slot(object)
    def _failure(self, error: Exception) -> None:
        self._finish(self._on_failure, error)

    def _finish(self, callback: Callable[[Any], None] | None, value: Any) -> None:
        if not self.cancelled:
            self.finished = True
            if callback:
                callback(value)
            self.done.emit()

    @Slot(object)
    def _progress(self, item: Any) -> None:
        if not self.cancelled and self._on_progress:
            self._on_progress(item)


class _Runnable(QRunnable):
    def __init__(self, operation: Operation, handle: TaskHandle) -> None:
        super().__init__()
        self._operation, self._handle = operation, handle

    def run(self) -> None:
        handle = self._handle
        try:
            try:
                result = self._operation(handle.progressed.emit, handle._cancel.is_set)
            except Exception as error:  # delivered to on_failure on the UI thread
                handle.failed.emit(error)
            else:
                handle.succeeded.emit(result)
        except RuntimeError:
            pass  # the receiver is gone (the window closed while this ran): nobody left to tell


_live: set[TaskHandle] = set()  # keeps handles alive until their task reports


def run_task(operation: Operation, on_success: Callable[[Any], None] | None = None,
             on_failure: Callable[[Exception], None] | None = None, on_progress: Callable[[Any], None] | None = None,
             pool: QThreadPool | None = None) -> TaskHandle:
    """Start ``operation`` on ``pool`` (default: the check pool). Call from the UI thread."""
    handle = TaskHandle(on_success, on_failure, on_progress)
    _live.add(handle)
    handle.done.connect(lambda: _live.discard(handle))
    (pool or check_pool()).start(_Runnable(operation, handle))
    return handle


def wait_for_all(timeout_ms: int = 10000) -> bool:
    """Wait for every running task to finish (at exit, so no worker outlives the QApplication)."""
    return all(pool.waitForDone(timeout_ms) for pool in _pools.values())
