"""``rootwarden org verify`` and ``rootwarden org policy`` (SPEC §12, §8).

``org verify`` audits the member accounts' root users from the management account and exits by
the verdicts (0 all clear, 1 a fail, 2 no fail but something unknown, 3 cannot connect or bad
usage). Before the scan it discloses the CloudTrail root events the audit causes. Names from
AWS reach the terminal only through ``for_terminal``; no credential is ever printed.
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import Any

from app.model import Status
from app.text_safety import for_terminal

SCHEMA = "rootwarden/org-verify-v1"
_ORDER = (Status.FAIL, Status.UNKNOWN, Status.WARN, Status.PASS, Status.NOT_APPLICABLE)


def add_parser(commands: Any) -> None:
    org = commands.add_parser("org", help="organization mode: audit member accounts' root users (SPEC §12)")
    actions = org.add_subparsers(dest="org_command", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="audit every member account's root credentials through sts:AssumeRoot",
                                description="Audit member accounts' root users from the management account. Exit 0: all "
                                            "clear; 1: a check failed; 2: no failure but some accounts or checks could not "
                                            "be judged; 3: cannot connect or bad usage.")
    add_connection_options(verify)
    verify.add_argument("--accounts", default="all", metavar="IDS", help="comma-separated member account IDs, or all (default)")
    verify.add_argument("--exclude", default="", metavar="IDS", help="comma-separated member account IDs to leave out")
    verify.add_argument("--ou", metavar="OU", help="only accounts in this OU, directly or below it: an ID (ou-…, r-…) "
                                                   "or a path such as Root/Workloads")
    verify.add_argument("--workers", type=_workers, default=32, metavar="N", help="at most N accounts at once (1–256, default 32)")
    verify.add_argument("--format", choices=("text", "json", "csv"), default="text",
                        help="output format (default: text; csv: one row per account and check)")
    verify.add_argument("--resume", metavar="FILE", help="continue a partial run saved in FILE (its scope; accounts reached "
                                                       "then keep their findings, the rest are audited)")
    verify.add_argument("--sign", action="store_true", help="save a signed organization record (key in the OS keyring)")
    verify.add_argument("--out", metavar="FILE", help="with --sign: also write the record to FILE (never overwritten)")
    verify.add_argument("--operator", default="", help="with --sign: the operator's name for the record")
    verify.add_argument("--no-contacts", action="store_true", help="leave out the members' alternate contacts (account:GetAlternateContact)")
    policy = actions.add_parser("policy", help="print the IAM policy organization mode needs (JSON)")
    policy.add_argument("--read-only", action="store_true", help="only what org verify needs (no enable, deletion or contacts)")
    for module in _action_modules():
        module.add_parser(actions)


# The other actions, one module each: ``add_parser(actions)`` and ``run(args) -> int``; the
# subparser's name is the module's ``ACTION``.
_ACTION_MODULE_NAMES: tuple[str, ...] = (
    "app.cli.org_enable",
    "app.cli.org_delete",
    "app.cli.org_contacts",
)


def _action_modules() -> list[Any]:
    import importlib

    return [importlib.import_module(name) for name in _ACTION_MODULE_NAMES]


def add_connection_options(parser: Any) -> None:
    """--aws-profile | --demo, and --region: how every org action connects (see ``connect``)."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--aws-profile", metavar="NAME", help="a profile from your AWS shared config (~/.aws/config)")
    source.add_argument("--demo", action="store_true", help="the practice organization (simulated; no credentials or network)")
    parser.add_argument("--region", metavar="R", help="the region whose STS endpoint serves AssumeRoot (default: the profile's)")


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError("must be between 1 and 256")
    return value


def account_ids(text: str, option: str) -> tuple[str, ...]:
    from app.errors import InvalidInput

    ids = tuple(part.strip() for part in text.split(",") if part.strip())
    bad = [i for i in ids if not (len(i) == 12 and i.isdigit())]
    if bad:
        raise InvalidInput(option, f"not a 12-digit account ID: {for_terminal(bad[0])[:40]}")
    return ids


