"""The data every part of Rootwarden speaks: statuses, check text, findings.

All types here are immutable values, safe to pass between threads.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Status(str, enum.Enum):
    """A check's verdict (SPEC §2). ``unknown`` is never silently turned into pass or fail."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"

    @property
    def word(self) -> str:
        return {
            "pass": "PASS",
            "fail": "FAIL",
            "warn": "WARN",
            "unknown": "UNKNOWN",
            "not_applicable": "N/A",
        }[self.value]


class Severity(str, enum.Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Step(int, enum.Enum):
    """The six root-hardening steps, numbered as the wizard shows them."""

    ACCESS_KEYS = 1
    MFA = 2
    LIMIT_USE = 3
    IDENTITY = 4
    CONTACTS = 5
    ALERTS = 6

    @property
    def title(self) -> str:
        return STEP_TITLES[self]


STEP_TITLES = {
    Step.ACCESS_KEYS: "Remove root access keys",
    Step.MFA: "Enable MFA on root",
    Step.LIMIT_USE: "Limit root use",
    Step.IDENTITY: "Centralize identity",
    Step.CONTACTS: "Alternate contacts",
    Step.ALERTS: "Root activity notifications",
}


@dataclass(frozen=True)
class References:
    cis: tuple[str, ...] = ()
    security_hub: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, list[str]]:
        return {"cis": list(self.cis), "security_hub": list(self.security_hub), "docs": list(self.docs)}


@dataclass(frozen=True)
class CheckInfo:
    """A check's text, kept as data beside its code; feeds the wizard, the CLI and the report."""

    id: str
    step: Step
    title: str
    severity: Severity
    rationale: str
    console_steps: tuple[str, ...]
    console_url: str
    references: References
    fixable: bool = False
    # The IAM actions the check's own calls need (shared snapshot data declares its own).
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What a check's function returns: the verdict and the API data it used."""

    status: Status
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One check's result in one run (SPEC §4): the info, the outcome and when."""

    info: CheckInfo
    status: Status
    summary: str
    evidence: dict[str, Any]
    checked_at: datetime

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def step(self) -> Step:
        return self.info.step

    def as_dict(self) -> dict[str, Any]:
        info = self.info
        return {
            "id": info.id,
            "step": int(info.step),
            "title": info.title,
            "severity": info.severity.value,
            "status": self.status.value,
            "summary": self.summary,
            "evidence": self.evidence,
            "remediation": {
                "text": info.rationale,
                "console_steps": list(info.console_steps),
                "console_url": info.console_url,
                "rootwarden_can_fix": info.fixable,
            },
            "references": info.references.as_dict(),
            "checked_at": rfc3339(self.checked_at),
        }


def rfc3339(moment: datetime) -> str:
    """UTC, second precision, with a trailing Z."""
    from datetime import timezone

    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def finding_from_dict(data: dict[str, Any]) -> Finding:
    """A finding read back from a record or JSON output (text data rebuilt from the dict)."""
    remediation = data.get("remediation", {})
    refs = data.get("references", {})
    info = CheckInfo(
        id=data["id"], step=Step(int(data["step"])), title=data.get("title", data["id"]),
        severity=Severity(data.get("severity", "medium")), rationale=remediation.get("text", ""),
        console_steps=tuple(remediation.get("console_steps", ())), console_url=remediation.get("console_url", ""),
        references=References(tuple(refs.get("cis", ())), tuple(refs.get("security_hub", ())), tuple(refs.get("docs", ()))),
        fixable=bool(remediation.get("rootwarden_can_fix")),
    )
    from datetime import datetime

    checked = data.get("checked_at")
    when = datetime.fromisoformat(checked.replace("Z", "+00:00")) if checked else datetime.fromtimestamp(0)
    return Finding(info, Status(data["status"]), data.get("summary", ""), data.get("evidence", {}), when)
