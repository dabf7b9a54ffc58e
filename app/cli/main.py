"""The ``rootwarden`` command line (SPEC §8).

Kept light on purpose: nothing from Qt, and boto3/moto only once a command needs them, so
``rootwarden verify`` starts fast. Every error reaches the user as one clear line on stderr and
an exit code; never a traceback (set ROOTWARDEN_DEBUG=1 to see one). Output into a pipe whose
reader has gone (``rootwarden policy | head -1``) ends quietly with exit code 141.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Callable, NoReturn, Sequence

EXIT_CONNECT = 3
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE, as a shell reports a command cut off by `| head`


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on exit code 3 (SPEC §8): 2 always means "some check unknown"."""

    def error(self, message: str) -> "NoReturn":  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_CONNECT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from app import __version__

    parser = _Parser(
        prog="rootwarden",
        description="Harden and re-verify an AWS account's root user. Without a command, opens the wizard.",
    )
    parser.add_argument("--version", action="version", version=f"rootwarden {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the wizard on the practice account (no AWS account needed)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    verify = commands.add_parser("verify", help="check the account now and print the checklist",
                                 description="Run every root-hardening check live. Exit 0: all clear; 1: a check failed; "
                                             "2: no failure but some checks could not be judged; 3: cannot connect or bad usage.")
    source = verify.add_mutually_exclusive_group()
    source.add_argument("--profile", metavar="NAME", help="a Rootwarden profile saved in the OS keyring (`rootwarden profile`)")
    source.add_argument("--aws-profile", metavar="NAME", help="a profile from your AWS shared config (~/.aws/config)")
    source.add_argument("--demo", action="store_true", help="the practice account (simulated; no credentials or network)")
    verify.add_argument("--region", metavar="R", help="region for regional checks (default: the profile's, else us-east-1)")
    verify.add_argument("--mfa-code", metavar="CODE", action="append",
                        help="the 6-digit code for a profile that assumes a role with MFA (mfa_serial); once per device "
                             "when its role chain has several (the profile's own first); without it you are asked on a "
                             "terminal, and without a terminal the command stops saying so")
    verify.add_argument("--format", choices=("text", "json", "ocsf", "junit"), default="text",
                        help="output format: text, json (rootwarden/verify-v1), ocsf (OCSF Compliance Findings, for Security "
                             "Hub/Security Lake and SIEMs) or junit (JUnit XML, for CI dashboards); default: text")
    verify.add_argument("--recent-use-days", type=int, default=30, metavar="N",
                        help="root use within N days fails root.recent-use (default: 30)")
    verify.add_argument("--sign", action="store_true", help="save a signed completion record (key in the OS keyring)")
    verify.add_argument("--out", metavar="FILE", help="with --sign: also write the record to FILE (never overwritten)")
    verify.add_argument("--operator", default="", help="with --sign: the operator's name for the record")

    record = commands.add_parser("record", help="verify or show a signed completion record")
    record_actions = record.add_subparsers(dest="record_command", metavar="ACTION", required=True)
    record_verify = record_actions.add_parser("verify", help="check a record's signature (exit 0 valid, 1 not)")
    record_verify.add_argument("file")
    record_verify.add_argument("--public-key", metavar="PEM", help="the signer's public key (default: this machine's key)")
    record_show = record_actions.add_parser("show", help="print a verified record's findings as the checklist")
    record_show.add_argument("file")
    record_show.add_argument("--public-key", metavar="PEM", help="the signer's public key (default: this machine's key)")

    record_extract = record_actions.add_parser(
        "extract", help="one member account's findings from an organization record, checked against its signed digest",
        description="Verify an organization record, then write one account's findings as the exact bytes its subject "
                    "digest covers: sha256sum of the output equals the digest of aws-account/<ID> in the signed statement.")
    record_extract.add_argument("file")
    record_extract.add_argument("--account", required=True, metavar="ID", help="the member account (12 digits)")
    record_extract.add_argument("--out", metavar="FILE", help="write the findings to FILE (never overwritten; default: stdout)")
    record_extract.add_argument("--public-key", metavar="PEM", help="the signer's public key (default: this machine's key)")

    report = commands.add_parser("report", help="render a record as a printable PDF report")
    report.add_argument("file")
    report.add_argument("-o", "--output", required=True, metavar="PDF")
    report.add_argument("--paper", choices=("a4", "letter"), default="a4")
    report.add_argument("--public-key", metavar="PEM", help="the signer's public key (default: this machine's key)")

    key = commands.add_parser("key", help="the record-signing key")
    key_actions = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    key_actions.add_parser("export", help="print the public key (PEM) and its fingerprint")

    profile = commands.add_parser("profile", help="saved connection profiles (in the OS keyring)")
    actions = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="save a profile; a secret key is read from standard input or a hidden prompt",
                             description="Save a profile. With --access-key-id, the secret access key is read from standard "
                                         "input when it is not a terminal, else from a hidden prompt; never from an argument.")
    add.add_argument("name")
    add.add_argument("--account-id", required=True, metavar="ID", help="the 12-digit account this profile must connect to")
    creds = add.add_mutually_exclusive_group(required=True)
    creds.add_argument("--aws-profile", metavar="P", help="use this profile of your AWS shared config")
    creds.add_argument("--access-key-id", metavar="KEY", help="use this access key (its secret goes to the keyring)")
    add.add_argument("--region", default="us-east-1", metavar="R", help="default region (default: us-east-1)")
    add.add_argument("--notes", default="", help="free text, at most 500 characters")
    add.add_argument("--replace", action="store_true", help="replace a saved profile of the same name")
    actions.add_parser("list", help="list saved profiles")
    show = actions.add_parser("show", help="show a profile (never its secret)")
    show.add_argument("name")
    remove = actions.add_parser("remove", help="delete a profile and its secret from the keyring")
    remove.add_argument("name")

    schedule = commands.add_parser("schedule", help="re-verify a saved profile on a schedule (systemd, launchd, Task Scheduler)")
    schedule_actions = schedule.add_subparsers(dest="schedule_command", metavar="ACTION", required=True)
    schedule_add = schedule_actions.add_parser("add", help="re-verify a saved profile every N days; notify on change")
    schedule_add.add_argument("--profile", required=True, metavar="NAME", help="a saved profile that can run unattended")
    schedule_add.add_argument("--every", required=True, metavar="Nd", help="how often, in days: 30d")
    schedule_add.add_argument("--sign", action="store_true", help="save a signed record on every run")
    schedule_actions.add_parser("list", help="list schedules and the last outcome of each")
    schedule_remove = schedule_actions.add_parser("remove", help="remove a schedule and its timer")
    schedule_remove.add_argument("name")
    schedule_run = schedule_actions.add_parser("run", help="what the timer runs: verify if due, log, notify on change")
    schedule_run.add_argument("name")
    schedule_run.add_argument("--now", action="store_true", help="run even if the last run is recent")

    from app.cli.org import add_parser as add_org_parser

    add_org_parser(commands)

    policy = commands.add_parser("policy", help="print the least-privilege IAM policy Rootwarden needs")
    policy.add_argument("--fixes", action="store_true", help="include the actions the wizard's fixes need")
    return parser


