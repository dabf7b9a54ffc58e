"""root.mfa: the root user signs in with a second factor."""
from __future__ import annotations

import app.checks.root_credentials as rc
from app.errors import UnsupportedPartition
from app.checks.base import SECURITY_CREDENTIALS_URL, Check, CheckRun
from app.model import CheckInfo, Outcome, Reason, References, Severity, Status, Step

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
    if not run.snapshot.partition.known:
        raise UnsupportedPartition(run.snapshot.partition.name)
    if not run.snapshot.partition.root_console:
        return Outcome(Status.NOT_APPLICABLE, rc.NO_CONSOLE_REASON, {"partition": run.snapshot.partition.name}, Reason.NO_CONSOLE_IN_PARTITION)
    facts = rc.facts(run)
    evidence = facts.evidence(credential_report_mfa_active=None if facts.row is None else facts.row.get("mfa_active"))
    return rc.mfa_outcome(facts, evidence, "The root user has MFA enabled.", "enable it in the console now.", "that root MFA is enabled")

CHECK = Check(INFO, evaluate, shared=("identity", "credential_report", "account_summary"))
