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
from app.record.completion import VerifiedRecord, read, verify_bytes
from app.record.dsse import BadRecord

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


def verified(file: str, pem_path: str | None) -> VerifiedRecord:
    """The record verified with ``--public-key``, else this machine's key — or, for a record of
    the practice account, the practice key (and then it must say it is a practice record)."""
    data = read(Path(file))
    try:
        return verify_bytes(data, public_key(pem_path))
    except BadRecord as error:
        if pem_path or not str(error).startswith("unknown key"):
            raise
        from app.record.signing_key import SigningKey

        practice_key = SigningKey(practice=True).public_key(create=False)
        if practice_key is None:
            raise
        try:
            record = verify_bytes(data, practice_key)
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
