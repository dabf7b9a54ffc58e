"""``rootwarden verify``: connect, run every check, print the checklist, exit by the verdicts."""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from app.aws.context import AwsContext
from app.aws.partition import is_root_arn
from app.errors import InvalidInput, WrongAccount
from app.model import Finding, rfc3339

SCHEMA = "rootwarden/verify-v1"


def connect(args: argparse.Namespace) -> tuple[AwsContext, str | None]:
    """The AwsContext the arguments ask for, and the account it is pinned to (if any).
    The practice account only with --demo."""
    if args.demo:
        from app.practice.account import PracticeAccount

        return PracticeAccount().start().aws_context(args.region), None
    mfa = mfa_source(args.mfa_code)
    if args.profile:
        from app.profiles import ProfileStore, connect as profile_connect

        profile, aws = profile_connect(ProfileStore(), args.profile, args.region, mfa_code=mfa)
        return aws, profile.account_id
    return AwsContext.from_aws_profile(args.aws_profile, args.region, mfa_code=mfa), None


def mfa_source(code: str | None) -> Callable[[str], str] | None:
    """Where an MFA-protected role's code comes from: --mfa-code (checked now, before any call),
    else a prompt when a person is at the terminal, else nowhere (the profile then stops with
    a message instead of waiting for input that cannot come)."""
    from app.aws.sessions import validate_mfa_code

    if code is not None:
        checked = validate_mfa_code(code)
        return lambda serial: checked
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return lambda serial: getpass.getpass(f"MFA code for {serial}: ")
    return None


@dataclass
class VerifyRun:
    """One verify run's results, before anything is printed."""

    context: dict[str, Any]
    findings: list[Finding]
    drift: list
    note: str | None
    saved: Any  # the signed record saved, or None


def run(args: argparse.Namespace) -> VerifyRun:
    """Connect, run every check, compare with the latest record, sign when asked. Prints nothing."""
    from app.aws.snapshot import AccountSnapshot
    from app.checks import REGISTRY, Settings
    from app.runner import run_checks, utc_now

    if args.recent_use_days < 1:
        raise InvalidInput("--recent-use-days", "must be at least 1")
    if args.out and not args.sign:
        raise InvalidInput("--out", "only makes sense with --sign")
    if args.out and Path(args.out).exists():
        raise InvalidInput("--out", f"{args.out} already exists; choose another name (records are never overwritten)")
    if args.out and not Path(args.out).resolve().parent.is_dir():
        raise InvalidInput("--out", f"the folder of {args.out} does not exist")
    from app.aws.sessions import check_region, validate_mfa_code

    check_region(args.region)
    if args.mfa_code is not None:
        validate_mfa_code(args.mfa_code)
    signing = _signing_key(args)  # before any AWS call: no keyring, no signing, nothing done
    aws, pinned = connect(args)
    started = utc_now()
    with AccountSnapshot(aws) as snapshot:
        snapshot.warm()
        identity = snapshot.identity()  # a connection problem stops here, exit 3
        if pinned and str(identity["Account"]) != pinned:
            raise WrongAccount(pinned, str(identity["Account"]))
        order = {check.id: i for i, check in enumerate(REGISTRY)}
        findings = sorted(run_checks(aws, settings=Settings(args.recent_use_days), snapshot=snapshot), key=lambda f: order[f.id])
        alias = _alias(snapshot)
    finished = utc_now()
    caller = str(identity["Arn"])
    context = {
        "account_id": str(identity["Account"]),
        "account_alias": alias,
        "caller_arn": caller,
        "caller_is_root": is_root_arn(caller, str(identity["Account"])),
        "partition": snapshot.partition.name,
        "region": aws.region,
        "started_at": rfc3339(started),
        "finished_at": rfc3339(finished),
    }
    drift, previous, note = _drift(context["account_id"], findings, signing, args.demo)
    saved = None
    if args.sign:
        from app.record.completion import make_predicate
        from app.record.history import sign_and_save

        predicate = make_predicate(mode="re-verify", account_id=context["account_id"], account_alias=alias, caller_arn=caller,
                                   operator=args.operator, notes="rootwarden verify --sign", started_at=context["started_at"],
                                   finished_at=context["finished_at"], findings=[f.as_dict() for f in findings], audit_log=[],
                                   skipped=[], previous_record=previous, practice=bool(args.demo))
        saved = sign_and_save(predicate, signing, also_to=Path(args.out) if args.out else None)
    return VerifyRun(context, findings, drift, note, saved)


