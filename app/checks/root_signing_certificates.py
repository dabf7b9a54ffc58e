"""root.signing-certificates: the root user has no X.509 signing certificates."""
from __future__ import annotations

from app.checks.base import ROOT_BEST_PRACTICES, SECURITY_CREDENTIALS_URL, Check, CheckRun
import app.checks.root_credentials as rc
from app.model import CheckInfo, Outcome, Reason, References, Severity, Status, Step

INFO = CheckInfo(
    id="root.signing-certificates",
    step=Step.ACCESS_KEYS,
    title="Root user has no signing certificates",
    severity=Severity.MEDIUM,
    rationale=(
        "X.509 signing certificates are a legacy long-term root credential for a few old APIs. "
        "Nothing today needs one on root; delete any that exist."
    ),
    console_steps=(
        "Sign in to the AWS console as the root user.",
        "Open the account menu → Security credentials.",
        "Under X.509 certificate, delete each certificate.",
    ),
    console_url=SECURITY_CREDENTIALS_URL,
    references=References(docs=(ROOT_BEST_PRACTICES,)),
)


def evaluate(run: CheckRun) -> Outcome:
    facts = rc.facts(run)
    live = facts.live("AccountSigningCertificatesPresent")
    in_report = [] if facts.row is None else [slot for slot in (1, 2) if rc.flag(facts.row, f"cert_{slot}_active")]
    evidence = facts.evidence(credential_report_active_certificates=in_report)
    if live or (live is None and in_report):
        return Outcome(Status.WARN, "The root user has a signing certificate: delete it unless a legacy tool truly needs it.", evidence, Reason.SIGNING_CERTIFICATE)
    if live == 0:
        return Outcome(Status.PASS, "The root user has no signing certificates.", evidence, Reason.COMPLIANT)
    return facts.stale("that root has no signing certificate")


CHECK = Check(INFO, evaluate, shared=("credential_report", "account_summary"))
