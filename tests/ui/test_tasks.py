"""The task runner's rules (ui/tasks.py): failures always surface, cancel is honest, exit asks
tasks to stop, and worker threads are traced (for coverage and debuggers)."""
from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QThreadPool

from app.errors import InvalidInput
from ui import tasks


def test_a_failure_without_handler_reaches_the_user_in_the_error_dialog(qtbot, shown_errors):
    def operation(progress, cancelled):
        raise InvalidInput("Region", "is not a region")

    handle = tasks.run_task(operation, on_success=lambda _: pytest.fail("a failed task succeeded"))
    qtbot.waitUntil(lambda: handle.finished and bool(shown_errors), timeout=5000)
    assert shown_errors == [("Please correct the form", str(InvalidInput("Region", "is not a region")))]


def test_an_unexpected_failure_without_handler_shows_no_traceback(qtbot, shown_errors):
    def operation(progress, cancelled):
        raise KeyError("secret-ish internals")

    tasks.run_task(operation)
    qtbot.waitUntil(lambda: bool(shown_errors), timeout=5000)
    title, text = shown_errors[0]
    assert title == "Unexpected problem" and "KeyError" in text and "secret-ish" not in text


def test_a_given_failure_handler_is_used_instead_of_the_dialog(qtbot, shown_errors):
    seen: list[Exception] = []
    handle = tasks.run_task(lambda p, c: 1 / 0, on_failure=seen.append)
    qtbot.waitUntil(lambda: handle.finished, timeout=5000)
    assert isinstance(seen[0], ZeroDivisionError) and shown_errors == []


def test_cancel_does_not_finish_a_running_task(qtbot):
    release, started = threading.Event(), threading.Event()
    results: list[object] = []

    def operation(progress, cancelled):
        started.set()
        release.wait(10)  # a change already on the wire: it ends when it ends
        return "applied"

    handle = tasks.run_task(operation, on_success=results.append, pool=tasks.change_pool())
    done: list[bool] = []
    handle.done.connect(lambda: done.append(True))
    assert started.wait(5)
    handle.cancel()
    qtbot.wait(50)
    assert handle.cancelled and handle.cancelling and not handle.finished and done == []
    with qtbot.waitSignal(handle.done, timeout=5000):
        release.set()
    assert handle.finished and not handle.cancelling and done == [True]
    assert results == []  # what a cancelled task delivers is dropped


def test_cancel_after_the_end_changes_nothing(qtbot):
    results: list[object] = []
    handle = tasks.run_task(lambda p, c: 7, on_success=results.append)
    qtbot.waitUntil(lambda: handle.finished, timeout=5000)
    handle.cancel()
    assert results == [7] and not handle.cancelled


def test_wait_for_all_asks_running_tasks_to_stop_first(qtbot):
    saw_cancel: list[bool] = []
    started = threading.Event()

    def operation(progress, cancelled):
        started.set()
        for _ in range(1000):  # up to 10 s unless asked to stop
            if cancelled():
                saw_cancel.append(True)
                return
            threading.Event().wait(0.01)

    tasks.run_task(operation)
    assert started.wait(5)
    assert tasks.wait_for_all(3000)  # would time out if the task were only waited for
    assert saw_cancel == [True]


def test_worker_threads_get_the_tracer_installed_with_threading_settrace(qtbot):
    traced: list[str] = []

    def tracer(frame, event, arg):
        if event == "call" and frame.f_code.co_name == "traced_operation":
            traced.append(threading.current_thread().name)
        return None

    def traced_operation(progress, cancelled):
        return "ran"

    pool = QThreadPool()  # fresh threads: none has a tracer yet
    previous = threading.gettrace()
    threading.settrace(tracer)
    try:
        handle = tasks.run_task(traced_operation, pool=pool)
        qtbot.waitUntil(lambda: handle.finished, timeout=5000)
    finally:
        threading.settrace(previous)
    pool.waitForDone(5000)
    assert traced, "the operation ran on a pool thread without the tracer"
    assert sys.gettrace() is not tracer or previous is tracer