def verify(args: argparse.Namespace) -> int:
    from app.runner import exit_code

    result = run(args)
    context, findings, drift, note, saved = result.context, result.findings, result.drift, result.note, result.saved
    if args.format == "ocsf":
        from app.export.ocsf import events

        print(json.dumps(events(context, findings), indent=2, default=str))
    elif args.format == "junit":
        from app.export.junit import document as junit_xml

        sys.stdout.write(junit_xml(context, findings))
    elif args.format == "json":
        document = as_json(context, findings)
        document["drift"] = [vars(d) for d in drift]
        if saved:
            document["record"] = {"path": str(saved.path), "id": saved.record_id, "keyid": saved.keyid}
        print(json.dumps(document, indent=2, default=str))
    else:
        sys.stdout.write(as_text(context, findings, colour=sys.stdout.isatty() and "NO_COLOR" not in os.environ))
        if note:
            print(note)
        if drift:
            print(f"Changed since the last record ({drift[0].since}):")
            for change in drift:
                print(f"  {change.describe()}")
        if saved:
            print(f"Signed record saved: {saved.path}" + (f" and {args.out}" if args.out else "") + f" (id {saved.record_id[:16]}…)")
    if args.format in ("ocsf", "junit") and saved:  # stdout is the document; the record's place goes to stderr
        print(f"Signed record saved: {saved.path} (id {saved.record_id[:16]}…)", file=sys.stderr)
    return exit_code(findings)


def _signing_key(args: argparse.Namespace) -> Any:
    """The local signing key when --sign asks for it (the keyring must work), else None."""
    if not args.sign:
        return None
    from app.record.signing_key import SigningKey

    key = SigningKey(practice=bool(args.demo))  # the practice account signs with its own key
    key.private_key()  # created on first use; a keyring problem stops here, before any AWS call
    return key


def _drift(account_id: str, findings: list[Finding], signing: Any, practice: bool) -> tuple[list, str | None, str | None]:
    """Changes since the account's latest record (none for the practice account)."""
    from app.record import history

    if practice or not history.records(account_id):
        return [], None, None  # nothing to compare with: no need to open the keyring
    from app.keyring_access import KeyringUnavailable
    from app.record.signing_key import SigningKey

    try:
        key = signing or SigningKey()
    except KeyringUnavailable:
        return [], None, None  # no keyring: no key, so no records of ours to compare with
    return history.drift_since_latest(account_id, [f.as_dict() for f in findings], key)


def _alias(snapshot: Any) -> str | None:
    try:
        return snapshot.account_alias()
    except Exception:
        return None


def as_json(context: dict[str, Any], findings: list[Finding]) -> dict[str, Any]:
    checks = []
    for finding in findings:
        entry = finding.as_dict()
        entry.pop("checked_at")
        checks.append(entry)
    return {"schema": SCHEMA, **context, "checks": checks}


def as_text(context: dict[str, Any], findings: list[Finding], colour: bool = False) -> str:
    from app.text.checklist import render

    alias = f" ({context['account_alias']})" if context.get("account_alias") else ""
    who = "ROOT USER" if context["caller_is_root"] else "not root"
    header = [
        f"Rootwarden checklist — AWS account {context['account_id']}{alias}",
        f"Caller {context['caller_arn']} ({who}), region {context['region']}, checked {context['finished_at']}",
    ]
    return render(findings, header, colour)
