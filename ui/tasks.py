"""The one way off the UI thread (ARCHITECTURE idea 4).

``run_task(operation, on_success, on_failure, on_progress, pool)`` runs ``operation(progress,
cancelled)`` on a QThreadPool; results, errors and progress arrive on the UI thread through
queued signals of a QObject created there.

Threading rules: the operation runs on a pool thread and never touches widgets (nor reads
attributes of widgets or pages: capture what it needs on the UI thread before starting it);
every callback runs on the UI thread.

Pools: ``check_pool()`` for reads (checks, lookups), ``change_pool()`` — one thread — for
changes to the account, so two fixes never race. Both can be replaced for tests.

Failures always surface: a failure without ``on_failure`` goes to the default failure handler,
the error dialog of ``ui.errors`` over the active window, never into the void.

Cancel is honest: ``TaskHandle.cancel()`` sets a flag the operation polls through
``cancelled()`` and drops whatever the task delivers afterwards, but ``finished`` stays False and
``done`` does not fire until the operation has actually returned (like superqt's workers), so a
busy indicator keeps showing until a change already sent has ended.

At exit, ``wait_for_all`` first asks every running task to stop, then waits for the pools.
"""
from __future__ import annotations

import logging
import sys
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

Operation = Callable[[Callable[[Any], None], Callable[[], bool]], Any]
FailureHandler = Callable[[Exception], None]

log = logging.getLogger("rootwarden")

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


def show_on_active_window(error: Exception) -> None:
    """The default failure handler: the error dialog (ui.errors), over the active window."""
    from PySide6.QtWidgets import QApplication

    from ui import errors

    errors.show_error(QApplication.activeWindow(), error)


_default_failure: FailureHandler = show_on_active_window  # for tasks started without on_failure


class TaskHandle(QObject):
    """Lives on the UI thread; receives the worker's signals there and calls the callbacks."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)
    done = Signal()  # once the operation has returned (success, failure, or after a cancel): for busy indicators

    def __init__(self, on_success: Callable[[Any], None] | None, on_failure: FailureHandler | None,
                 on_progress: Callable[[Any], None] | None) -> None:
        super().__init__()
        self._cancel = threading.Event()
        self._on_success, self._on_failure, self._on_progress = on_success, on_failure, on_progress
        self.finished = False  # True only once the operation has actually ended
        self.succeeded.connect(self._success)
        self.failed.connect(self._failure)
        self.progressed.connect(self._progress)

    def cancel(self) -> None:
        """Ask the operation to stop and drop what it delivers; ``done`` still waits for its end."""
        if not self.finished:
            self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def cancelling(self) -> bool:
        """Cancelled, but the operation is still running."""
        return self.cancelled and not self.finished

    @Slot(object)
    def _success(self, result: Any) -> None:
        self._finish(self._on_success, result)

    @Slot(object)
    def _failure(self, error: Exception) -> None:
        if self.cancelled:
            log.info("a cancelled task ended with %s", type(error).__name__)
        self._finish(self._on_failure or _default_failure, error)

    def _finish(self, callback: Callable[[Any], None] | None, value: Any) -> None:
        self.finished = True
        try:
            if callback and not self.cancelled:
                callback(value)
        finally:
            self.done.emit()

    @Slot(object)
    def _progress(self, item: Any) -> None:
        if not self.cancelled and self._on_progress:
            self._on_progress(item)


class _Runnable(QRunnable):
    def __init__(self, operation: Operation, handle: TaskHandle) -> None:
        super().__init__()
        self._operation, self._handle = operation, handle

    def run(self) -> None:  # pragma: no cover  (runs before the tracer it installs)
        # QThreadPool threads are not started by `threading`, so a tracer installed with
        # threading.settrace (coverage, debuggers) never reaches them unless installed here;
        # it applies to the frames called after it, from _run on.
        trace = threading.gettrace()
        if trace is not None and sys.gettrace() is None:
            sys.settrace(trace)
        self._run()

    def _run(self) -> None:
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
             on_failure: FailureHandler | None = None, on_progress: Callable[[Any], None] | None = None,
             pool: QThreadPool | None = None) -> TaskHandle:
    """Start ``operation`` on ``pool`` (default: the check pool). Call from the UI thread.

    Without ``on_failure`` a failure goes to the default failure handler (an error dialog)."""
    handle = TaskHandle(on_success, on_failure, on_progress)
    _live.add(handle)
    handle.done.connect(lambda: _live.discard(handle))
    (pool or check_pool()).start(_Runnable(operation, handle))
    return handle


def cancel_all() -> None:
    """Ask every running task to stop (each operation sees ``cancelled()`` become True)."""
    for handle in list(_live):
        handle.cancel()


def wait_for_all(timeout_ms: int = 10000) -> bool:
    """At exit: ask every running task to stop, then wait for the pools, so no worker outlives
    the QApplication. True when all ended within ``timeout_ms``."""
    cancel_all()
    return all(pool.waitForDone(timeout_ms) for pool in _pools.values())
