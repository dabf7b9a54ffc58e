"""The member checks of organization mode (SPEC §12): their text as data, and the verdicts
drawn from one member's ``RootFacts`` — or, for an account that could not be audited, the
same checks as ``unknown`` (never ``pass``) or ``not_applicable``.

Pure functions; safe from any thread.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from app.model import CheckInfo, Finding, Outcome, Reason, References, Severity, Status, Step
from app.org.member_audit import RootFacts

ROOT_ACCESS_URL = "https://console.aws.amazon.com/iam/home#/root-access-management"
_DOCS = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management",)
_CONSOLE = (
    "Sign in to the organization's management account.",
    "Open IAM → Root access management and select the member account.",
    "Choose Take privileged action → Delete root user credentials.",
)


def _info(check_id: str, step: Step, title: str, severity: Severity, rationale: str) -> CheckInfo:
    return CheckInfo(id=check_id, step=step, title=title, severity=severity, rationale=rationale, console_steps=_CONSOLE,
                     console_url=ROOT_ACCESS_URL, references=References(docs=_DOCS),
                     actions=("sts:AssumeRoot", "iam:GetAccountSummary", "iam:GetLoginProfile", "iam:ListAccessKeys",
                              "iam:GetAccessKeyLastUsed", "iam:ListMFADevices", "iam:ListSigningCertificates", "iam:GetUser"))


PASSWORD = _info("member.root-password", Step.LIMIT_USE, "Member root user has no password", Severity.HIGH,
                 "With root access managed centrally, a member account's root user needs no password: the few root-only "
                 "tasks run through short privileged sessions from the management account.")
ACCESS_KEYS = _info("member.root-access-keys", Step.ACCESS_KEYS, "Member root user has no access keys", Severity.CRITICAL,
                    "A root access key gives unrestricted, long-lived programmatic access to the member account.")
CERTIFICATES = _info("member.root-signing-certificates", Step.ACCESS_KEYS, "Member root user has no signing certificates",
                     Severity.MEDIUM, "An X.509 signing certificate is a long-lived root credential that legacy tools can use.")
MFA = _info("member.root-mfa", Step.MFA, "Member root user with a password has MFA", Severity.HIGH,
            "A root password without MFA lets anyone who learns it sign in as root.")
CREDENTIAL_FREE = _info("member.root-credential-free", Step.LIMIT_USE, "Member root user is credential-free", Severity.MEDIUM,
                        "No password, access key, signing certificate or MFA device: nobody can sign in as the member's root "
                        "user, and root-only tasks go through audited root sessions.")
MEMBER_CHECKS = (PASSWORD, ACCESS_KEYS, CERTIFICATES, MFA, CREDENTIAL_FREE)


def evaluate(facts: RootFacts) -> list[tuple[CheckInfo, Outcome]]:
    """The five member checks on one member's facts. Where the account summary and the
    listings disagree, the check is ``unknown`` (``malformed-response``), never a pass."""
    flags = facts.summary
    evidence: dict[str, Any] = {"account_summary": dict(flags), "session_access_key_id": facts.session.access_key_id}
    return [
        (PASSWORD, _password(facts, flags, evidence)),
        (ACCESS_KEYS, _keys(facts, flags, evidence)),
        (CERTIFICATES, _certificates(facts, flags, evidence)),
        (MFA, _mfa(facts, flags, evidence)),
        (CREDENTIAL_FREE, _credential_free(facts, flags, evidence)),
    ]


def _contradiction(what: str, evidence: dict[str, Any]) -> Outcome:
    return Outcome(Status.UNKNOWN, f"The account summary and the {what} listing disagree, so this cannot be judged. Re-check.",
                   evidence, Reason.MALFORMED_RESPONSE)


def _password(facts: RootFacts, flags: dict[str, int], evidence: dict[str, Any]) -> Outcome:
    if bool(flags["AccountPasswordPresent"]) != facts.password:
        return _contradiction("login profile", evidence)
    if facts.password:
        used = facts.password_last_used.isoformat() if facts.password_last_used else None
        return Outcome(Status.FAIL, "The root user has a password" + (f" (last used {used[:10]})" if used else " (never used)") +
                       ": delete it centrally.", {**evidence, "password_last_used": used}, Reason.ROOT_PASSWORD)
    return Outcome(Status.PASS, "The root user has no password.", evidence, Reason.COMPLIANT)


def _keys(facts: RootFacts, flags: dict[str, int], evidence: dict[str, Any]) -> Outcome:
    if bool(flags["AccountAccessKeysPresent"]) != bool(facts.access_keys):
        return _contradiction("access key", evidence)
    keys = [{"access_key_id": k.access_key_id, "active": k.active,
             "last_used": k.last_used.isoformat() if k.last_used else None} for k in facts.access_keys]
    detail = {**evidence, "access_keys": keys}
    active = [k for k in facts.access_keys if k.active]
    if active:
        return Outcome(Status.FAIL, f"The root user has {len(active)} active access key(s): delete them centrally.", detail,
                       Reason.ROOT_KEY_ACTIVE)
    if facts.access_keys:
        return Outcome(Status.FAIL, "An inactive root access key still exists: delete it centrally.", detail, Reason.ROOT_KEY_INACTIVE)
    return Outcome(Status.PASS, "The root user has no access keys.", detail, Reason.COMPLIANT)


def _certificates(facts: RootFacts, flags: dict[str, int], evidence: dict[str, Any]) -> Outcome:
    if bool(flags["AccountSigningCertificatesPresent"]) != bool(facts.signing_certificates):
        return _contradiction("signing certificate", evidence)
    detail = {**evidence, "signing_certificates": list(facts.signing_certificates)}
    if facts.signing_certificates:
        return Outcome(Status.WARN, f"The root user has {len(facts.signing_certificates)} signing certificate(s): delete them "
                       "centrally unless a legacy tool truly needs one.", detail, Reason.SIGNING_CERTIFICATE)
    return Outcome(Status.PASS, "The root user has no signing certificates.", detail, Reason.COMPLIANT)


def _mfa(facts: RootFacts, flags: dict[str, int], evidence: dict[str, Any]) -> Outcome:
    if bool(flags["AccountMFAEnabled"]) != bool(facts.mfa_devices):
        return _contradiction("MFA device", evidence)
    detail = {**evidence, "mfa_devices": list(facts.mfa_devices)}
    if not facts.password:
        return Outcome(Status.NOT_APPLICABLE, "The root user has no password, so there is no root sign-in to protect with MFA.",
                       detail, Reason.NO_ROOT_PASSWORD)
    if facts.mfa_devices:
        return Outcome(Status.PASS, "The root user's password is protected by MFA.", detail, Reason.COMPLIANT)
    return Outcome(Status.FAIL, "The root user has a password but no MFA: delete the password centrally (or add MFA).", detail,
                   Reason.NO_MFA)


def _credential_free(facts: RootFacts, flags: dict[str, int], evidence: dict[str, Any]) -> Outcome:
    present = [name for name, value in flags.items() if value]
    listed = facts.password or facts.access_keys or facts.signing_certificates or facts.mfa_devices
    if bool(present) != bool(listed):
        return _contradiction("credential", evidence)
    if present:
        return Outcome(Status.FAIL, f"The root user still has credentials ({', '.join(present)}).", evidence, Reason.NON_COMPLIANT)
    return Outcome(Status.PASS, "The root user has no password, access key, signing certificate or MFA device.", evidence,
                   Reason.NO_ROOT_CREDENTIALS)


def findings(outcomes: list[tuple[CheckInfo, Outcome]], when: datetime, partition: str = "aws") -> tuple[Finding, ...]:
    return tuple(Finding(info, o.status, o.summary, o.evidence, when, o.code.value, partition) for info, o in outcomes)


def same_for_all(status: Status, reason: Reason, summary: str, evidence: dict[str, Any] | None = None
                 ) -> list[tuple[CheckInfo, Outcome]]:
    """Every member check with one verdict: an account not audited (``unknown``, never
    ``pass``) or one with nothing to audit (``not_applicable``)."""
    assert status in (Status.UNKNOWN, Status.NOT_APPLICABLE), "only an audit can pass or fail a member check"
    return [(info, Outcome(status, summary, dict(evidence or {}), reason)) for info in MEMBER_CHECKS]
