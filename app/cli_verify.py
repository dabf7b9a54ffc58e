"""``rootwarden verify``: connect, run every check, print the checklist, exit by the verdicts."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from app.aws.context import AwsContext
from app.errors import InvalidInput, WrongAccount
from app.model import Finding, rfc3339

SCHEMA = "rootwarden/verify-v1"


def connect(args: argparse.Namespace) -> tuple[AwsContext, str | None]:
    """The AwsContext the arguments ask for, and the account it is pinned to (if any).
    The practice account only with --demo."""
    if args.demo:
        from app.practice.account import PracticeAccount

        return PracticeAccount().start().aws_context(args.region), None
    if args.profile:
        from app.profiles import ProfileStore, connect as profile_connect

        profile, aws = profile_connect(ProfileStore(), args.profile, args.region)
        return aws, profile.account_id
    return AwsContext.from_aws_profile(args.aws_profile, args.region), None


def verify(args: argparse.Namespace) -> int:
    from app.aws.snapshot import AccountSnapshot
    from app.checks import REGISTRY, Settings
    from app.runner import exit_code, run_checks, utc_now

    if args.recent_use_days < 1:
        raise InvalidInput("--recent-use-days", "must be at least 1")
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
        "caller_is_root": caller == f"arn:aws:iam::{identity['Account']}:root",
        "region": aws.region,
        "started_at": rfc3339(started),
        "finished_at": rfc3339(finished),
    }
    if args.format == "json":
        print(json.dumps(as_json(context, findings), indent=2, default=str))
    else:
        sys.stdout.write(as_text(context, findings, colour=sys.stdout.isatty() and "NO_COLOR" not in os.environ))
    return exit_code(findings)


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
    from app.checklist_text import render

    alias = f" ({context['account_alias']})" if context.get("account_alias") else ""
    who = "ROOT USER" if context["caller_is_root"] else "not root"
    header = [
        f"Rootwarden checklist — AWS account {context['account_id']}{alias}",
        f"Caller {context['caller_arn']} ({who}), region {context['region']}, checked {context['finished_at']}",
    ]
    return render(findings, header, colour)
