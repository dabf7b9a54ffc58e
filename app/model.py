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

    @property
    def label(self) -> str:
        """The status in a sentence's case, for the wizard's cards, badges and tables."""
        return {
            "pass": "Pass",
            "fail": "Fail",
            "warn": "Warning",
            "unknown": "Unknown",
            "not_applicable": "Not applicable",
        }[self.value]


class Reason(str, enum.Enum):
    """Why a finding has its status: a stable, machine-readable code (SPEC §2.2).

    The wizard, the fixes and other tools branch on these codes, never on a finding's sentence.
    """

    # pass
    COMPLIANT = "compliant"
    NO_ROOT_CREDENTIALS = "no-root-credentials"
    NOT_USED_RECENTLY = "not-used-recently"
    NEVER_USED = "never-used"
    # fail
    NON_COMPLIANT = "non-compliant"
    ROOT_KEY_ACTIVE = "root-key-active"
    ROOT_KEY_INACTIVE = "root-key-inactive"
    NO_MFA = "no-mfa"
    USED_RECENTLY = "used-recently"
    CONTACT_MISSING = "contact-missing"
    NO_CENTRAL_IDENTITY = "no-central-identity"
    TRUSTED_ACCESS_DISABLED = "trusted-access-disabled"
    CONSOLIDATED_BILLING_ONLY = "consolidated-billing-only"
    FEATURES_DISABLED = "features-disabled"
    NO_ALERT = "no-alert"
    RULE_DISABLED = "rule-disabled"
    NO_CONFIRMED_SUBSCRIBER = "no-confirmed-subscriber"
    DELIVERY_BLOCKED = "delivery-blocked"  # the topic (its policy or KMS key) refuses the alert's publisher
    ROOT_PASSWORD = "root-password"  # a member account's root user has a password (organization mode)
    # warn
    ADVISORY = "advisory"
    SIGNING_CERTIFICATE = "signing-certificate"
    VIRTUAL_MFA = "virtual-mfa"
    USED_THIS_SESSION = "used-this-session"
    CONSOLE_PASSWORDS_REMAIN = "console-passwords-remain"
    PARTIAL_COVERAGE = "partial-coverage"
    PENDING_CONFIRMATION = "pending-confirmation"
    # unknown
    DENIED = "denied"
    THROTTLED = "throttled"
    CALL_FAILED = "call-failed"
    MALFORMED_RESPONSE = "malformed-response"
    INCOMPLETE_LISTING = "incomplete-listing"
    STALE_SOURCE = "stale-source"
    TIMEOUT = "timeout"
    UNSUPPORTED_PATTERN = "unsupported-pattern"
    DELIVERY_UNVERIFIED = "delivery-unverified"  # whether the topic accepts the alert cannot be judged
    UNSUPPORTED_PARTITION = "unsupported-partition"
    CONNECTION = "connection"
    CHECK_ERROR = "check-error"
    # unknown, organization mode (SPEC §12): why a member account could not be audited
    ASSUME_ROOT_DENIED = "assume-root-denied"
    FEATURE_DISABLED = "feature-disabled"  # RootSessions (privileged root actions) not enabled for the organization
    SCP_DENIES_ROOT_SESSION = "scp-denies-root-session"
    ACCOUNT_NOT_ACTIVE = "account-not-active"  # a state other than ACTIVE that is not an ending one
    CANCELLED = "cancelled"  # the run was cancelled before this account was audited
    # organization readiness (SPEC §12, `org enable`): why an item is not enabled, or unread
    NOT_ORGANIZATION_ADMIN = "not-organization-admin"  # caller is neither the management account nor IAM's delegated admin
    NO_DELEGATED_ADMIN = "no-delegated-admin"  # no IAM delegated administrator registered (information only)
    ACCOUNT_TRUSTED_ACCESS_DISABLED = "account-trusted-access-disabled"  # member contacts unreadable: account.amazonaws.com off
    # not_applicable
    NOT_APPLICABLE = "not-applicable"
    MEMBER_ACCOUNT = "member-account"
    NO_ORGANIZATION = "no-organization"
    NO_CONSOLE_IN_PARTITION = "no-console-in-partition"
    SUSPENDED_ACCOUNT = "suspended-account"  # SUSPENDED, CLOSED or PENDING_CLOSURE member
    MANAGEMENT_ACCOUNT = "management-account"  # audited by `rootwarden verify`, not through AssumeRoot
    NO_ROOT_PASSWORD = "no-root-password"  # root MFA is moot without a root password


# The code of a finding whose check named none, and of findings in records made before codes.
DEFAULT_REASON = {
    Status.PASS: Reason.COMPLIANT,
    Status.FAIL: Reason.NON_COMPLIANT,
    Status.WARN: Reason.ADVISORY,
    Status.UNKNOWN: Reason.CHECK_ERROR,
    Status.NOT_APPLICABLE: Reason.NOT_APPLICABLE,
}


def reason_code(text: str | None, status: Status) -> str:
    """A known ``Reason`` for ``text``, or the status's default for a missing or unknown code."""
    try:
        return Reason(text).value
    except ValueError:
        return DEFAULT_REASON[status].value


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


# The tag on the IAM user Rootwarden created as a break-glass user (Step 2); Step 4 lists such
# users separately instead of asking to move them to Identity Center (SPEC §4 Step 4).
BREAK_GLASS_TAG = {"Key": "rootwarden:purpose", "Value": "break-glass"}

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
    reason: Reason | None = None  # None: the status's default code

    @property
    def code(self) -> Reason:
        return self.reason or DEFAULT_REASON[self.status]


@dataclass(frozen=True)
class Finding:
    """One check's result in one run (SPEC §4): the info, the outcome and when."""

    info: CheckInfo
    status: Status
    summary: str
    evidence: dict[str, Any]
    checked_at: datetime
    reason: str = ""  # a ``Reason`` value; "" means the status's default
    # The console host's partition (SPEC §3): console links are rewritten for it.
    partition: str = "aws"

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", reason_code(self.reason or None, self.status))

    @property
    def console_url(self) -> str:
        from app.aws.partition import by_name

        return by_name(self.partition).console_url(self.info.console_url)

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
            "reason": self.reason,
            "summary": self.summary,
            "evidence": self.evidence,
            "remediation": {
                "text": info.rationale,
                "console_steps": list(info.console_steps),
                "console_url": self.console_url,
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
    status = Status(data["status"])
    return Finding(info, status, data.get("summary", ""), data.get("evidence", {}), when, reason_code(data.get("reason"), status))
