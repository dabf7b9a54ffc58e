"""The checklist as text: grouped by the six steps, a status word and one line per check.

Shared by ``rootwarden verify`` and ``rootwarden record show``. Every piece of data (summaries,
the header's alias, caller or operator) passes through ``for_terminal``: nothing from AWS or a
record can move the cursor, recolour or clear the terminal. Pure functions.
"""
from __future__ import annotations

from typing import Iterable

from app.model import Finding, Status, Step
from app.text_safety import for_terminal

_COLOURS = {
    Status.PASS: "\033[32m",
    Status.FAIL: "\033[31m",
    Status.WARN: "\033[33m",
    Status.UNKNOWN: "\033[35m",
    Status.NOT_APPLICABLE: "\033[2m",
}
_RESET = "\033[0m"


def render(findings: Iterable[Finding], header: list[str], colour: bool = False) -> str:
    findings = list(findings)
    width = max((len(f.id) for f in findings), default=20)
    lines = [*(for_terminal(line) for line in header), ""]
    for step in Step:
        in_step = [f for f in findings if f.step is step]
        if not in_step:
            continue
        lines.append(f"Step {int(step)}  {step.title}")
        for finding in in_step:
            word = f"{finding.status.word:<8}"
            if colour:
                word = f"{_COLOURS[finding.status]}{word}{_RESET}"
            lines.append(f"  {word} {for_terminal(finding.id):<{width}}  {for_terminal(finding.summary)}")
        lines.append("")
    lines.append(tally(findings))
    return "\n".join(lines) + "\n"


def tally(findings: Iterable[Finding]) -> str:
    counts = {status: 0 for status in Status}
    for finding in findings:
        counts[finding.status] += 1
    return "Summary: " + ", ".join(f"{counts[s]} {s.word.lower()}" for s in Status)
