"""root.access-keys: the root user has no access keys at all, active or not."""
from __future__ import annotations

import app.checks.root_credentials as rc
from app.checks.base import ROOT_BEST_PRACTICES, SECURITY_CREDENTIALS_URL, Check, CheckRun
from app.model import CheckInfo, Outcome, Reason, References, Severity, Status, Step

INFO = CheckInfo(
    id="root.access-keys",
    step=Step.ACCESS_KEYS,
    title="Root user has no access keys",
    severity=Severity.CRITICAL,
    rationale=(
        "A root access key has the account's full power and cannot be limited by any policy or "
        "protected by MFA. Delete every root key; an inactive key still exists and can be "
        "re-activated by anyone who signs in as root."
    ),
    console_steps=(
        "Sign in to the AWS console as the root user.",
        "Open the account menu (top right) → Security credentials.",
        "Under Access keys, for each key choose Actions → Deactivate, then Delete.",
    ),
    console_url=SECURITY_CREDENTIALS_URL,
    references=References(
        cis=("CIS AWS Foundations v5 1.3",),
        security_hub=("IAM.4",),
        docs=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html", ROOT_BEST_PRACTICES),
    ),
    fixable=True,
)


def evaluate(run: CheckRun) -> Outcome:
    facts = rc.facts(run)
    keys = facts.keys
    evidence = facts.evidence(credential_report_keys=keys)
    active = [k for k in keys if k["active"] == "true"]
    live = facts.live("AccountAccessKeysPresent")
    if live == 0:
        if facts.has_no_credentials:
            return Outcome(Status.PASS, rc.NO_CREDENTIALS_REASON, evidence, Reason.NO_ROOT_CREDENTIALS)
        note = " (the credential report, up to 4 hours old, still lists keys deleted since)" if keys else ""
        return Outcome(Status.PASS, f"The root user has no access keys{note}.", evidence, Reason.COMPLIANT)
    if active:
        which = "an active access key" if len(active) == 1 else f"{len(active)} active access keys"
        return Outcome(Status.FAIL, f"The root user has {which}: delete {'it' if len(active) == 1 else 'them'}.", evidence, Reason.ROOT_KEY_ACTIVE)
    if keys:
        return Outcome(Status.FAIL, "An inactive root access key still exists: delete it.", evidence, Reason.ROOT_KEY_INACTIVE)
    if live is not None:
        return Outcome(Status.FAIL, "The account summary reports a root access key: delete it.", evidence, Reason.ROOT_KEY_INACTIVE)
    return facts.stale("that root has no access key")


CHECK = Check(INFO, evaluate, shared=("credential_report", "account_summary"))