def org_command(args: argparse.Namespace) -> int:
    if args.org_command == "policy":
        from app.org.policy import org_policy_document

        print(json.dumps(org_policy_document(read_only=args.read_only), indent=2))
        return 0
    if args.org_command == "verify":
        return verify(args)
    module = next(m for m in _action_modules() if m.ACTION == args.org_command)
    return int(module.run(args))


def verify(args: argparse.Namespace) -> int:
    from app.org.scan import DISCLOSURE, ScanRequest, scan
    from app.runner import exit_code

    from app.errors import InvalidInput

    if args.out and not args.sign:
        raise InvalidInput("--out", "--out names where the signed record also goes; add --sign")
    if args.out and Path(args.out).exists():
        raise InvalidInput("--out", f"{args.out} already exists; records are never overwritten")
    accounts = None if args.accounts.strip().lower() == "all" else account_ids(args.accounts, "--accounts")
    ou = _ou(args.ou) if args.ou is not None else None
    exclude = account_ids(args.exclude, "--exclude")
    saved = None
    if args.resume:
        if accounts is not None or exclude or ou is not None:
            raise InvalidInput("--resume", "a resumed run keeps the scope it was saved with; leave out --accounts, "
                                           "--exclude and --ou")
        saved = _saved_state(args)
        accounts = tuple(saved.scope["accounts"]) if saved.scope.get("accounts") is not None else None
        exclude, ou = tuple(saved.scope.get("exclude") or ()), saved.scope.get("ou")
    request = ScanRequest(accounts=accounts, exclude=exclude, ou=ou, workers=args.workers,
                          start_workers=min(16, args.workers), contacts=not args.no_contacts, contacts_rate=_contact_rate(args))
    context = connect(args)
    if args.format == "text":
        print(f"Note: {DISCLOSURE}")
        sys.stdout.flush()
    else:
        print(f"rootwarden: {DISCLOSURE}", file=sys.stderr)
    def starting(count: int) -> None:
        print(f"rootwarden: auditing {count} member accounts (up to {min(count, args.workers)} at once; Ctrl-C stops)…", file=sys.stderr)
        sys.stderr.flush()

    # Ctrl-C during the audit stops it; what was done is kept and printed.
    result = scan(context, request, on_progress=_progress_printer(), on_audit_start=starting, resume=saved)
    if result.reused:
        print(f"rootwarden: resumed: {result.reused} accounts keep their findings from the saved run "
              f"({saved.saved_at:%Y-%m-%d %H:%M} UTC).", file=sys.stderr)
    _save_state_if_partial(result, request, args)
    for notice in result.notices:
        print(f"rootwarden: {for_terminal(notice)}", file=sys.stderr)
    if result.cancelled:
        reached, total = result.coverage
        print(f"rootwarden: interrupted; {reached} of {total} active member accounts audited, the rest are unknown (cancelled).",
              file=sys.stderr)
    if args.format == "json":
        print(json.dumps(as_json(result), indent=2, default=str))
    elif args.format == "csv":
        sys.stdout.write(as_csv(result))
    else:
        sys.stdout.write(as_text(result))
    if args.sign:
        sign_record(result, args)
    return exit_code(result.findings)


def _saved_state(args: argparse.Namespace) -> Any:
    from app.org.resume import load
    from app.record.dsse import BadRecord
    from app.record.signing_key import SigningKey

    key = SigningKey(practice=bool(args.demo)).public_key(create=False)
    try:
        if key is None:
            raise BadRecord("this machine has no signing key, so no saved run can be trusted")
        return load(Path(args.resume), key)
    except BadRecord as reason:
        from app.errors import InvalidInput

        raise InvalidInput("--resume", f"{args.resume} cannot be resumed: {reason}") from None


