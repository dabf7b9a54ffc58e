"""Run checks concurrently and yield each finding as it completes.

Threading: ``run_checks`` is a generator; iterate it on any one thread (the CLI's main thread,
or a UI worker). Checks run on a bounded pool the runner owns for the duration of the run, one
thread per check (they mostly wait for AWS), so a check waiting for shared data never holds
back an independent one; shared AWS data comes from one ``AccountSnapshot`` per run. The run
has a deadline: checks still running then are yielded as ``unknown`` (``timeout``), naming the
call they were waiting for, and their threads are left to finish on their own. Closing the
generator early (cancel) stops waiting and lets queued checks be dropped.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timezone
from typing import Callable, Iterable, Iterator

from app.aws.context import AwsContext
from app.aws.snapshot import AccountSnapshot
from app.checks import REGISTRY, Check, CheckRun, Settings
from app.errors import AwsCallFailed, RootwardenError
from app.model import Finding, Outcome, Reason, Status

MAX_CHECK_THREADS = 16


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _evaluate(check: Check, run: CheckRun, clock: Callable[[], datetime], threads: dict[str, int]) -> Finding:
    threads[check.id] = threading.get_ident()
    try:
        outcome = check.evaluate(run)
    except AwsCallFailed as error:
        outcome = Outcome(Status.UNKNOWN, str(error), {"failed_action": error.action, "error_code": error.code}, Reason(error.reason))
    except RootwardenError as error:
        outcome = Outcome(Status.UNKNOWN, str(error), {}, Reason(error.reason))
    except Exception as error:  # a bug in a check must not sink the run or show a traceback
        outcome = Outcome(Status.UNKNOWN, f"The check failed unexpectedly ({type(error).__name__}); please report this.", {}, Reason.CHECK_ERROR)
    return Finding(check.info, outcome.status, outcome.summary, outcome.evidence, clock(), outcome.code.value, run.snapshot.partition_name_now())


def _timed_out(check: Check, run: CheckRun, clock: Callable[[], datetime], thread: int | None) -> Finding:
    seconds = run.settings.deadline_seconds
    call = run.snapshot.waiting_for(thread) if thread is not None else None
    if call:
        summary = f"{call} did not answer within the run's {seconds:g}-second deadline. Check the network and re-check."
    else:
        summary = f"The check did not finish within the run's {seconds:g}-second deadline. Check the network and re-check."
    return Finding(check.info, Status.UNKNOWN, summary, {"waiting_for": call, "deadline_seconds": seconds}, clock(),
                   Reason.TIMEOUT.value, run.snapshot.partition_name_now())


def run_checks(
    aws: AwsContext,
    checks: Iterable[Check] = REGISTRY,
    *,
    settings: Settings | None = None,
    clock: Callable[[], datetime] = utc_now,
    sleep: Callable[[float], None] = time.sleep,
    snapshot: AccountSnapshot | None = None,
    monotonic: Callable[[], float] = time.monotonic,
) -> Iterator[Finding]:
    """Yield one ``Finding`` per check, in completion order, all within the run's deadline."""
    checks = list(checks)
    snap = snapshot or AccountSnapshot(aws, sleep=sleep)
    snap.warm(name for check in checks for name in check.shared)
    run = CheckRun(snap, clock(), settings or Settings())
    deadline = monotonic() + run.settings.deadline_seconds
    threads: dict[str, int] = {}
    # A thread per check where calls wait on the network; the in-process simulation (a low
    # ``parallel``: its calls are CPU-bound Python) keeps to a few.
    pool = ThreadPoolExecutor(min(MAX_CHECK_THREADS, max(1, len(checks)), max(1, aws.parallel)), thread_name_prefix="rw-check")
    pending: dict[Future, Check] = {pool.submit(_evaluate, check, run, clock, threads): check for check in checks}
    try:
        while pending:
            done, _ = wait(pending, timeout=max(0.0, deadline - monotonic()), return_when=FIRST_COMPLETED)
            if not done:
                for future, check in list(pending.items()):
                    future.cancel()
                    yield _timed_out(check, run, clock, threads.get(check.id))
                return
            for future in done:
                pending.pop(future)
                yield future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if snapshot is None:
            snap.close()


def exit_code(findings: Iterable[Finding]) -> int:
    """SPEC §8: 0 all clear, 1 any fail, 2 no fail but some unknown."""
    statuses = {f.status for f in findings}
    if Status.FAIL in statuses:
        return 1
    if Status.UNKNOWN in statuses:
        return 2
    return 0
