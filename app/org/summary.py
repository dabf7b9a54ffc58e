"""One member account's audit summed up for a table (SPEC §12 "Wizard"): its verdict, the
checks that did not pass, why it was not reached, and the coverage sentence. Qt-free.

Every string is computed once per account (a view over 10,000 rows must not rebuild text on each
paint). Text from AWS (names, OU paths, states) and our summaries that may quote AWS go through
``for_terminal``, so control characters and bidi overrides show as visible escapes; a Qt view
still shows the result as plain text. Pure functions over frozen data; safe from any thread.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.model import Status
from app.org.scan import MemberResult, OrgScan
from app.text_safety import for_terminal

# Worst first: the order of an account's verdict and of "exceptions first" (as `org verify`).
VERDICT_ORDER = (Status.FAIL, Status.UNKNOWN, Status.WARN, Status.PASS, Status.NOT_APPLICABLE)
SHORT_NAMES = {
    "member.root-password": "Password",
    "member.root-access-keys": "Access keys",
    "member.root-signing-certificates": "Signing certificates",
    "member.root-mfa": "MFA",
    "member.root-credential-free": "Credential-free",
}
MAX_SHOWN = 200  # characters of one AWS string shown in a cell (the details show it whole)


def account_verdict(result: MemberResult) -> Status:
    """The worst status among the account's checks (never pass when one is unknown)."""
    statuses = {f.status for f in result.findings}
    return next((s for s in VERDICT_ORDER if s in statuses), Status.NOT_APPLICABLE)


@dataclass(frozen=True)
class MemberRow:
    """What the results table shows of one account, as ready-made strings."""

    result: MemberResult
    account_id: str
    name: str
    ou: str
    state: str
    verdict: Status
    verdict_word: str
    not_passed: str  # "Fail: Password, MFA; Warning: Signing certificates"; "" when nothing is wrong
    unreached: str  # why the account was not audited; "" when it was
    is_management: bool
    rank: int  # VERDICT_ORDER index: 0 for the worst

    @property
    def search_text(self) -> str:
        return f"{self.account_id}\n{self.result.member.name}".casefold()


def member_row(result: MemberResult, management_account_id: str) -> MemberRow:
    member = result.member
    verdict = account_verdict(result)
    shown = [f for f in result.findings if f.status in (Status.FAIL, Status.UNKNOWN, Status.WARN)]
    if not result.reached and len({(f.status, f.reason) for f in shown}) == 1:
        not_passed = f"All five: {shown[0].status.label}"
    else:
        not_passed = "; ".join(f"{status.label}: " + ", ".join(SHORT_NAMES.get(f.id, f.id) for f in shown if f.status is status)
                               for status in VERDICT_ORDER if any(f.status is status for f in shown))
    unreached = "" if result.reached or not result.findings else _short(result.findings[0].summary)
    return MemberRow(result, member.id, _short(member.name), _short(member.ou), _short(member.state), verdict, verdict.label,
                     not_passed, unreached, member.id == management_account_id, VERDICT_ORDER.index(verdict))


def rows(scan: OrgScan) -> list[MemberRow]:
    return [member_row(m, scan.management_account_id) for m in scan.members]


def coverage_line(scan: OrgScan) -> str:
    reached, total = scan.coverage
    line = f"Reached {reached} of {total} active member account{'s' if total != 1 else ''}"
    if scan.cancelled:
        cancelled = sum(1 for m in scan.members if m.reason == "cancelled")
        line += f" — the audit was cancelled; {cancelled} account{'s' if cancelled != 1 else ''} not audited (Unknown)"
    return line + "."


def details(result: MemberResult) -> str:
    """One account's five findings with their summaries, as plain text."""
    member = result.member
    lines = [f"{for_terminal(member.name)} — {member.id}",
             f"State: {for_terminal(member.state)}" + (f"; OU: {for_terminal(member.ou)}" if member.ou else "")
             + ("" if result.reached else f"; not reached ({result.reason})"), ""]
    for finding in result.findings:
        lines.append(f"{finding.status.label}: {finding.info.title} ({finding.reason})")
        lines.append(f"    {for_terminal(finding.summary)}")
    return "\n".join(lines)


def _short(text: str) -> str:
    safe = for_terminal(text)
    return safe if len(safe) <= MAX_SHOWN else safe[:MAX_SHOWN - 1] + "…"
