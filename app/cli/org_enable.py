"""``rootwarden org enable`` (SPEC §12): the organization's readiness for central root-access
management, and, after confirmation, the changes that turn on what is off.

Prints the readiness, then exactly the changes; on a terminal asks for ``yes`` (``--yes`` for
scripts; without a terminal and without ``--yes`` nothing changes and it exits 3); applies them,
stopping at the first failure, and prints the readiness read again. ``--dry-run`` prints the plan
only. Exit 0: every item enabled; 1: a change failed or something is still disabled; 2: nothing
disabled but something unknown; 3: cannot connect or bad usage. AWS text reaches the terminal
only through ``for_terminal``. ``--demo`` is the practice organization as it is before
`org enable`: no trusted access, no root-access features.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any

from app.text_safety import for_terminal

ACTION = "enable"
EXIT_OK, EXIT_FAIL, EXIT_UNKNOWN, EXIT_USAGE = 0, 1, 2, 3
_MARK = {"enabled": "ENABLED ", "disabled": "DISABLED", "unknown": "UNKNOWN "}


def add_parser(actions: Any) -> None:
    from app.cli.org import add_connection_options

    parser = actions.add_parser(
        ACTION, help="check the organization is ready for central root-access management, and enable what is off",
        description="Check trusted access (iam, account), IAM's RootCredentialsManagement and RootSessions, and who you are "
                    "connected as; then, after confirmation, enable what is off. Exit 0: all enabled; 1: a change failed or "
                    "something is still disabled; 2: nothing disabled but something could not be read; 3: cannot connect or "
                    "bad usage (including: changes needed, no terminal to confirm on, and no --yes).")
    add_connection_options(parser)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="show the readiness and the changes; change nothing")
    mode.add_argument("--yes", action="store_true", help="make the changes without asking (for scripts)")


def run(args: argparse.Namespace) -> int:
    from app.org.readiness import apply, plan_enable, read_readiness

    context = _connect(args)
    before = read_readiness(context)
    sys.stdout.write(readiness_text(before, "Organization readiness"))
    plan = plan_enable(before)
    if not plan:
        print("Nothing for Rootwarden to change" + ("." if before.ready else " from this connection (see above)."))
        return exit_code(before)
    print(f"Changes to make ({len(plan)}), in this order:")
    for n, change in enumerate(plan, 1):
        print(f"  {n}. {change.description} — {change.action} ({for_terminal(change.target)}) in account {change.account}")
    if args.dry_run:
        print("Dry run: nothing was changed.")
        return exit_code(before)
    if not args.yes:
        answer = _confirm(len(plan))
        if answer is None:
            print("rootwarden: changes are needed, but there is no terminal to confirm them on; nothing was changed. Run on a "
                  "terminal, or add --yes to make the changes listed above.", file=sys.stderr)
            return EXIT_USAGE
        if not answer:
            print("Not confirmed: nothing was changed.")
            return exit_code(before)
    results = apply(context, plan)
    sys.stdout.write(results_text(results))
    after = read_readiness(context)
    sys.stdout.write(readiness_text(after, "Organization readiness, read again"))
    failed = any(r.outcome.value == "failed" for r in results)
    return EXIT_FAIL if failed else exit_code(after)


def _connect(args: argparse.Namespace) -> Any:
    if args.demo:
        from app.practice.organization import PracticeOrganization

        return PracticeOrganization(features=False).start().aws_context()
    from app.cli.org import connect

    return connect(args)


def _confirm(count: int) -> bool | None:
    """True when the user types ``yes`` on a terminal; None without a terminal."""
    if not (sys.stdin is not None and sys.stdin.isatty()):
        return None
    try:
        answer = input(f"Type yes to make these {count} changes: ")
    except EOFError:
        return False
    return answer.strip() == "yes"


def exit_code(readiness: Any) -> int:
    states = {i.state.value for i in readiness.counted}
    if "disabled" in states:
        return EXIT_FAIL
    if "unknown" in states:
        return EXIT_UNKNOWN
    return EXIT_OK


def readiness_text(readiness: Any, heading: str) -> str:
    org = for_terminal(readiness.organization_id) or "(organization not read)"
    management = for_terminal(readiness.management_account_id) or "not read"
    lines = [f"{heading} — {org} (management account {management})",
             f"Caller {for_terminal(readiness.caller_arn)} — {readiness.role.value}"]
    for item in readiness.items:
        mark = "INFO    " if item.info else _MARK[item.state.value]
        note = f" [information: {item.state.value}]" if item.info else (" [Rootwarden can enable]" if item.fixable else "")
        lines.append(f"  {mark} {item.title} ({item.reason}){note}")
        lines.append(f"           {for_terminal(item.meaning)}")
    return "\n".join(lines) + "\n\n"


def results_text(results: list[Any]) -> str:
    lines = ["Changes:"]
    for r in results:
        word = {"done": "DONE", "already-enabled": "ALREADY ENABLED", "failed": "FAILED", "not-attempted": "NOT DONE"}[r.outcome.value]
        line = f"  {word:<15} {r.action} ({for_terminal(r.target)})"
        if r.error_code:
            line += f": {for_terminal(r.error_code)}"
        lines.append(line)
        if r.message:
            lines.append(f"                  {for_terminal(r.message)}")
    made = [r for r in results if r.outcome.value == "done"]
    not_made = [r for r in results if r.outcome.value in ("failed", "not-attempted")]
    if not_made:
        lines.append(f"Stopped: {len(made)} change(s) made ({for_terminal(', '.join(r.target for r in made) or 'none')}); "
                     f"{len(not_made)} not made ({for_terminal(', '.join(r.target for r in not_made))}).")
    return "\n".join(lines) + "\n\n"
