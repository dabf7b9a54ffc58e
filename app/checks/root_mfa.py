"""root.mfa: the root user signs in with a second factor."""
from __future__ import annotations

from app.checks import root_credentials as rc
from app.checks.base import SECURITY_CREDENTIALS_URL, Check, CheckRun
from app.model import CheckInfo, Outcome, References, Severity, Status, Step

INFO = CheckInfo(
    id="root.mfa",
    step=Step.MFA,
    title="Root user has MFA enabled",
    severity=Severity.CRITICAL,
    rationale=(
        "Anyone who learns the root e-mail and password owns the account unless a second factor "
        "is required. AWS lets you enable root MFA only in the console. Prefer a passkey or "
        "security key (phishing-resistant) and register a second device as a spare (root may have up to 8)."
    ),
    console_steps=(
        "Sign in to the AWS console as the root user.",
        "Open the account menu → Security credentials.",
        "Under Multi-factor authentication (MFA), choose Assign MFA device.",
        "Name it (e.g. root-yubikey-1), pick Passkey or security key, and follow the prompts.",
        "Repeat for a second device kept in a safe place.",
    ),
    console_url=SECURITY_CREDENTIALS_URL,
    references=References(
        cis=("CIS AWS Foundations v5 1.4",),
        security_hub=("IAM.9",),
        docs=("https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html",),
    ),
)


def evaluate(run: CheckRun) -> Outcome:
    row = rc.root_row(run)
    summary = rc.summary_or_none(run)
    evidence = {
        "credential_report_mfa_active": row.get("mfa_active"),
        "account_summary_AccountMFAEnabled": None if summary is None else summary.get("AccountMFAEnabled"),
    }
    if rc.has_no_credentials(row, summary):
        return Outcome(Status.PASS, rc.NO_CREDENTIALS_REASON, evidence)
    # The summary is live; the report may lag by hours, so it only decides without a summary.
    enabled = bool(summary.get("AccountMFAEnabled")) if summary is not None else rc.is_true(row.get("mfa_active"))
    if enabled:
        return Outcome(Status.PASS, "The root user has MFA enabled.", evidence)
    return Outcome(Status.FAIL, "The root user has no MFA: enable it in the console now.", evidence)


CHECK = Check(INFO, evaluate, shared=("credential_report", "account_summary"))
