"""Run checks concurrently and yield each finding as it completes.

Threading: ``run_checks`` is a generator; iterate it on any one thread (the CLI's main thread,
or a UI worker). Checks run on a bounded pool the runner owns for the duration of the run;
shared AWS data comes from one ``AccountSnapshot`` per run. Closing the generator early
(cancel) stops waiting and lets queued checks be dropped.
"""
from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timezone
from typing import Callable, Iterable, Iterator

from app.aws.context import AwsContext
from app.aws.snapshot import AccountSnapshot
from app.checks import REGISTRY, Check, CheckRun, Settings
from app.errors import AwsCallFailed, RootwardenError
from app.model import Finding, Outcome, Status

MAX_CHECK_THREADS = 6


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _evaluate(check: Check, run: CheckRun, clock: Callable[[], datetime]) -> Finding:
    try:
        outcome = check.evaluate(run)
    except AwsCallFailed as error:
        outcome = Outcome(Status.UNKNOWN, str(error), {"failed_action": error.action, "error_code": error.code})
    except RootwardenError as error:
        outcome = Outcome(Status.UNKNOWN, str(error), {})
    except Exception as error:  # a bug in a check must not sink the run or show a traceback
        outcome = Outcome(Status.UNKNOWN, f"The check failed unexpectedly ({type(error).__name__}); please report this.", {})
    return Finding(check.info, outcome.status, outcome.summary, outcome.evidence, clock())


def run_checks(
    aws: AwsContext,
    checks: Iterable[Check] = REGISTRY,
    *,
    settings: Settings | None = None,
    clock: Callable[[], datetime] = utc_now,
    sleep: Callable[[float], None] = time.sleep,
    snapshot: AccountSnapshot | None = None,
) -> Iterator[Finding]:
    """Yield one ``Finding`` per check, in completion order."""
    checks = list(checks)
    snap = snapshot or AccountSnapshot(aws, sleep=sleep)
    snap.warm(name for check in checks for name in check.shared)
    run = CheckRun(snap, clock(), settings or Settings())
    pool = ThreadPoolExecutor(min(MAX_CHECK_THREADS, aws.parallel, max(1, len(checks))), thread_name_prefix="rw-check")
    pending: set[Future] = {pool.submit(_evaluate, check, run, clock) for check in checks}
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
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
