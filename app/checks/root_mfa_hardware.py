"""root.mfa-hardware: root's MFA is not (only) a virtual authenticator app."""
from __future__ import annotations

import app.checks.root_credentials as rc
from app.errors import UnsupportedPartition
from app.checks.base import SECURITY_CREDENTIALS_URL, Check, CheckRun, paginate
from app.model import CheckInfo, Outcome, Reason, References, Severity, Status, Step

INFO = CheckInfo(
    id="root.mfa-hardware",
    step=Step.MFA,
    title="Root MFA is a passkey or hardware device",
    severity=Severity.HIGH,
    rationale=(
        "A virtual MFA app on a phone can be phished or copied. A passkey or security key "
        "(FIDO2) is phishing-resistant. Register one for root, then remove the virtual device "
        "or keep it only as a spare."
    ),
    console_steps=(
        "Sign in to the AWS console as the root user.",
        "Open the account menu → Security credentials.",
        "Choose Assign MFA device → Passkey or security key, and follow the prompts.",
    ),
    console_url=SECURITY_CREDENTIALS_URL,
    references=References(
        cis=("CIS AWS Foundations v5 1.5",),
        security_hub=("IAM.6",),
        docs=("https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html",),
    ),
    actions=("iam:ListVirtualMFADevices",),
)

API_BLIND_SPOT = (
    "The AWS API lists virtual devices only; it cannot see whether a passkey or security key "
    "is registered beside a virtual one."
)


def evaluate(run: CheckRun) -> Outcome:
    partition = run.snapshot.partition
    if not partition.known:
        raise UnsupportedPartition(partition.name)
    if not partition.root_console:
        return Outcome(Status.NOT_APPLICABLE, rc.NO_CONSOLE_REASON, {"partition": partition.name}, Reason.NO_CONSOLE_IN_PARTITION)
    root_arn = run.snapshot.root_arn
    devices = paginate(run, "iam", "ListVirtualMFADevices", "VirtualMFADevices", "Marker", AssignmentStatus="Assigned")
    # Exact ARN equality: "user/rootadmin" contains "root" but is not the root user.
    root_virtual = [d["SerialNumber"] for d in devices if (d.get("User") or {}).get("Arn") == root_arn]
    facts = rc.facts(run)
    evidence = facts.evidence(root_arn=root_arn, root_virtual_mfa_devices=root_virtual)
    if root_virtual:  # live evidence, whatever the summary says
        return Outcome(Status.WARN, f"Root MFA is a virtual (app) device; prefer a passkey or security key. {API_BLIND_SPOT}", evidence, Reason.VIRTUAL_MFA)
    return rc.mfa_outcome(facts, evidence, "Root MFA is not a virtual device: a passkey, security key or hardware token.",
                          "add a passkey or security key.", "which kind of MFA device root has")

CHECK = Check(INFO, evaluate, shared=("identity", "credential_report", "account_summary"))
