"""``rootwarden org delete-root-credentials`` (SPEC §12 "Fixes", §8).

Audits the named member accounts now, prints per account exactly what will be deleted, and
asks for the typed confirmation ``DELETE <n>`` (n = accounts that will change) on a terminal, or
takes it from ``--confirm`` in a script. A missing or wrong confirmation changes nothing (exit 3).
Then it discloses the root sessions' CloudTrail footprint, deletes, and prints each change's
outcome and each account's re-audit.

``--accounts`` is required. ``all`` is accepted only when typed: for an organization of
thousands a list of IDs is impractical, and the listing plus ``DELETE <n>`` (the count the user
must type) already shows the scope before anything changes.

Exit codes (§8): 0 every account in scope is now credential-free (or not applicable); 1 a
credential remains or a change failed; 2 no failure but something is unknown (an account not
reached); 3 bad usage, cannot connect, or not confirmed. Names from AWS reach the terminal only
through ``for_terminal``; no session secret is ever printed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.text_safety import for_terminal

ACTION = "delete-root-credentials"
EXIT_NOT_CONFIRMED = 3


def add_parser(actions: Any) -> None:
    from app.cli.org import _workers, add_connection_options

    parser = actions.add_parser(ACTION, help="delete member accounts' root credentials (after a typed confirmation)",
                                description="Delete the root password, access keys, signing certificates and MFA devices of "
                                            "the named member accounts through sts:AssumeRoot (IAMDeleteRootUserCredentials), "
                                            "then re-audit them. Exit 0: all now credential-free; 1: a credential remains or a "
                                            "change failed; 2: some account could not be reached; 3: bad usage, cannot "
                                            "connect, or not confirmed.")
    add_connection_options(parser)
    parser.add_argument("--accounts", required=True, metavar="IDS",
                        help="comma-separated member account IDs (required; `all` only if you type it)")
    parser.add_argument("--exclude", default="", metavar="IDS", help="comma-separated member account IDs to leave out")
    parser.add_argument("--workers", type=_workers, default=8, metavar="N", help="at most N accounts at once (1–256, default 8)")
    parser.add_argument("--sign", action="store_true", help="save a signed organization record of the accounts in scope after "
                                                           "the deletion, with its change log (key in the OS keyring)")
    parser.add_argument("--out", metavar="FILE", help="with --sign: also write the record to FILE (never overwritten)")
    parser.add_argument("--operator", default="", help="with --sign: the operator's name for the record")
    parser.add_argument("--confirm", metavar='"DELETE N"', help='the confirmation, for scripts: exactly "DELETE <n>", '
                        "n being the number of accounts the listing says will change")


def run(args: argparse.Namespace) -> int:
    from app.cli.org import account_ids, connect
    from app.errors import InvalidInput
    from app.org.delete import DISCLOSURE, execute, prepare
    from app.text.org_deletion import plan_text, results_text
    from app.org.scan import DISCLOSURE as AUDIT_DISCLOSURE, ScanRequest

    text = args.accounts.strip()
    if not text:
        raise InvalidInput("--accounts", "name the member accounts (comma-separated IDs, or all)")
    accounts = None if text.lower() == "all" else account_ids(text, "--accounts")
    if args.confirm is not None and not args.confirm.strip():
        raise InvalidInput("--confirm", 'give exactly "DELETE <n>"')
    if args.out and not args.sign:
        raise InvalidInput("--out", "--out names where the signed record also goes; add --sign")
    if args.out and Path(args.out).exists():
        raise InvalidInput("--out", f"{args.out} already exists; records are never overwritten")
    request = ScanRequest(accounts=accounts, exclude=account_ids(args.exclude, "--exclude"), workers=args.workers,
                          start_workers=min(16, args.workers))
    context = connect(args)
    print(f"Note: {AUDIT_DISCLOSURE}")
    sys.stdout.flush()
    preparation = prepare(context, request)
    plans = preparation.to_change
    sys.stdout.write(plan_text(preparation))
    if not plans:
        print("Nothing to delete: no account in scope has root credentials that can be deleted now.")
        return _exit(preparation.scan.findings, failed=False)
    wanted = f"DELETE {len(plans)}"
    typed = _confirmation(args.confirm, wanted)
    if typed is None:
        print(f'rootwarden: not confirmed: nothing was changed. On a terminal, type {wanted}; in a script, pass --confirm '
              f'"{wanted}" after reviewing the listing above.', file=sys.stderr)
        return EXIT_NOT_CONFIRMED
    if typed.strip() != wanted:
        print(f"rootwarden: the confirmation {for_terminal(typed.strip())[:40]!r} is not {wanted!r}: nothing was changed.",
              file=sys.stderr)
        return EXIT_NOT_CONFIRMED
    print(f"Note: {DISCLOSURE}")
    sys.stdout.flush()
    result = execute(context, plans, workers=args.workers, start_workers=min(4, args.workers))
    sys.stdout.write(results_text(result, preparation))
    after = {a.account_id: a.findings for a in result.accounts}
    findings = [f for m in preparation.scan.members for f in after.get(m.member.id, m.findings)]
    if args.sign:
        _sign(preparation, result, args)
    return _exit(findings, failed=any(a.failed for a in result.accounts))


def _sign(preparation: Any, result: Any, args: argparse.Namespace) -> None:
    """The record after the deletion: the re-audited accounts, every root session and the change log."""
    from app.cli.org import sign_record
    from app.org.delete import after_deletion

    scan, sessions = after_deletion(preparation.scan, result)
    sign_record(scan, args, change_log=result.change_log(), extra_sessions=sessions)


def _confirmation(given: str | None, wanted: str) -> str | None:
    """The confirmation from --confirm, else typed on a terminal; None when there is neither."""
    if given is not None:
        return given
    if not (sys.stdin is not None and sys.stdin.isatty()):
        return None
    try:
        return input(f"Type {wanted} to delete these root credentials (anything else cancels): ")
    except EOFError:
        return None


def _exit(findings: list[Any], failed: bool) -> int:
    from app.runner import exit_code

    return 1 if failed else exit_code(findings)
