"""Resuming a partial organization audit (SPEC §12 "a partial run can be resumed from its saved
state").

A run that was cancelled (or ended with accounts not reached) is saved as a *state*: the
accounts already judged, with their findings and root sessions, signed with the local
record-signing key as a DSSE envelope — a state file is an input that decides verdicts, so one
edited by hand (an account turned to ``pass``) must be refused, not trusted. Resuming reads the
inventory afresh and audits again every account that was not reached, is new, or changed state;
accounts reached before keep their findings with their original ``checked_at``. States older
than ``MAX_AGE`` (4 hours) are refused: old answers are not today's evidence.

Pure functions and file I/O; no Qt; safe from any thread (``SigningKey`` may block on the
keyring: call from a worker thread in the UI).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from app import storage
from app.record import dsse, strict
from app.record.dsse import BadRecord

SCHEMA = "rootwarden/org-scan-state-v1"
PAYLOAD_TYPE = "application/vnd.rootwarden.org-state+json"
# As old as a source may be and still count (SPEC §2.2: the 4-hour credential report is the
# limit); older answers are not reused — run the audit again.
MAX_AGE = timedelta(hours=4)


@dataclass(frozen=True)
class SavedState:
    """What a resumed run may reuse: results of accounts reached before, by account ID."""

    organization_id: str
    management_account_id: str
    saved_at: datetime
    scope: dict[str, Any]  # accounts, exclude, ou of the first run
    results: dict[str, Any]  # account ID → app.org.scan.MemberResult (reached only)


def state_document(scan: Any, scope: dict[str, Any]) -> dict[str, Any]:
    from app.model import rfc3339
    from app.org.record import account_entry, session_entry

    reached = []
    for result in scan.members:
        if result.reached:
            entry = account_entry(result)
            entry["session"] = session_entry(result.session) if result.session is not None else None
            reached.append(entry)
    return {"schema": SCHEMA, "organization_id": scan.organization_id, "management_account_id": scan.management_account_id,
            "saved_at": rfc3339(datetime.now(timezone.utc)), "started_at": rfc3339(scan.started_at), "scope": scope,
            "reached": reached}


def save(scan: Any, scope: dict[str, Any], signing_key: Any, folder: Path | None = None, practice: bool = False) -> Path:
    """Sign and write the state; returns its path (a new file, never overwriting one)."""
    where = folder or (storage.data_dir() / ("practice-org-state" if practice else "org-state"))
    where.mkdir(parents=True, exist_ok=True)
    body = json.dumps(state_document(scan, scope), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    envelope = dsse.envelope_bytes(dsse.sign(body, signing_key.private_key(), PAYLOAD_TYPE))
    return storage.save_new_bytes(where, f"{scan.organization_id}-state", envelope, ".dsse.json")


def load(path: Path, public_key: Any, now: datetime | None = None) -> SavedState:
    """The verified state at ``path``; ``BadRecord`` says why it cannot be used."""
    from app.account_id import is_account_id
    from app.model import finding_from_dict
    from app.org.inventory import Member
    from app.org.member_audit import RootSessionInfo
    from app.org.scan import MemberResult

    data = strict.read_file(Path(path))
    body = dsse.verify(data, public_key, PAYLOAD_TYPE)
    document = strict.loads(body, "not a saved organization run")
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise BadRecord("not a saved organization run (schema)")
    try:
        saved_at = _when(document["saved_at"])
        results: dict[str, MemberResult] = {}
        for entry in document["reached"]:
            if not is_account_id(entry["id"]) or entry["reached"] is not True:
                raise BadRecord("a saved account without a 12-digit ID or not reached")
            session = entry.get("session")
            info = RootSessionInfo(session["account_id"], session["task_policy_arn"], session["region"],
                                   _when(session["started_at"]), session["access_key_id"]) if session else None
            member = Member(entry["id"], str(entry["name"]), str(entry["state"]), str(entry["joined_method"]), ou=str(entry["ou"]))
            results[entry["id"]] = MemberResult(member, tuple(finding_from_dict(f) for f in entry["findings"]), True, info)
        state = SavedState(str(document["organization_id"]), str(document["management_account_id"]), saved_at,
                           dict(document["scope"]), results)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BadRecord(f"a saved organization run with a missing or malformed field ({type(error).__name__})") from None
    age = (now or datetime.now(timezone.utc)) - saved_at
    if age > MAX_AGE or age < -timedelta(minutes=5):
        raise BadRecord(f"saved {saved_at:%Y-%m-%d %H:%M} UTC: older than {MAX_AGE.total_seconds() / 3600:g} hours (or in the future); "
                        "its answers are not current — run the audit again")
    return state


def _when(text: Any) -> datetime:
    if not isinstance(text, str):
        raise ValueError("not a time")
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
