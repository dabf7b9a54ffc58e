"""Facts about the root user shared by the Step 1–3 checks: two sources, one rule (SPEC §4).

The account summary (GetAccountSummary) is live; the credential report may be up to four hours
old. A check passes only on the live summary. The report adds detail (which key, dates) and may
on its own show a failure, never a pass: with the summary missing, "the report shows nothing"
is ``unknown`` (``stale-source``), since a key created or MFA removed since would not show.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.aws.credential_report import parse_date
from app.checks.base import CheckRun
from app.errors import AwsCallFailed, MalformedResponse
from app.model import Outcome, Reason, Status

KEY_FIELDS = ("active", "last_rotated", "last_used_date", "last_used_region", "last_used_service")
REPORT_ACTION = "iam:GetCredentialReport"

NO_CREDENTIALS_REASON = (
    "The root user has no password and no access keys (root credentials were removed, e.g. "
    "centrally by the organization), so it cannot sign in or call APIs."
)
NO_CONSOLE_REASON = (
    "A root user in this partition (AWS GovCloud (US)) cannot sign in to the console, so it has "
    "no password or MFA device to check; its access keys are checked in Step 1."
)


@dataclass(frozen=True)
class RootFacts:
    """What both sources say about root, each with the error that kept it away, if any."""

    summary_map: dict[str, int] | None  # the live account summary (GetAccountSummary)
    summary_error: AwsCallFailed | None
    row: dict[str, str] | None
    keys: list[dict[str, Any]] = field(default_factory=list)
    report_error: AwsCallFailed | None = None
    report_generated: str = ""

    def live(self, flag: str) -> int | None:
        return None if self.summary_map is None else int(self.summary_map[flag])

    def report_flag(self, column: str) -> bool | None:
        return None if self.row is None else flag(self.row, column)

    @property
    def has_no_credentials(self) -> bool:
        """Live proof that root has no password and no access keys: the summary's
        ``AccountAccessKeysPresent`` and ``AccountPasswordPresent`` both 0 (never the report)."""
        return (self.summary_map is not None and not self.summary_map["AccountAccessKeysPresent"]
                and self.summary_map.get("AccountPasswordPresent", 1) == 0)

    @property
    def maybe_no_credentials(self) -> bool:
        """No live password flag, no live keys, and the (possibly stale) report says no
        password: neither a pass nor a failure can be proven."""
        return (self.summary_map is not None and not self.summary_map["AccountAccessKeysPresent"]
                and self.summary_map.get("AccountPasswordPresent") is None and self.row is not None
                and (self.row.get("password_enabled") or "").strip().lower() == "false")

    def stale(self, what: str) -> Outcome:
        """The verdict without the live summary when the report cannot prove a failure."""
        if self.row is None:
            assert self.summary_error is not None
            raise self.summary_error
        missing = (f"iam:GetAccountSummary was not available ({self.summary_error})" if self.summary_error is not None
                   else "the account summary has no AccountPasswordPresent flag")
        return Outcome(
            Status.UNKNOWN,
            f"{missing}, and the credential report "
            f"(generated {self.report_generated or 'at an unknown time'}, up to 4 hours old) cannot prove {what} on its own. "
            "Grant iam:GetAccountSummary (`rootwarden policy`) and re-check.",
            self.evidence(),
            Reason.STALE_SOURCE,
        )

    def evidence(self, **extra: Any) -> dict[str, Any]:
        evidence: dict[str, Any] = {
            "account_summary": None if self.summary_map is None else {k: v for k, v in self.summary_map.items() if k.startswith("Account")},
            "credential_report_generated": self.report_generated or None,
        }
        if self.summary_error is not None:
            evidence["account_summary_error"] = {"action": self.summary_error.action, "reason": self.summary_error.reason}
        if self.report_error is not None:
            evidence["credential_report_error"] = {"action": self.report_error.action, "reason": self.report_error.reason}
        return {**evidence, **extra}


def mfa_outcome(facts: RootFacts, evidence: dict[str, Any], passed: str, missing: str, what: str) -> Outcome:
    """The root MFA verdict by the two-source rule: ``passed`` when the live summary shows MFA,
    ``missing`` (a fix instruction) when it shows none on a root that can sign in; the report
    alone can show the failure, never the pass."""
    live = facts.live("AccountMFAEnabled")
    if live:
        return Outcome(Status.PASS, passed, evidence, Reason.COMPLIANT)
    if live == 0:
        if facts.has_no_credentials:
            return Outcome(Status.PASS, NO_CREDENTIALS_REASON, evidence, Reason.NO_ROOT_CREDENTIALS)
        if facts.maybe_no_credentials:
            return facts.stale("that root has no password")
        return Outcome(Status.FAIL, f"The root user has no MFA: {missing}", evidence, Reason.NO_MFA)
    if facts.report_flag("mfa_active") is False and facts.row.get("password_enabled") != "false":
        return Outcome(Status.FAIL, f"The credential report shows no MFA on the root user: {missing}", evidence, Reason.NO_MFA)
    return facts.stale(what)


def facts(run: CheckRun) -> RootFacts:
    """Both sources, each fetched once per run; a failure of one is kept, not raised."""
    summary = summary_error = row = report_error = None
    keys: list[dict[str, Any]] = []
    generated = ""
    try:
        summary = run.snapshot.account_summary()
    except AwsCallFailed as error:
        summary_error = error
    try:
        report = run.snapshot.credential_report()
        generated = report.generated_time
        row = report.root
        if row is None:
            raise MalformedResponse(REPORT_ACTION, "a credential report without the root row (<root_account>)")
        keys = key_evidence(row)
    except AwsCallFailed as error:
        report_error, row, keys = error, None, []
    if summary is None and row is None:
        # Neither source: the live one's failure is what the user must fix first.
        assert summary_error is not None
        raise summary_error
    return RootFacts(summary, summary_error, row, keys, report_error, generated)


def flag(row: dict[str, str], column: str) -> bool:
    """A true/false column of the root row; anything else is a malformed report."""
    value = (row.get(column) or "").strip().lower()
    if value not in ("true", "false"):
        raise MalformedResponse(REPORT_ACTION, f"an unreadable {column} value ({value[:20]!r}) in the root row")
    return value == "true"


def key_evidence(row: dict[str, str]) -> list[dict[str, Any]]:
    """Per root access key slot that holds a key: active flag, rotation, last use."""
    keys = []
    for slot in (1, 2):
        fields = {name: row.get(f"access_key_{slot}_{name}", "N/A") for name in KEY_FIELDS}
        active = flag(row, f"access_key_{slot}_active")
        rotated = parse_date(fields["last_rotated"], f"access_key_{slot}_last_rotated")
        parse_date(fields["last_used_date"], f"access_key_{slot}_last_used_date")
        if active or rotated is not None:
            keys.append({"slot": slot, **fields, "active": "true" if active else "false"})
    return keys