def _save_state_if_partial(result: Any, request: Any, args: argparse.Namespace) -> None:
    """A run with accounts left for later (cancelled, throttled, timed out) is saved, signed, so
    it can be resumed; where, and how, is printed."""
    from app.errors import RootwardenError
    from app.org.scan import RETRYABLE
    from app.org.resume import save
    from app.record.signing_key import SigningKey

    left = sum(1 for m in result.members if m.reason in RETRYABLE or any(f.reason in RETRYABLE for f in m.findings))
    if not left:
        return
    scope = {"accounts": list(request.accounts) if request.accounts is not None else None, "exclude": list(request.exclude),
             "ou": request.ou}
    try:
        path = save(result, scope, SigningKey(practice=bool(args.demo)), practice=bool(args.demo))
    except (RootwardenError, OSError) as error:
        print(f"rootwarden: {left} accounts were not completely read, and this run could not be saved for resuming: "
              f"{for_terminal(error)}", file=sys.stderr)
        return
    import shlex

    source = " --demo" if args.demo else (f" --aws-profile {shlex.quote(args.aws_profile)}" if args.aws_profile else "")
    print(f"rootwarden: {left} accounts were not completely read (cancelled, throttled or timed out). Saved this run; continue it "
          f"with: {for_terminal(f'rootwarden org verify{source} --resume {shlex.quote(str(path))}')}", file=sys.stderr)


def sign_record(result: Any, args: argparse.Namespace, change_log: Any = (), extra_sessions: Any = ()) -> None:
    """Sign and save the org record; say where, and what drifted since the previous one."""
    from app.org.record import org_predicate, sign_and_save
    from app.record.signing_key import SigningKey

    predicate = org_predicate(result, operator=args.operator, practice=bool(args.demo), change_log=change_log,
                              extra_sessions=extra_sessions)
    saved = sign_and_save(predicate, SigningKey(practice=bool(args.demo)), also_to=Path(args.out) if args.out else None)
    print(f"rootwarden: signed organization record {saved.record_id[:16]}… saved to {saved.path}"
          + (f" and {args.out}" if args.out else "") + f" (key {saved.keyid[:16]}…)", file=sys.stderr)
    if saved.note:
        print(f"rootwarden: {for_terminal(saved.note)}", file=sys.stderr)
    for change in saved.drift[:200]:
        print(f"rootwarden: drift: {for_terminal(change.describe())}", file=sys.stderr)
    if len(saved.drift) > 200:
        print(f"rootwarden: … and {len(saved.drift) - 200} more changes since the previous record", file=sys.stderr)


def _contact_rate(args: argparse.Namespace) -> float:
    """Contacts requests per second: 8 against AWS (it allows 10); faster in the simulation."""
    if args.demo:
        from app.practice.organization import CONTACT_READS_PER_SECOND

        return CONTACT_READS_PER_SECOND
    from app.org.scan import ScanRequest

    return ScanRequest.contacts_rate


def _ou(text: str) -> str:
    from app.errors import InvalidInput

    value = text.strip()
    if not value or len(value) > 1024 or for_terminal(value) != value:
        raise InvalidInput("--ou", "give an OU ID (ou-…, r-…) or a path such as Root/Workloads, without control characters")
    return value


def connect(args: argparse.Namespace) -> Any:
    if args.demo:
        from app.practice.organization import PracticeOrganization

        return PracticeOrganization().start().aws_context()
    from app.aws.context import AwsContext

    return AwsContext.from_aws_profile(args.aws_profile, args.region)


def _progress_printer() -> Any:
    """Progress on stderr, only when it is a terminal (a pipe or a log gets the result only)."""
    if not (sys.stderr is not None and sys.stderr.isatty()):
        return None
    lock = threading.Lock()

    def show(progress: Any) -> None:
        eta = f", about {progress.eta_seconds:.0f} s left" if progress.eta_seconds is not None else ""
        slow = ", THROTTLED: slowing down" if progress.throttled else ""
        with lock:
            sys.stderr.write(f"\r{progress.done}/{progress.total} accounts, up to {progress.workers} at once{eta}{slow}   ")
            if progress.done == progress.total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return show


