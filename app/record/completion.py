"""The completion record's content: an in-toto Statement v1 about one AWS account, signed as a
DSSE envelope; and reading one back, trusting only the exact bytes that were verified."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.record import dsse
from app.record.dsse import BadRecord

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://rootwarden.dev/completion-record/v1"


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def findings_digest(findings: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical(findings)).hexdigest()


def build_statement(predicate: dict[str, Any]) -> dict[str, Any]:
    """``predicate`` holds tool_version, mode, account_id, account_alias, caller_arn, operator,
    notes, started_at, finished_at, findings, audit_log, skipped, previous_record, notes_on_changes."""
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": f"aws-account/{predicate['account_id']}", "digest": {"sha256": findings_digest(predicate["findings"])}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    }


def sign(statement: dict[str, Any], private_key: Any) -> bytes:
    """The envelope as the bytes to write (indented JSON; the signature covers the payload)."""
    envelope = dsse.sign(canonical(statement), private_key)
    return (json.dumps(envelope, indent=2) + "\n").encode("ascii")


def record_id(data: bytes) -> str:
    """A record's ID: sha256 of the record file's exact bytes (also in the report's QR code)."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class VerifiedRecord:
    statement: dict[str, Any]
    record_id: str
    keyid: str

    @property
    def predicate(self) -> dict[str, Any]:
        return self.statement["predicate"]

    @property
    def account_id(self) -> str:
        return str(self.predicate["account_id"])


def verify_bytes(data: bytes, public_key: Any) -> VerifiedRecord:
    body = dsse.verify(data, public_key)
    try:
        statement = json.loads(body)
    except ValueError:
        raise BadRecord("not in-toto: the signed payload is not JSON") from None
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE:
        raise BadRecord("not in-toto: the payload is not an in-toto Statement v1")
    if statement.get("predicateType") != PREDICATE_TYPE or not isinstance(statement.get("predicate"), dict):
        raise BadRecord(f"not a Rootwarden record: predicateType is {statement.get('predicateType')!r}")
    predicate = statement["predicate"]
    subject = (statement.get("subject") or [{}])[0]
    if subject.get("name") != f"aws-account/{predicate.get('account_id')}" or \
            subject.get("digest", {}).get("sha256") != findings_digest(predicate.get("findings", [])):
        raise BadRecord("not in-toto: the subject does not match the account or the findings")
    return VerifiedRecord(statement, record_id(data), dsse.keyid(public_key))


def read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise BadRecord(f"unreadable: {error.strerror or error}") from None


def make_predicate(*, mode: str, account_id: str, account_alias: str | None, caller_arn: str, operator: str, notes: str,
                   started_at: str, finished_at: str, findings: list[dict[str, Any]], audit_log: list[dict[str, Any]],
                   skipped: list[dict[str, Any]], previous_record: str | None, pending_changes: list[str] | None = None) -> dict[str, Any]:
    from app import __version__

    return {
        "tool": "rootwarden",
        "tool_version": __version__,
        "mode": mode,
        "account_id": account_id,
        "account_alias": account_alias,
        "caller_arn": caller_arn,
        "operator": operator,
        "notes": notes,
        "started_at": started_at,
        "finished_at": finished_at,
        "findings": findings,
        "audit_log": audit_log,
        "skipped": skipped,
        # Changes made after signing (the root key the session used): confirmed only by a later re-verification.
        "pending_changes": pending_changes or [],
        "previous_record": previous_record,
    }
