"""Schedules and their outcomes, kept as small JSON files in the user's data folder beside the
records: ``schedules.json`` (what to run) and ``schedule-log.jsonl`` (one line per run: time,
exit code, summary, each check's status). Neither holds a secret: a schedule names a saved
profile, whose credentials stay in the OS keyring.

Safe from one process at a time per file (the CLI and the timer); writes are atomic.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.errors import InvalidInput, RootwardenError

NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
EVERY = re.compile(r"^(\d{1,3})d$")
LOG_KEEP = 500  # lines of outcome log kept


class ScheduleProblem(RootwardenError):
    """A schedule is missing, refused or its files are damaged."""


@dataclass(frozen=True)
class Schedule:
    name: str  # the saved profile's name (one schedule per profile)
    profile: str
    every_days: int
    sign: bool = False


def parse_every(text: str) -> int:
    match = EVERY.match(text.strip())
    if not match or not 1 <= int(match.group(1)) <= 365:
        raise InvalidInput("--every", "a number of days from 1 to 365, like 30d")
    return int(match.group(1))


def folder() -> Path:
    from app.storage import data_dir

    path = data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def load() -> dict[str, Schedule]:
    path = folder() / "schedules.json"
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {name: Schedule(name, str(v["profile"]), int(v["every_days"]), bool(v.get("sign")))
                for name, v in raw.items() if NAME.fullmatch(name)}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ScheduleProblem(f"The list of schedules ({path}) is damaged. Remove the file and add the schedules again.") from None


def save(schedules: dict[str, Schedule]) -> None:
    data = json.dumps({name: {k: v for k, v in asdict(s).items() if k != "name"} for name, s in sorted(schedules.items())}, indent=2)
    _replace(folder() / "schedules.json", data + "\n")


def record_outcome(entry: dict[str, Any]) -> None:
    path = folder() / "schedule-log.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    lines = [*lines[-(LOG_KEEP - 1):], json.dumps(entry, sort_keys=True)]
    _replace(path, "\n".join(lines) + "\n")


def outcomes(name: str | None = None) -> list[dict[str, Any]]:
    """Logged runs, oldest first (of one schedule when ``name`` is given); damaged lines skipped."""
    path = folder() / "schedule-log.jsonl"
    found = []
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and (name is None or entry.get("schedule") == name):
            found.append(entry)
    return found


def last_outcome(name: str) -> dict[str, Any] | None:
    runs = outcomes(name)
    return runs[-1] if runs else None


def _replace(path: Path, text: str) -> None:
    fd, temporary = tempfile.mkstemp(prefix=".rootwarden-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