def as_json(result: Any) -> dict[str, Any]:
    from app.model import rfc3339

    reached, total = result.coverage
    accounts = []
    for member in result.members:
        checks = []
        for finding in member.findings:
            entry = finding.as_dict()
            entry.pop("checked_at")
            checks.append(entry)
        accounts.append({"id": member.member.id, "name": member.member.name, "ou": member.member.ou, "state": member.member.state,
                         "joined_method": member.member.joined_method, "reached": member.reached,
                         "unreached_reason": member.reason or None, "checks": checks})
    return {"schema": SCHEMA, "organization_id": result.organization_id, "management_account_id": result.management_account_id,
            "caller_arn": result.caller_arn, "features": list(result.features) if result.features is not None else None,
            "coverage": {"reached": reached, "total": total}, "cancelled": result.cancelled,
            "started_at": rfc3339(result.started_at), "finished_at": rfc3339(result.finished_at), "accounts": accounts}


CSV_COLUMNS = ("account_id", "account_name", "ou", "state", "reached", "check_id", "status", "reason", "summary")


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text: no formula (=, +, -, @, tab, CR at the
    start), no control characters."""
    text = for_terminal(str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(result: Any) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for member in result.members:
        for finding in member.findings:
            writer.writerow([_cell(v) for v in (member.member.id, member.member.name, member.member.ou, member.member.state,
                                                "yes" if member.reached else "no", finding.id, finding.status.value,
                                                finding.reason, finding.summary)])
    return out.getvalue()


def _verdict(member: Any) -> Status:
    statuses = {f.status for f in member.findings}
    return next((s for s in _ORDER if s in statuses), Status.NOT_APPLICABLE)


def _root_check_ids() -> frozenset[str]:
    from app.org.member_checks import MEMBER_CHECKS

    return frozenset(c.id for c in MEMBER_CHECKS)


_ROOT_CHECK_IDS = _root_check_ids()


def as_text(result: Any) -> str:
    reached, total = result.coverage
    features = ", ".join(result.features) if result.features else ("none" if result.features is not None else "could not be read")
    lines = [f"Rootwarden organization audit — {for_terminal(result.organization_id)} "
             f"(management account {for_terminal(result.management_account_id)})",
             f"Caller {for_terminal(result.caller_arn)}; organization features: {for_terminal(features)}",
             f"Coverage: {reached} of {total} active member accounts audited" + (" (cancelled)" if result.cancelled else ""), ""]
    members = sorted(result.members, key=lambda m: (_ORDER.index(_verdict(m)), m.member.id))
    for member in members:
        verdict = _verdict(member)
        ou = f", {for_terminal(member.member.ou)[:60]}" if member.member.ou else ""
        lines.append(f"{verdict.word:<7} {member.member.id}  {for_terminal(member.member.name)[:60]}  ({for_terminal(member.member.state)}{ou})")
        shown = [f for f in member.findings if f.status not in (Status.PASS, Status.NOT_APPLICABLE)]
        if not shown and verdict == Status.NOT_APPLICABLE:
            shown = list(member.findings)
        groups: dict[tuple[Status, str, str], list[str]] = {}  # checks that share a verdict and sentence: said once
        for finding in shown:
            groups.setdefault((finding.status, finding.reason, finding.summary), []).append(finding.id)
        for (status, reason, summary), ids in groups.items():
            named = for_terminal(ids[0]) if len(ids) == 1 else ("all checks" if len(ids) == len(member.findings) else
                                                  "the root-credential checks" if set(ids) == _ROOT_CHECK_IDS else
                                                  f"{len(ids)} checks ({', '.join(for_terminal(i.removeprefix('member.')) for i in ids)})")
            lines.append(f"        {status.word:<7} {named} ({for_terminal(reason)}): {for_terminal(summary)}")
    lines.append("")
    return "\n".join(lines) + "\n"
