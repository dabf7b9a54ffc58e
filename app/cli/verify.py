"""``rootwarden verify``: run a verification (``app.verification``), print the checklist or a
document for other tools, exit by the verdicts."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from app.model import Finding
from app.text_safety import for_terminal
from app.verification import VerifyRequest, run

SCHEMA = "rootwarden/verify-v1"


def verify(args: argparse.Namespace) -> int:
    from app.runner import exit_code

    result = run(VerifyRequest.from_args(args))
    for notice in result.notices:
        print(f"rootwarden: {for_terminal(notice)}", file=sys.stderr)
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
