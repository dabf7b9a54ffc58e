"""Where records are kept, the latest one per account, and what drifted since then."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from app import storage
from app.errors import RootwardenError
from app.record.completion import VerifiedRecord, read, verify_bytes
from app.record.dsse import BadRecord

SUFFIX = ".dsse.json"


def save(account_id: str, envelope: bytes, base: Path | None = None, practice: bool = False) -> Path:
    return storage.save_new_bytes(storage.account_dir(account_id, base, practice), "record", envelope, SUFFIX)


def records(account_id: str, base: Path | None = None, practice: bool = False) -> list[Path]:
    """The account's record files, by name (nothing is created when there are none). File
    names are not signed: ``latest`` orders by each record's signed ``finished_at``."""
    folder = storage.records_root(base, practice) / account_id
    return sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []


def latest(account_id: str, public_key: Any, base: Path | None = None, practice: bool = False) -> tuple[VerifiedRecord | None, str | None]:
    """The account's record that verifies and finished last (by its signed ``finished_at``,
    not by file name or date), and a warning naming files that did not verify."""
    verified: list[VerifiedRecord] = []
    refused: list[str] = []
    for path in records(account_id, base, practice):
        try:
            verified.append(verify_bytes(read(path), public_key))
        except BadRecord as error:
            refused.append(f"{path.name} ({error})")
    warning = None
    if refused:
        warning = (f"{len(refused)} record file(s) in the account's folder do not verify and were not compared with: "
                   f"{'; '.join(refused[:3])}{' …' if len(refused) > 3 else ''}")
    if not verified:
        return None, warning
    return max(verified, key=lambda record: _finished(record)), warning


def _finished(record: VerifiedRecord) -> datetime:
    try:
        return datetime.fromisoformat(str(record.predicate["finished_at"]).replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Drift:
    check_id: str
    before: str
    after: str
    since: str  # the previous record's date: the change happened some time after it, not on it

    def describe(self) -> str:
        """Only what is known: the status in that record, the status now — not when it changed."""
        return (f"{self.check_id}: {self.before} → {self.after} "
                f"(was {self.before} in the record of {self.since}; changed some time after)")


def compare(previous: VerifiedRecord, account_id: str, findings: Iterable[dict[str, Any]]) -> list[Drift]:
    if previous.account_id != account_id:
        raise RootwardenError(f"The previous record is for account {previous.account_id}, not {account_id}; "
                              "drift is only shown against a record of the same account.")
    before = {f["id"]: f["status"] for f in previous.predicate.get("findings", [])}
    since = str(previous.predicate.get("finished_at", ""))[:10]
    return [Drift(f["id"], before[f["id"]], f["status"], since)
            for f in findings if f["id"] in before and before[f["id"]] != f["status"]]


@dataclass(frozen=True)
class SavedRecord:
    path: Path
    record_id: str
    keyid: str


def sign_and_save(predicate: dict[str, Any], signing_key: Any, base: Path | None = None, also_to: Path | None = None) -> SavedRecord:
    """Sign the statement with the local key, keep it in the account's folder (and at ``also_to``).
    The predicate's ``previous_record`` is set here, the one place it is looked up: the latest
    record that verifies under this key in the folder the new record goes to."""
    from app.record.completion import build_statement, record_id, sign

    private = signing_key.private_key()
    practice = bool(predicate.get("practice"))
    previous, _ = latest(predicate["account_id"], private.public_key(), base, practice)
    predicate = {**predicate, "previous_record": previous.record_id if previous else None}
    envelope = sign(build_statement(predicate), private)
    write_copy(also_to, envelope)
    path = save(predicate["account_id"], envelope, base, practice)
    from app.record.dsse import keyid

    return SavedRecord(path, record_id(envelope), keyid(private.public_key()))


def write_copy(also_to: Path | None, envelope: bytes) -> None:
    """The record's copy at a path the user chose (``--out``), never over an existing file."""
    if also_to is None:
        return
    try:
        storage.write_exclusive(also_to, envelope)
    except FileExistsError:
        raise RootwardenError(f"{also_to} already exists; choose another name (records are never overwritten).") from None


def drift_since_latest(account_id: str, findings: list[dict[str, Any]], signing_key: Any,
                       base: Path | None = None) -> tuple[list[Drift], str | None, str | None]:
    """(changes since the latest verifiable record, that record's ID, a note) — never fatal:
    no key or no record means nothing to compare."""
    try:
        key = signing_key.public_key(create=False)
        if key is None:
            return [], None, None
        previous, note = latest(account_id, key, base)
        if previous is None:
            return [], None, note
        return compare(previous, account_id, findings), previous.record_id, note
    except RootwardenError as error:
        return [], None, f"Not compared with earlier records: {error}"
