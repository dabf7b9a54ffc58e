"""One run's shared view of the account: every distinct AWS call made at most once.

Threading: any number of check threads may ask for the same data at once. The first asker
performs the call on its own thread; the others wait on the same future and get the same result
or the same error. ``prefetch`` starts calls early on the snapshot's I/O pool (never a check
thread), so a check can overlap independent round trips. The snapshot also knows which call
each thread is waiting for, so a run that passes its deadline can name the call that did not
answer. Ownership: the snapshot lives for one run; a re-check makes a new one.
"""
from __future__ import annotations

import json
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Iterable

from app.aws import credential_report
from app.aws.context import AwsContext
from app.aws.errors import iam_action
from app.aws.partition import Partition, for_region, from_arn
from app.errors import IncompleteListing, UnsupportedPartition

# A listing longer than this many pages is not read to its end (and judged `unknown`).
MAX_PAGES = 200

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
        self._waiting: dict[int, str] = {}  # thread ident → the IAM action it waits for

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
    def memo(self, key: Any, produce: Callable[[], Any], waits_for: str = "") -> Any:
        """``produce()``'s result, computed once per run for ``key`` by its first asker.
        ``waits_for`` names the AWS call(s) behind it, for a deadline report."""
        ident = threading.get_ident()
        with self._lock:
            future = self._futures.get(key)
            owner = future is None
            if owner:
                future = Future()
                self._futures[key] = future
            before = self._waiting.get(ident)
            if waits_for:
                self._waiting[ident] = waits_for
        try:
            if owner:
                try:
                    future.set_result(produce())
                except BaseException as error:  # delivered to every waiter, re-raised below
                    future.set_exception(error)
            return future.result()
        finally:
            with self._lock:
                if before is None:
                    self._waiting.pop(ident, None)
                else:
                    self._waiting[ident] = before

    def waiting_for(self, thread_ident: int) -> str | None:
        """The AWS call a thread is waiting for right now, if any."""
        with self._lock:
            return self._waiting.get(thread_ident)

    def call(self, service: str, operation: str, region: str | None = None, **params: Any) -> dict[str, Any]:
        """The response of one AWS call, made once per run for the same arguments."""
        region = region or self.aws.region
        key = (service, region, operation, json.dumps(params, sort_keys=True, default=str))
        return self.memo(key, lambda: self.aws.call(service, operation, region, **params), iam_action(service, operation))

    def pages(self, service: str, operation: str, items: str, token: str, region: str | None = None,
              **params: Any) -> list[Any]:
        """Every item of a paginated listing, each page fetched once per run.

        ``token`` names the paging parameter, the same in request and response (NextToken,
        Marker). A token that repeats, or more than ``MAX_PAGES`` pages, raises
        ``IncompleteListing``: a verdict is never drawn from part of a list.
        """
        found: list[Any] = []
        seen: set[str] = set()
        next_token: str | None = None
        for _ in range(MAX_PAGES):
            page = self.call(service, operation, region, **params, **({token: next_token} if next_token else {}))
            found.extend(page.get(items) or [])
            next_token = page.get(token)
            if page.get("IsTruncated") is True and not next_token:
                raise IncompleteListing(iam_action(service, operation), "AWS said the list goes on but gave no page token")
            if not next_token or page.get("IsTruncated") is False:
                return found
            if not isinstance(next_token, str) or next_token in seen:
                raise IncompleteListing(iam_action(service, operation), "AWS repeated a page token")
            seen.add(next_token)
        raise IncompleteListing(iam_action(service, operation), f"more than {MAX_PAGES} pages")

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
    def partition(self) -> Partition:
        """The caller's partition (aws, aws-us-gov, aws-cn…), from its ARN."""
        return from_arn(str(self.identity()["Arn"]))

    def partition_name_now(self) -> str:
        """The partition without waiting: the caller's if already known, else the region's."""
        with self._lock:
            future = self._futures.get(self._identity_key())
        if future is not None and future.done() and future.exception() is None:
            try:
                return from_arn(str(future.result()["Arn"])).name
            except ValueError:
                pass
        found = for_region(self.aws.region)
        return found.name if found else "aws"

    def _identity_key(self) -> Any:
        return ("sts", self.aws.region, "GetCallerIdentity", json.dumps({}, sort_keys=True))

    @property
    def root_arn(self) -> str:
        return self.partition.root_arn(self.account_id)

    @property
    def sign_in_region(self) -> str:
        """Where root sign-in and global-service events land in this partition (us-east-1,
        us-gov-west-1, cn-north-1); ``UnsupportedPartition`` where Rootwarden does not know."""
        region = self.partition.sign_in_region
        if region is None:
            raise UnsupportedPartition(self.partition.name)
        return region

    def credential_report(self) -> credential_report.CredentialReport:
        def produce() -> credential_report.CredentialReport:
            # Polling calls are not memoized: each GenerateCredentialReport is a new question.
            return credential_report.fetch(lambda op, **p: self.aws.call("iam", op, **p), self._sleep)

        return self.memo("credential-report", produce, "iam:GenerateCredentialReport / iam:GetCredentialReport")

    def account_summary(self) -> dict[str, int]:
        return self.call("iam", "GetAccountSummary")["SummaryMap"]

    def account_alias(self) -> str | None:
        aliases = self.call("iam", "ListAccountAliases")["AccountAliases"]
        return aliases[0] if aliases else None


def _quietly(fetch: Callable[[], Any]) -> None:
    try:
        fetch()
    except BaseException:
        pass  # kept in the memo; the check that asks for it reports it
