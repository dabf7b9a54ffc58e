"""The deletion of member root credentials as plain text (SPEC §12): the listing shown before
the typed confirmation — per account, exactly what will change — and the results. Used by the
CLI and by the wizard's confirmation dialog (shown there as plain text). Names and AWS text pass
through ``for_terminal``. Pure functions.
"""
from __future__ import annotations

from typing import Any

from app.model import Status
from app.text_safety import for_terminal


def plan_text(preparation: Any) -> str:
    """The listing shown before the confirmation: per account, exactly what will change."""
    scan = preparation.scan
    names = {m.member.id: m.member.name for m in scan.members}
    plans = preparation.to_change
    lines = [f"Deletion of member root credentials — organization {for_terminal(scan.organization_id)}", ""]
    if plans:
        lines.append(f"Will change {len(plans)} account(s):")
        for plan in plans:
            lines.append(f"  {plan.account_id}  {for_terminal(names.get(plan.account_id, ''))[:60]}")
            for change in plan.changes:
                lines.append(f"      - {for_terminal(change.description)} ({change.action})")
                if change.note:
                    lines.append(f"        note: {change.note}")
    free = [m for m in scan.members if m.member.id in preparation.plans and preparation.plans[m.member.id].empty]
    if free:
        lines.append(f"Nothing to delete in {len(free)} account(s): " + ", ".join(m.member.id for m in free[:20])
                     + (" …" if len(free) > 20 else ""))
    for member in scan.members:
        if member.reached:
            continue
        finding = member.findings[0]
        word = "not touched" if finding.status == Status.NOT_APPLICABLE else "could not be reached, nothing will change"
        lines.append(f"  {member.member.id}  {for_terminal(member.member.name)[:60]}: {word} ({member.reason}): "
                     f"{for_terminal(finding.summary)}")
    lines.append("")
    return "\n".join(lines) + "\n"


def results_text(result: Any, preparation: Any) -> str:
    names = {m.member.id: m.member.name for m in preparation.scan.members}
    lines = ["", "Results:"]
    for account in result.accounts:
        lines.append(f"  {account.account_id}  {for_terminal(names.get(account.account_id, ''))[:60]}")
        if account.message:
            lines.append(f"      {for_terminal(account.message)}")
        for change in account.changes:
            session = f" [session {change.session_access_key_id}]" if change.session_access_key_id else ""
            lines.append(f"      {change.outcome.value:<13} {change.change.action} {for_terminal(change.change.target)}{session}")
            if change.message and change.outcome.value == "failed":
                lines.append(f"          {for_terminal(change.error_code)}: {for_terminal(change.message)}")
            if change.change.note and change.outcome.value in ("done", "already-gone"):
                lines.append(f"          note: {change.change.note}")
        lines.append("      re-audit:")
        for finding in account.findings:
            lines.append(f"        {finding.status.word:<7} {finding.id} ({finding.reason}): {for_terminal(finding.summary)}")
    free = sum(1 for a in result.accounts
               if any(f.id == "member.root-credential-free" and f.status == Status.PASS for f in a.findings))
    failed = sum(1 for a in result.accounts if a.failed)
    lines += ["", f"{free} of {len(result.accounts)} changed account(s) now credential-free" +
              (f"; {failed} with a failed change" if failed else "") + (" (cancelled)" if result.cancelled else ""), ""]
    return "\n".join(lines) + "\n"
