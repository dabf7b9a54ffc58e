"""What a check is: its text as data (``CheckInfo``) and one small function.

A check function receives a ``CheckRun`` and returns an ``Outcome``. It runs on a worker
thread, reads the account only through ``run.snapshot`` (so every distinct call is made once
per run) and may raise ``AwsCallFailed``: the runner turns that into ``unknown`` naming the
IAM action. It never changes the account.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from app.aws.snapshot import AccountSnapshot
from app.model import CheckInfo, Outcome

SECURITY_CREDENTIALS_URL = "https://console.aws.amazon.com/iam/home#/security_credentials"
ROOT_BEST_PRACTICES = "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html"


@dataclass(frozen=True)
class Settings:
    """Per-run choices. ``session_started_at`` is set during a first-time setup session."""

    recent_use_days: int = 30
    session_started_at: datetime | None = None
    # The whole run's deadline (SPEC §4): checks still waiting then are `unknown` (timeout).
    deadline_seconds: float = 60.0


@dataclass(frozen=True)
class CheckRun:
    snapshot: AccountSnapshot
    now: datetime
    settings: Settings = field(default_factory=Settings)


@dataclass(frozen=True)
class Check:
    info: CheckInfo
    evaluate: Callable[[CheckRun], Outcome]
    # Snapshot data the check reads ("identity", "credential_report", "account_summary"):
    # started early for the run, and only when a check of the run needs it.
    shared: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.info.id


def paginate(run: CheckRun, service: str, operation: str, items: str, token: str,
             region: str | None = None, **params: Any) -> list[Any]:
    """Every item of a paginated listing, through the run's snapshot (``AccountSnapshot.pages``)."""
    return run.snapshot.pages(service, operation, items, token, region, **params)
