"""The completion record's content: an in-toto Statement v1 about one AWS account, signed as a
DSSE envelope; and reading one back, trusting only the exact bytes that were verified."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.account_id import is_account_id
from app.record import dsse, strict
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
    return dsse.envelope_bytes(dsse.sign(canonical(statement), private_key))


def record_id(data: bytes) -> str:
    """A record's ID: sha256 of the record file's exact bytes (also in the report's QR code)."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class VerifiedRecord:
    statement: dict[str, Any]
    record_id: str
    keyid: str
    public_pem: str = ""  # the key that verified it, for the report (an auditor checks its fingerprint)

    @property
    def predicate(self) -> dict[str, Any]:
        return self.statement["predicate"]

    @property
    def account_id(self) -> str:
        return str(self.predicate["account_id"])


def signed_statement(data: bytes, public_key: Any, predicate_type: str, kind: str) -> dict[str, Any]:
    """The in-toto Statement the signature covers, with ``predicate_type`` and a dict predicate
    (``kind`` names the record in the error: "a Rootwarden record")."""
    body = dsse.verify(data, public_key)
    statement = strict.loads(body, "not in-toto: the signed payload")
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE:
        raise BadRecord("not in-toto: the payload is not an in-toto Statement v1")
    strict.exact_keys(statement, {"_type", "subject", "predicateType", "predicate"}, "not in-toto: the statement")
    if statement["predicateType"] != predicate_type or not isinstance(statement["predicate"], dict):
        raise BadRecord(f"not {kind}: predicateType is {str(statement['predicateType'])[:80]!r}")
    return statement


def public_pem(public_key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def verify_bytes(data: bytes, public_key: Any) -> VerifiedRecord:
    """The record, parsed strictly from the bytes the signature covers (SPEC §6)."""
    statement = signed_statement(data, public_key, PREDICATE_TYPE, "a Rootwarden record")
    predicate = statement["predicate"]
    _check_predicate(predicate)
    subjects = statement["subject"]
    if not isinstance(subjects, list) or len(subjects) != 1:
        raise BadRecord("not in-toto: expected exactly one subject, the account")
    subject = strict.exact_keys(subjects[0], {"name", "digest"}, "not in-toto: the subject")
    digest = strict.exact_keys(subject["digest"], {"sha256"}, "not in-toto: the subject's digest")
    if subject["name"] != f"aws-account/{predicate['account_id']}" or digest["sha256"] != findings_digest(predicate["findings"]):
        raise BadRecord("not in-toto: the subject does not match the account or the findings")
    return VerifiedRecord(statement, record_id(data), dsse.keyid(public_key), public_pem(public_key))


def _check_predicate(predicate: dict[str, Any]) -> None:
    """The fields every reader of a record relies on, with their types."""
    account = predicate.get("account_id")
    if not is_account_id(account):
        raise BadRecord("not a Rootwarden record: account_id is not a 12-digit string")
    findings = predicate.get("findings")
    if not isinstance(findings, list) or not all(
            isinstance(f, dict) and isinstance(f.get("id"), str) and isinstance(f.get("status"), str) for f in findings):
        raise BadRecord("not a Rootwarden record: findings is not a list of findings")
    for name in ("finished_at", "started_at", "mode"):
        if not isinstance(predicate.get(name), str):
            raise BadRecord(f"not a Rootwarden record: {name} is missing")
    if not isinstance(predicate.get("practice", False), bool):
        raise BadRecord("not a Rootwarden record: practice is not true or false")


def read(path: Path) -> bytes:
    """A record file's bytes: a regular file of bounded size (never a FIFO or a device)."""
    return strict.read_file(Path(path))


def make_predicate(*, mode: str, account_id: str, account_alias: str | None, caller_arn: str, operator: str, notes: str,
                   started_at: str, finished_at: str, findings: list[dict[str, Any]], audit_log: list[dict[str, Any]],
                   skipped: list[dict[str, Any]], previous_record: str | None, pending_changes: list[str] | None = None,
                   practice: bool = False, changed: list[dict[str, str]] | None = None) -> dict[str, Any]:
    from app import __version__

    return {
        "tool": "rootwarden",
        "tool_version": __version__,
        # The practice account (a simulation): such a record is evidence of nothing.
        "practice": practice,
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
        # Checks whose status changed during the session (before → after), console actions included.
        "changed_during_session": changed or [],
        "skipped": skipped,
        # Changes made after signing (the root key the session used): confirmed only by a later re-verification.
        "pending_changes": pending_changes or [],
        "previous_record": previous_record,
    }
