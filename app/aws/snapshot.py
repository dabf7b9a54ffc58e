"""One run's shared view of the account: every distinct AWS call made at most once.

Threading: any number of check threads may ask for the same data at once. The first asker
performs the call on its own thread; the others wait on the same future and get the same result
or the same error. ``prefetch`` starts calls early on the snapshot's I/O pool (never a check
thread), so a check can overlap independent round trips. Ownership: the snapshot lives for one
run; a re-check makes a new one.
"""
from __future__ import annotations

import json
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Iterable

from app.aws import credential_report
from app.aws.context import AwsContext

# Shared data the checks use, and the IAM actions it needs (for `rootwarden policy`).
SHARED_ACTIONS = (
    "sts:GetCallerIdentity",
    "iam:GenerateCredentialReport",
    "iam:GetCredentialReport",
    "iam:GetAccountSummary",
    "iam:ListAccountAliases",
)


class AccountSnapshot:
    def __init__(
        self,
        aws: AwsContext,
        *,
        sleep: Callable[[float], None] = time.sleep,
        io_threads: int | None = None,
    ) -> None:
        self.aws = aws
        self._sleep = sleep
        self._io_threads = io_threads or aws.parallel
        self._io_pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._futures: dict[Any, Future] = {}

    def close(self) -> None:
        """Stop the I/O pool; calls already running finish on their own."""
        with self._lock:
            pool, self._io_pool = self._io_pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> "AccountSnapshot":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the one memo --------------------------------------------------------------------
    def _memo(self, key: Any, produce: Callable[[], Any]) -> Any:
        with self._lock:
            future = self._futures.get(key)
            owner = future is None
            if owner:
                future = Future()
                self._futures[key] = future
        if owner:
            try:
                future.set_result(produce())
            except BaseException as error:  # delivered to every waiter, re-raised below
                future.set_exception(error)
        return future.result()

    def call(self, service: str, operation: str, region: str | None = None, **params: Any) -> dict[str, Any]:
        """The response of one AWS call, made once per run for the same arguments."""
        region = region or self.aws.region
        key = (service, region, operation, json.dumps(params, sort_keys=True, default=str))
        return self._memo(key, lambda: self.aws.call(service, operation, region, **params))

    def start(self, fetch: Callable[[], Any]) -> None:
        """Run a memoized fetch on the I/O pool without waiting; its error reaches whoever asks."""
        with self._lock:
            if self._io_pool is None:
                self._io_pool = ThreadPoolExecutor(self._io_threads, thread_name_prefix="rw-io")
            pool = self._io_pool
        pool.submit(_quietly, fetch)

    def prefetch(self, *calls: tuple[str, str, str | None, dict[str, Any]]) -> None:
        """Start AWS calls early, together; ``call`` with the same arguments then waits for them."""
        for service, operation, region, params in calls:
            self.start(lambda s=service, o=operation, r=region, p=params: self.call(s, o, r, **p))

    def warm(self, needed: Iterable[str] = ("identity", "credential_report", "account_summary")) -> None:
        """Start the shared data the run's checks need, so it overlaps with everything else."""
        for name in dict.fromkeys(needed):
            self.start(getattr(self, name))

    # -- shared data ---------------------------------------------------------------------
    def identity(self) -> dict[str, Any]:
        return self.call("sts", "GetCallerIdentity")

    @property
    def account_id(self) -> str:
        return str(self.identity()["Account"])

    @property
    def root_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:root"

    def credential_report(self) -> credential_report.CredentialReport:
        def produce() -> credential_report.CredentialReport:
            # Polling calls are not memoized: each GenerateCredentialReport is a new question.
            return credential_report.fetch(lambda op, **p: self.aws.call("iam", op, **p), self._sleep)

        return self._memo("credential-report", produce)

    def account_summary(self) -> dict[str, int]:
        return self.call("iam", "GetAccountSummary")["SummaryMap"]

    def account_alias(self) -> str | None:
        aliases = self.call("iam", "ListAccountAliases").get("AccountAliases") or []
        return aliases[0] if aliases else None


def _quietly(fetch: Callable[[], Any]) -> None:
    try:
        fetch()
    except BaseException:
        pass  # kept in the memo; the check that asks for it reports it
