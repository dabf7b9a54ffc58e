"""The run a schedule's timer starts (``rootwarden schedule run NAME``): verify the saved
profile's account, log the outcome beside the records, and notify the desktop when something
changed — a check that fails, turns unknown or drifts — and stay silent when all is as before.

Runs unattended: no prompt ever (no terminal), every problem is logged and, when new, notified.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from app.errors import RootwardenError
from app.notify import Sink, notify
from app.schedule import store

SLACK = timedelta(hours=2)  # a daily timer with a random delay still counts as "every N days"


def due(schedule: store.Schedule, last: dict[str, Any] | None, now: datetime) -> bool:
    if not last:
        return True
    try:
        previous = datetime.fromisoformat(str(last["time"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return True
    return now - previous >= timedelta(days=schedule.every_days) - SLACK


def run_scheduled(name: str, sink: Sink = notify, now: datetime | None = None, force: bool = False) -> int:
    """One scheduled run; returns verify's exit code (0 when not yet due)."""
    from app.verification import VerifyRequest, run
    from app.model import rfc3339
    from app.runner import exit_code

    now = now or datetime.now(timezone.utc)
    schedule = store.load().get(name)
    if schedule is None:
        raise store.ScheduleProblem(f"No schedule named “{name}”. `rootwarden schedule list` shows them.")
    history = store.outcomes(name)
    if not force and not due(schedule, history[-1] if history else None, now):
        return 0
    request = VerifyRequest(profile=schedule.profile, sign=schedule.sign, operator="rootwarden schedule")
    entry: dict[str, Any] = {"schedule": name, "profile": schedule.profile, "time": rfc3339(now)}
    try:
        result = run(request)
    except RootwardenError as problem:
        entry.update(exit_code=3, summary=f"could not run: {problem}", statuses=None)
        earlier = history[-1] if history else None
        if earlier is None or earlier.get("exit_code") != 3:
            entry["notified"] = sink(f"Rootwarden could not re-verify profile {name}", str(problem))
        store.record_outcome(entry)
        return 3
    code = exit_code(result.findings)
    statuses = {f.id: f.status.value for f in result.findings}
    account = result.context["account_id"]
    entry.update(exit_code=code, account_id=account, statuses=statuses, summary=_summary(statuses),
                 record=str(result.saved.path) if result.saved else None)
    message = _what_changed(statuses, _last_statuses(history), result.drift)
    if message:
        alias = result.context.get("account_alias")
        entry["notified"] = sink(f"Rootwarden: account {account}{f' ({alias})' if alias else ''} changed", message)
    store.record_outcome(entry)
    return code


def _last_statuses(history: list[dict[str, Any]]) -> dict[str, str] | None:
    for entry in reversed(history):
        if isinstance(entry.get("statuses"), dict):
            return entry["statuses"]
    return None


def _what_changed(now: dict[str, str], before: dict[str, str] | None, drift: list) -> str | None:
    """The notification's text, or None when nothing is worth saying."""
    if before is None:  # the first run: say what needs attention, and drift from the last record
        lines = [f"{check} {status}" for check, status in now.items() if status in ("fail", "unknown")]
        lines += [change.describe() for change in drift]
        return "; ".join(dict.fromkeys(lines)) or None
    changed = [f"{check} {before.get(check, 'new')} → {status}" for check, status in now.items() if before.get(check) != status]
    return "; ".join(changed) or None


def _summary(statuses: dict[str, str]) -> str:
    counts = {s: list(statuses.values()).count(s) for s in ("fail", "unknown", "warn", "pass")}
    return ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no checks"
