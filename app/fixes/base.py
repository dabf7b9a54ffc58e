"""Shared pieces of every fix: planned changes, the audit log, and the failure report."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from app.aws.context import AwsContext
from app.account_id import check_pin
from app.errors import RootwardenError
from app.model import rfc3339

MANAGED_TAG = {"Key": "rootwarden:managed", "Value": "true"}


@dataclass(frozen=True)
class Change:
    """One thing a fix will do, in words a confirmation dialog can show."""

    verb: str  # create / update / delete
    what: str
    action: str  # the IAM action that performs it

    def describe(self) -> str:
        return f"{self.verb.capitalize()} {self.what}"


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    fix: str
    action: str
    what: str
    result: str  # "done", "already in place", "failed: ..."

    def as_dict(self) -> dict[str, Any]:
        return {"at": rfc3339(self.at), "fix": self.fix, "action": self.action, "what": self.what, "result": self.result}


class AuditLog:
    """Every change made in a session, in order. Thread-safe; owned by the session."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self._clock = clock
        self._entries: list[AuditEntry] = []
        self._lock = threading.Lock()

    def record(self, fix: str, change: Change, result: str) -> AuditEntry:
        entry = AuditEntry(self._clock(), fix, change.action, change.what, result)
        with self._lock:
            self._entries.append(entry)
        return entry

    def entries(self) -> list[AuditEntry]:
        with self._lock:
            return list(self._entries)


class FixFailed(RootwardenError):
    """A fix stopped midway; the message says what was done and what was not."""

    def __init__(self, fix: str, cause: Exception, done: Iterable[Change], not_done: Iterable[Change]) -> None:
        done, not_done = list(done), list(not_done)
        lines = [f"{fix} stopped: {cause}"]
        lines.append("Done: " + ("; ".join(c.describe() for c in done) if done else "nothing was changed."))
        if not_done:
            lines.append("Not done: " + "; ".join(c.describe() for c in not_done) + ".")
        super().__init__("\n".join(lines))
        self.cause = cause
        self.done = done
        self.not_done = not_done


def apply_steps(name: str, steps: list[tuple[Change, Callable[[], str | None]]], audit: AuditLog,
                before_each: Callable[[], None] = lambda: None) -> None:
    """Run each step in order, auditing it; on error, audit the failure and raise ``FixFailed``.
    ``before_each`` runs right before every step (the account check) and can stop the fix."""
    done: list[Change] = []
    for index, (change, perform) in enumerate(steps):
        try:
            before_each()
            result = perform() or "done"
        except Exception as error:
            audit.record(name, change, f"failed: {error}")
            raise FixFailed(name, error, done, [c for c, _ in steps[index:]]) from None
        audit.record(name, change, result)
        done.append(change)


def ensure_account(aws: AwsContext, account_id: str) -> None:
    """Ask STS now (never a cached answer) which account the credentials reach."""
    check_pin(account_id, str(aws.call("sts", "GetCallerIdentity")["Account"]))


class Fix:
    """Base of every fix: a name, a plan, and ``apply``."""

    name = "fix"

    def plan(self) -> list[Change]:
        return [change for change, _ in self._steps(None)]

    def apply(self, aws: AwsContext, audit: AuditLog, account_id: str) -> None:
        """Make the changes, each right after checking that the credentials still reach the
        pinned account ``account_id`` (SPEC §2.4): a profile re-resolved to other credentials,
        or a session swapped underneath, stops the fix before it touches the wrong account."""
        ensure_account(aws, account_id)
        try:
            self.preflight(aws)
        except Exception as error:
            raise FixFailed(self.name, error, [], self.plan()) from None
        apply_steps(self.name, self._steps(aws), audit, lambda: ensure_account(aws, account_id))

    def preflight(self, aws: AwsContext) -> None:
        """Checks made before the first change; raising stops the fix with nothing changed."""

    def _steps(self, aws: AwsContext | None) -> list[tuple[Change, Callable[[], str | None]]]:
        raise NotImplementedError
