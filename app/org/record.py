"""The signed organization record (SPEC §12 "Record"): one in-toto Statement v1 in a DSSE
envelope, with a subject per member account (``aws-account/<id>``, sha256 of that account's
findings, exactly as the single-account record digests its findings) plus the organization
(``aws-organization/<o-id>``, sha256 of the coverage and every account entry).

The predicate holds the inventory, coverage, every finding, the unreachable accounts with their
reasons, each ``AssumeRoot`` session (account, task policy, region, time, the session's access
key ID — never its secret — so an auditor can find it in CloudTrail), the change log and the
previous org record's ID.

``extract`` gives one account's findings as the exact bytes its subject digest covers, so a
third party can check them with ``sha256sum`` against the signed statement — or with
``rootwarden record extract``. Drift is per account against the previous org record.

Pure functions and file I/O; no Qt; safe from any thread (the keyring calls of ``SigningKey``
may block: call ``sign_and_save`` off the UI thread).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from app import storage
from app.account_id import is_account_id
from app.record import dsse, strict
from app.record.completion import STATEMENT_TYPE, canonical, findings_digest, public_pem, record_id, sign, signed_statement
from app.record.dsse import BadRecord

PREDICATE_TYPE = "https://rootwarden.dev/org-record/v1"
MODE = "org-verify"
ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")  # used with fullmatch: "$" would accept a final newline
SUFFIX = ".dsse.json"


def account_entry(result: Any) -> dict[str, Any]:
    """One member as the record keeps it (``result`` is an ``app.org.scan.MemberResult``)."""
    member = result.member
    return {"id": member.id, "name": member.name, "state": member.state, "joined_method": member.joined_method,
            "ou": member.ou, "reached": bool(result.reached), "unreached_reason": result.reason or None,
            "findings": [f.as_dict() for f in result.findings]}


def session_entry(session: Any) -> dict[str, Any]:
    """An ``AssumeRoot`` session as an auditor matches it in CloudTrail (no secret exists here)."""
    from app.model import rfc3339

    return {"account_id": session.account_id, "task_policy_arn": session.task_policy_arn, "region": session.region,
            "started_at": rfc3339(session.started_at), "access_key_id": session.access_key_id}


def org_predicate(scan: Any, *, operator: str = "", notes: str = "", practice: bool = False,
                  change_log: Iterable[dict[str, Any]] = (), extra_sessions: Iterable[Any] = ()) -> dict[str, Any]:
    """The predicate for one ``OrgScan``. ``change_log`` entries are plain dicts (a deletion's or
    a contact put's results); ``extra_sessions`` are root sessions opened by those changes."""
    from app import __version__
    from app.model import rfc3339

    accounts = [account_entry(m) for m in scan.members]
    reached, total = scan.coverage
    sessions = [session_entry(m.session) for m in scan.members if m.session is not None]
    sessions += [session_entry(s) for s in extra_sessions]
    unreachable = [{"account_id": a["id"], "reason": a["unreached_reason"],
                    "summary": a["findings"][0]["summary"] if a["findings"] else ""}
                   for a in accounts if not a["reached"] and a["unreached_reason"]
                   and a["findings"] and a["findings"][0]["status"] == "unknown"]
    return {
        "tool": "rootwarden",
        "tool_version": __version__,
        "practice": practice,  # the practice organization (a simulation): evidence of nothing
        "mode": MODE,
        "organization_id": scan.organization_id,
        "management_account_id": scan.management_account_id,
        "caller_arn": scan.caller_arn,
        "features": list(scan.features) if scan.features is not None else None,
        "operator": operator,
        "notes": notes,
        "started_at": rfc3339(scan.started_at),
        "finished_at": rfc3339(scan.finished_at),
        "cancelled": bool(scan.cancelled),
        "coverage": {"reached": reached, "total": total},
        "accounts": accounts,
        "unreachable": unreachable,
        "sessions": sessions,
        "change_log": list(change_log),
        # Accounts whose findings come from an earlier, partial run that this one resumed (their
        # findings keep the time they were checked).
        "reused_from_saved_run": int(getattr(scan, "reused", 0)),
        "previous_record": None,  # set by sign_and_save: the one place it is looked up
    }


def organization_digest(predicate: dict[str, Any]) -> str:
    return hashlib.sha256(canonical({"organization_id": predicate["organization_id"], "coverage": predicate["coverage"],
                                     "accounts": predicate["accounts"]})).hexdigest()


def subjects(predicate: dict[str, Any]) -> list[dict[str, Any]]:
    organization = {"name": f"aws-organization/{predicate['organization_id']}",
                    "digest": {"sha256": organization_digest(predicate)}}
    return [organization] + [{"name": f"aws-account/{a['id']}", "digest": {"sha256": findings_digest(a["findings"])}}
                             for a in predicate["accounts"]]


def build_statement(predicate: dict[str, Any]) -> dict[str, Any]:
    return {"_type": STATEMENT_TYPE, "subject": subjects(predicate), "predicateType": PREDICATE_TYPE, "predicate": predicate}


@dataclass(frozen=True)
class VerifiedOrgRecord:
    statement: dict[str, Any]
    record_id: str
    keyid: str
    public_pem: str = ""

    @property
    def predicate(self) -> dict[str, Any]:
        return self.statement["predicate"]

    @property
    def organization_id(self) -> str:
        return str(self.predicate["organization_id"])

    def account(self, account_id: str) -> dict[str, Any]:
        for entry in self.predicate["accounts"]:
            if entry["id"] == account_id:
                return entry
        raise BadRecord(f"account {account_id} is not in this organization record")


def is_org_statement(body: bytes) -> bool:
    """Whether a verified payload is an organization record (by its predicateType)."""
    statement = strict.loads(body, "not in-toto: the signed payload")
    return isinstance(statement, dict) and statement.get("predicateType") == PREDICATE_TYPE


def verify_bytes(data: bytes, public_key: Any) -> VerifiedOrgRecord:
    """The org record, parsed strictly from the bytes the signature covers; every subject must
    match the predicate (one tampered account's findings fail the record)."""
    statement = signed_statement(data, public_key, PREDICATE_TYPE, "a Rootwarden organization record")
    predicate = statement["predicate"]
    _check_predicate(predicate)
    found = statement["subject"]
    if not isinstance(found, list):
        raise BadRecord("not in-toto: subject is not a list")
    for entry in found:
        strict.exact_keys(entry, {"name", "digest"}, "not in-toto: a subject")
        strict.exact_keys(entry["digest"], {"sha256"}, "not in-toto: a subject's digest")
    expected = subjects(predicate)
    if found != expected:
        wrong = next((e["name"] for e, f in zip(expected, found) if e != f), None) if len(found) == len(expected) else None
        raise BadRecord("not in-toto: the subjects do not match the organization and its accounts"
                        + (f" ({str(wrong)[:80]} differs)" if wrong else " (a different number of subjects)"))
    return VerifiedOrgRecord(statement, record_id(data), dsse.keyid(public_key), public_pem(public_key))


def _check_predicate(predicate: dict[str, Any]) -> None:
    what = "not a Rootwarden organization record"
    if not isinstance(predicate.get("organization_id"), str) or not ORG_ID.fullmatch(predicate["organization_id"]):
        raise BadRecord(f"{what}: organization_id is not an organization ID (o-…)")
    if not is_account_id(predicate.get("management_account_id")):
        raise BadRecord(f"{what}: management_account_id is not a 12-digit string")
    for name in ("started_at", "finished_at", "mode"):
        if not isinstance(predicate.get(name), str):
            raise BadRecord(f"{what}: {name} is missing")
    if not isinstance(predicate.get("practice"), bool):
        raise BadRecord(f"{what}: practice is not true or false")
    coverage = predicate.get("coverage")
    if not isinstance(coverage, dict) or not all(isinstance(coverage.get(k), int) and not isinstance(coverage.get(k), bool)
                                                 for k in ("reached", "total")):
        raise BadRecord(f"{what}: coverage is not two counts")
    accounts = predicate.get("accounts")
    if not isinstance(accounts, list):
        raise BadRecord(f"{what}: accounts is not a list")
    seen: set[str] = set()
    for entry in accounts:
        if not isinstance(entry, dict) or not is_account_id(entry.get("id")) or entry["id"] in seen:
            raise BadRecord(f"{what}: an account entry without a unique 12-digit id")
        seen.add(entry["id"])
        findings = entry.get("findings")
        if not isinstance(findings, list) or not all(
                isinstance(f, dict) and isinstance(f.get("id"), str) and isinstance(f.get("status"), str) for f in findings):
            raise BadRecord(f"{what}: account {entry['id']}'s findings are not a list of findings")
    for name in ("sessions", "change_log", "unreachable"):
        if not isinstance(predicate.get(name), list):
            raise BadRecord(f"{what}: {name} is not a list")


@dataclass(frozen=True)
class Extract:
    """One account's findings from a verified org record, as the exact bytes its subject covers."""

    account_id: str
    data: bytes  # canonical JSON of the findings: sha256(data) == the subject's digest
    digest: str
    record_id: str
    organization_id: str


def extract(record: VerifiedOrgRecord, account_id: str) -> Extract:
    if not is_account_id(account_id):
        raise BadRecord("the account ID must be 12 digits")
    entry = record.account(account_id)
    data = canonical(entry["findings"])
    digest = hashlib.sha256(data).hexdigest()
    subject = next(s for s in record.statement["subject"] if s["name"] == f"aws-account/{account_id}")
    if subject["digest"]["sha256"] != digest:  # verify_bytes already refused such a record; never trust one path alone
        raise BadRecord(f"account {account_id}'s findings do not match its subject digest")
    return Extract(account_id, data, digest, record.record_id, record.organization_id)


# -- where org records live, and drift -------------------------------------------------------------
def folder(organization_id: str, base: Path | None = None, practice: bool = False) -> Path:
    if not ORG_ID.fullmatch(organization_id):
        raise ValueError("not an organization ID")
    return storage.records_root(base, practice) / f"organization-{organization_id}"


def latest(organization_id: str, public_key: Any, base: Path | None = None,
           practice: bool = False) -> tuple[VerifiedOrgRecord | None, str | None]:
    """The org record that verifies and finished last (by its signed ``finished_at``), and a
    warning naming files that did not verify."""
    from app.record.completion import read

    where = folder(organization_id, base, practice)
    verified: list[VerifiedOrgRecord] = []
    refused: list[str] = []
    for path in sorted(where.glob(f"*{SUFFIX}")) if where.is_dir() else []:
        try:
            record = verify_bytes(read(path), public_key)
        except BadRecord as error:
            refused.append(f"{path.name} ({error})")
            continue
        if record.organization_id == organization_id:
            verified.append(record)
    warning = (f"{len(refused)} record file(s) in the organization's folder do not verify and were not compared with: "
               f"{'; '.join(refused[:3])}{' …' if len(refused) > 3 else ''}") if refused else None
    if not verified:
        return None, warning
    return max(verified, key=lambda r: str(r.predicate["finished_at"])), warning


@dataclass(frozen=True)
class AccountDrift:
    account_id: str
    check_id: str  # "" for the account itself (joined or left the organization)
    before: str
    after: str
    since: str  # the previous record's date: the change happened some time after it

    def describe(self) -> str:
        if not self.check_id:
            return f"{self.account_id}: {self.before} → {self.after} (since the record of {self.since})"
        return (f"{self.account_id} {self.check_id}: {self.before} → {self.after} "
                f"(was {self.before} in the record of {self.since}; changed some time after)")


def compare(previous: VerifiedOrgRecord, predicate: dict[str, Any]) -> list[AccountDrift]:
    """Per account: checks whose status changed, and accounts that joined or left the scope."""
    if previous.organization_id != predicate["organization_id"]:
        raise BadRecord(f"the previous record is for organization {previous.organization_id}, not "
                        f"{predicate['organization_id']}")
    since = str(previous.predicate.get("finished_at", ""))[:10]
    before = {a["id"]: {f["id"]: f["status"] for f in a["findings"]} for a in previous.predicate["accounts"]}
    drift: list[AccountDrift] = []
    now_ids = set()
    for account in predicate["accounts"]:
        now_ids.add(account["id"])
        old = before.get(account["id"])
        if old is None:
            drift.append(AccountDrift(account["id"], "", "not in the record", "in the organization", since))
            continue
        drift += [AccountDrift(account["id"], f["id"], old[f["id"]], f["status"], since)
                  for f in account["findings"] if f["id"] in old and old[f["id"]] != f["status"]]
    drift += [AccountDrift(a, "", "in the record", "not in this run", since) for a in before if a not in now_ids]
    return drift


@dataclass(frozen=True)
class SavedOrgRecord:
    path: Path
    record_id: str
    keyid: str
    drift: tuple[AccountDrift, ...] = ()
    note: str | None = None


def sign_and_save(predicate: dict[str, Any], signing_key: Any, base: Path | None = None,
                  also_to: Path | None = None) -> SavedOrgRecord:
    """Sign the statement with the local key and keep it in the organization's folder (and at
    ``also_to``, never overwritten). ``previous_record`` is the latest org record of the folder
    that verifies under this key; drift is computed against it."""
    from app.record.history import write_copy

    private = signing_key.private_key()
    practice = bool(predicate.get("practice"))
    previous, note = latest(predicate["organization_id"], private.public_key(), base, practice)
    predicate = {**predicate, "previous_record": previous.record_id if previous else None}
    drift = tuple(compare(previous, predicate)) if previous else ()
    envelope = sign(build_statement(predicate), private)
    write_copy(also_to, envelope)
    where = folder(predicate["organization_id"], base, practice)
    where.mkdir(parents=True, exist_ok=True)
    path = storage.save_new_bytes(where, "org-record", envelope, SUFFIX)
    return SavedOrgRecord(path, record_id(envelope), dsse.keyid(private.public_key()), drift, note)


def scan_from_predicate(predicate: dict[str, Any]) -> Any:
    """The ``OrgScan`` a verified record describes, so records are shown and reported by the
    same code as live scans (sessions are not rebuilt: they stay in the predicate)."""
    from datetime import datetime

    from app.model import finding_from_dict
    from app.org.inventory import Member
    from app.org.scan import MemberResult, OrgScan

    def when(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    members = tuple(MemberResult(Member(a["id"], str(a.get("name", "")), str(a.get("state", "")), str(a.get("joined_method", "")),
                                        ou=str(a.get("ou") or "")),
                                 tuple(finding_from_dict(f) for f in a["findings"]), bool(a.get("reached")), None,
                                 str(a.get("unreached_reason") or ""))
                    for a in predicate["accounts"])
    features = predicate.get("features")
    return OrgScan(predicate["organization_id"], predicate["management_account_id"], str(predicate.get("caller_arn", "")),
                   tuple(features) if isinstance(features, list) else None, when(predicate["started_at"]),
                   when(predicate["finished_at"]), members, bool(predicate.get("cancelled")))