def main(argv: Sequence[str] | None = None, open_wizard: Callable[[bool], int] | None = None,
         render_report: Callable[..., object] | None = None) -> int:
    """Run a command; with none, ``open_wizard(demo)``. The ``ui`` launcher passes in the two
    things that need Qt (the wizard and the PDF renderer), so this module never imports the UI."""
    try:
        code = _dispatch(argv, open_wizard, render_report)
        if sys.stdout is not None:
            sys.stdout.flush()  # a closed pipe shows here at the latest, not at interpreter exit
    except BrokenPipeError:
        return _stdout_closed()
    return code


def _dispatch(argv: Sequence[str] | None, open_wizard: Callable[[bool], int] | None,
              render_report: Callable[..., object] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "verify":
            from app.cli.verify import verify

            return finish_without_waiting(verify(args))
        if args.command in ("record", "key", "report"):
            from app.cli.record import record_command

            return record_command(args, render_report)
        if args.command == "profile":
            from app.cli.profile import profile_command

            return profile_command(args)
        if args.command == "schedule":
            from app.cli.schedule import schedule_command

            return finish_without_waiting(schedule_command(args))
        if args.command == "org":
            from app.cli.org import org_command

            return finish_without_waiting(org_command(args))
        if args.command == "policy":
            from app.policy import policy_document

            print(json.dumps(policy_document(fixes=args.fixes), indent=2))
            return 0
        if open_wizard is None:
            print("rootwarden: the wizard is started by the `rootwarden` command (ui.launch). "
                  "From here, use a command such as `verify`.", file=sys.stderr)
            return EXIT_CONNECT
        return open_wizard(args.demo)
    except BrokenPipeError:
        raise  # the reader has gone (`| head`): not an error to report, see main()
    except KeyboardInterrupt:
        print("rootwarden: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the one place the CLI turns errors into words
        return _report(error)


def _stdout_closed() -> int:
    """Whoever read standard output has gone: end quietly (Python's documented recipe). What is
    still buffered goes to /dev/null, so the interpreter's last flush cannot complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # no real stdout to redirect (pythonw, a replaced sys.stdout): nothing left to flush
    return finish_without_waiting(EXIT_PIPE_CLOSED)


def _report(error: Exception) -> int:
    from app.errors import RootwardenError

    if os.environ.get("ROOTWARDEN_DEBUG"):
        raise error
    if isinstance(error, RootwardenError):
        print(f"rootwarden: {error}", file=sys.stderr)
    elif isinstance(error, OSError):
        print(f"rootwarden: cannot write or read a file: {error.strerror or error} ({error.filename or 'unknown file'}).",
              file=sys.stderr)
    else:
        print(f"rootwarden: unexpected error ({type(error).__name__}). Re-run with ROOTWARDEN_DEBUG=1 and report it.", file=sys.stderr)
    return EXIT_CONNECT


def finish_without_waiting(code: int) -> int:
    """After ``verify`` has printed everything: calls the run abandoned at its deadline may
    still be waiting on the network; the process ends now instead of waiting for them."""
    import os
    import threading

    if any(t is not threading.main_thread() and t.is_alive() and not t.daemon for t in threading.enumerate()):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
