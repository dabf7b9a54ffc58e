"""``rootwarden record verify|show``, ``rootwarden key export`` and ``rootwarden report``.

``record verify`` exits 0 with a one-line summary when the record is valid, 1 with the reason
otherwise (bad signature, unknown key, not DSSE, not in-toto, payload type mismatch, unreadable).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

from app.errors import RootwardenError
from app.text_safety import for_terminal
from app.record.completion import read, verify_bytes
from app.record.dsse import BadRecord

ORG_PREDICATE_TYPE = "https://rootwarden.dev/org-record/v1"

EXIT_INVALID = 1


def public_key(pem_path: str | None) -> Any:
    from app.record.signing_key import SigningKey, load_public_pem

    if pem_path:
        try:
            return load_public_pem(Path(pem_path).read_bytes())
        except OSError as error:
            raise BadRecord(f"unreadable public key {pem_path}: {error.strerror or error}") from None
    key = SigningKey().public_key(create=False)
    if key is None:
        raise BadRecord("unknown key: this machine has no record-signing key; pass --public-key PEM from the signer")
    return key


def is_org_record(data: bytes) -> bool:
    """Whether the file claims to be an organization record — read before verification only to
    choose the verifier, which then checks everything."""
    import base64
    import json

    try:
        envelope = json.loads(data)
        statement = json.loads(base64.b64decode(envelope["payload"], validate=True))
        return statement.get("predicateType") == ORG_PREDICATE_TYPE
    except (ValueError, TypeError, KeyError, AttributeError):
        return False


def verified(file: str, pem_path: str | None) -> Any:
    """The record verified with ``--public-key``, else this machine's key — or, for a record of
    the practice account, the practice key (and then it must say it is a practice record).
    A ``VerifiedRecord``, or a ``VerifiedOrgRecord`` for an organization record."""
    from app.org import record as org_record

    data = read(Path(file))
    verify_bytes_: Callable[[bytes, Any], Any] = org_record.verify_bytes if is_org_record(data) else verify_bytes
    try:
        return verify_bytes_(data, public_key(pem_path))
    except BadRecord as error:
        if pem_path or not str(error).startswith("unknown key"):
            raise
        from app.record.signing_key import SigningKey

        practice_key = SigningKey(practice=True).public_key(create=False)
        if practice_key is None:
            raise
        try:
            record = verify_bytes_(data, practice_key)
        except BadRecord:
            raise error from None
        if record.predicate.get("practice") is not True:
            raise BadRecord("signed with the practice key but not marked as a practice record") from None
        return record


def record_command(args: argparse.Namespace, render_report: Callable[..., object] | None) -> int:
    if args.command == "key":
        from app.record.signing_key import SigningKey

        key = SigningKey()
        sys.stdout.write(key.public_pem())
        print(f"Fingerprint (keyid, sha256 of the SubjectPublicKeyInfo DER): {key.fingerprint()}", file=sys.stderr)
        return 0
    try:
        record = verified(args.file, args.public_key)
    except BadRecord as reason:
        print(f"rootwarden: record NOT valid: {for_terminal(reason)}", file=sys.stderr)
        return EXIT_INVALID
    p = record.predicate
    if is_org_record_object(record):
        return _org_record_command(args, record, render_report)
    if args.command == "record" and args.record_command == "extract":
        print(f"rootwarden: {for_terminal(args.file)} is the record of one account ({p['account_id']}), not of an "
              "organization: `record show` prints its findings.", file=sys.stderr)
        return EXIT_INVALID
    if args.command == "report":
        if render_report is None:
            raise RootwardenError("The PDF report needs the 'gui' extra (Qt): pip install 'rootwarden[gui]'.")
        output = Path(args.output)
        render_report(record, output, args.paper)
        print(f"Wrote {output} ({args.paper.upper()}) for the record of account {record.account_id}.")
        return 0
    if args.record_command == "verify":
        if p.get("practice"):
            print("PRACTICE record: the simulated practice account, signed with the practice key. It is evidence of nothing.")
        print(f"Valid record {record.record_id[:16]}… for account {p['account_id']} ({for_terminal(p.get('mode'))}, finished {for_terminal(p.get('finished_at'))}), "
              f"signed by key {record.keyid[:16]}…, {len(p.get('findings', []))} checks.")
        return 0
    from app.text.checklist import render
    from app.model import finding_from_dict

    findings = [finding_from_dict(f) for f in p.get("findings", [])]
    alias = f" ({p['account_alias']})" if p.get("account_alias") else ""
    header = [f"Rootwarden record — AWS account {p['account_id']}{alias}",
              f"{p.get('mode')} by {p.get('operator') or 'unknown operator'}, finished {p.get('finished_at')}; "
              f"verified, signed by key {record.keyid[:16]}…"]
    sys.stdout.write(render(findings, header))
    return 0


def is_org_record_object(record: Any) -> bool:
    from app.org.record import VerifiedOrgRecord

    return isinstance(record, VerifiedOrgRecord)


def _org_record_command(args: argparse.Namespace, record: Any, render_report: Callable[..., object] | None) -> int:
    """``record verify|show|extract`` and ``report`` for an organization record."""
    p = record.predicate
    practice = ("PRACTICE record: the simulated practice organization, signed with the practice key. "
                "It is evidence of nothing.")
    if args.command == "report":
        if render_report is None:
            raise RootwardenError("The PDF report needs the 'gui' extra (Qt): pip install 'rootwarden[gui]'.")
        output = Path(args.output)
        render_report(record, output, args.paper)
        print(f"Wrote {output} ({args.paper.upper()}) for the record of organization {record.organization_id}.")
        return 0
    if args.record_command == "extract":
        if p.get("practice"):
            print(f"rootwarden: {practice}", file=sys.stderr)  # stdout carries the extracted bytes only
        return _extract(args, record)
    if p.get("practice"):
        print(practice)
    if args.record_command == "verify":
        coverage = p["coverage"]
        print(f"Valid organization record {record.record_id[:16]}… for {record.organization_id} "
              f"(management account {p['management_account_id']}; {len(p['accounts'])} accounts, "
              f"{coverage['reached']} of {coverage['total']} active members audited; finished "
              f"{for_terminal(p.get('finished_at'))}), signed by key {record.keyid[:16]}….")
        return 0
    from app.cli.org import as_text
    from app.org.record import scan_from_predicate

    sys.stdout.write(f"Verified organization record {record.record_id[:16]}…, signed by key {record.keyid[:16]}…; "
                     f"operator: {for_terminal(p.get('operator') or 'not named')}\n")
    sys.stdout.write(as_text(scan_from_predicate(p)))
    return 0


def _extract(args: argparse.Namespace, record: Any) -> int:
    """One account's findings as the exact bytes its subject digest covers (``sha256sum`` of
    the output equals the digest in the signed statement)."""
    from app.errors import InvalidInput
    from app.org.record import extract

    if not args.account:
        raise InvalidInput("--account", "name the member account to extract (12 digits)")
    try:
        part = extract(record, args.account)
    except BadRecord as reason:
        print(f"rootwarden: {for_terminal(reason)}", file=sys.stderr)
        return EXIT_INVALID
    if args.out:
        from app import storage

        try:
            storage.write_exclusive(Path(args.out), part.data)
        except FileExistsError:
            raise RootwardenError(f"{args.out} already exists; choose another name.") from None
    else:
        sys.stdout.buffer.write(part.data)
        sys.stdout.flush()
    print(f"Account {part.account_id} in organization record {part.record_id[:16]}… ({part.organization_id}): "
          f"its findings' sha256 {part.digest} matches the signed subject aws-account/{part.account_id}."
          + (f" Check it yourself: sha256sum {for_terminal(args.out)}" if args.out else ""), file=sys.stderr)
    return 0
