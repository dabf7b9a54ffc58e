"""Delete member accounts' root credentials (SPEC §12 "Fixes"): plan from a fresh audit, run
the plan in ``IAMDeleteRootUserCredentials`` root sessions, re-audit each account right after.

``prepare`` audits the chosen members (the organization scan, keeping each member's
``RootFacts``) and plans, per reached account, exactly what will change (``plan_deletion``).
``execute`` runs the confirmed plans on the adaptive pool and returns, per account, each planned
change as done / already gone / failed / not attempted, the root sessions used (access key IDs
only) and the re-audit's findings. ``DeletionRun.change_log()`` is the record's change log.

Safety: only the confirmed plan is carried out (a credential that appeared since is not
touched; the re-audit shows it). The first failed change stops that account's run, so a
password is never left behind with its MFA removed; the rest are "not attempted". Never called:
``UpdateAccessKey`` (the task policy allows no deactivation: keys are deleted directly) and
``DeleteVirtualMFADevice`` (not allowed since 2025-01-07: a deactivated virtual device stays in
the account, unassigned). ``NoSuchEntity`` on a delete means already gone and counts as done.

Threading: ``prepare`` and ``execute`` block (run them off a UI thread); the pool's workers
call AWS. Throttling of any call hands the account back to the pool, which halves its width and
retries the account later, continuing after the changes already made. Secrets of the root
sessions stay inside ``RootSessionOpener``'s clients; nothing here stores or prints them.
"""
from __future__ import annotations

import enum
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from app.errors import Throttled
from app.model import Finding, Reason, Status
from app.org import member_checks
from app.org.member_audit import (MemberAuditor, MemberUnreachable, NoSuchEntity, RootFacts, RootSessionInfo,
                                  RootSessionOpener, call, check_session_account)
from app.org.pool import AdaptivePool, Progress
from app.org.scan import OrgScan, ScanRequest, scan

TASK_POLICY = "IAMDeleteRootUserCredentials"
DISCLOSURE = ("Each account changed gets two root sessions through sts:AssumeRoot (IAMDeleteRootUserCredentials, then "
              "IAMAuditRootUserCredentials for the re-audit): each session's calls are logged as root activity "
              "(userIdentity.type Root) in that member account's CloudTrail and can trip its root-activity alarms.")
VIRTUAL_DEVICE_REMAINS = ("the virtual MFA device itself stays in the account, unassigned: since 2025-01-07 "
                          "IAMDeleteRootUserCredentials no longer allows iam:DeleteVirtualMFADevice. It can no longer sign "
                          "anyone in; an administrator of the member account may delete it.")
_RERUN = "Re-run `rootwarden org delete-root-credentials` for this account: what was already deleted shows as already gone."


class ChangeOutcome(str, enum.Enum):
    DONE = "done"
    ALREADY_GONE = "already-gone"  # NoSuchEntity: deleted before us (counts as done)
    FAILED = "failed"
    NOT_ATTEMPTED = "not-attempted"


@dataclass(frozen=True)
class PlannedChange:
    operation: str  # the IAM operation, called without UserName in the root session
    target: str  # access key ID, certificate ID, MFA serial, or "login-profile"
    description: str
    note: str = ""

    @property
    def action(self) -> str:
        return f"iam:{self.operation}"

    def params(self) -> dict[str, str]:
        name = {"DeleteAccessKey": "AccessKeyId", "DeleteSigningCertificate": "CertificateId",
                "DeactivateMFADevice": "SerialNumber"}.get(self.operation)
        return {name: self.target} if name else {}


@dataclass(frozen=True)
class DeletionPlan:
    account_id: str
    changes: tuple[PlannedChange, ...]

    @property
    def empty(self) -> bool:
        return not self.changes


def plan_deletion(facts: RootFacts) -> DeletionPlan:
    """Exactly what deleting this member's root credentials changes, in the order it is done:
    access keys, signing certificates, the password, then MFA (last, so a failure midway never
    leaves a password without its MFA). Nothing present: an empty plan."""
    changes = [PlannedChange("DeleteAccessKey", key.access_key_id,
                             f"delete the root access key {key.access_key_id} ({'active' if key.active else 'inactive'}) "
                             "directly (the task policy allows no deactivation first)") for key in facts.access_keys]
    changes += [PlannedChange("DeleteSigningCertificate", cert, f"delete the root signing certificate {cert}")
                for cert in facts.signing_certificates]
    if facts.password:
        changes.append(PlannedChange("DeleteLoginProfile", "login-profile", "delete the root console password (login profile)"))
    for serial in facts.mfa_devices:
        virtual = ":mfa/" in serial
        changes.append(PlannedChange("DeactivateMFADevice", serial, f"deactivate the root MFA device {serial}",
                                     VIRTUAL_DEVICE_REMAINS if virtual else ""))
    return DeletionPlan(facts.session.account_id, tuple(changes))


@dataclass(frozen=True)
class ChangeResult:
    account_id: str
    change: PlannedChange
    outcome: ChangeOutcome
    at: datetime | None = None  # when AWS answered; None when not attempted
    session_access_key_id: str = ""
    error_code: str = ""  # AWS's error code (or our Reason value) of a failed change
    message: str = ""  # for a failure: what happened and what to do

    def log_entry(self) -> dict[str, Any]:
        """One line of the record's change log. No secret: the session's access key ID only."""
        from app.model import rfc3339

        return {"account_id": self.account_id, "action": self.change.action, "target": self.change.target,
                "outcome": self.outcome.value, "time": rfc3339(self.at) if self.at else None,
                "session_access_key_id": self.session_access_key_id or None, "error_code": self.error_code or None,
                "message": self.message or None, "note": self.change.note or None}


@dataclass(frozen=True)
class AccountDeletion:
    plan: DeletionPlan
    changes: tuple[ChangeResult, ...]
    sessions: tuple[RootSessionInfo, ...]  # the delete session(s), then the re-audit's
    findings: tuple[Finding, ...]  # the re-audit's verdicts (unknown with a reason if it failed)
    reason: str = ""  # a Reason value when the delete session could not be opened; "" otherwise
    message: str = ""

    @property
    def account_id(self) -> str:
        return self.plan.account_id

    @property
    def reached(self) -> bool:
        return not self.reason

    @property
    def failed(self) -> bool:
        return any(c.outcome == ChangeOutcome.FAILED for c in self.changes)

    @property
    def changed(self) -> bool:
        return any(c.outcome == ChangeOutcome.DONE for c in self.changes)


@dataclass(frozen=True)
class Preparation:
    """The fresh audit and the plans drawn from it."""

    scan: OrgScan
    plans: dict[str, DeletionPlan]  # every reached member → its plan (possibly empty)

    @property
    def to_change(self) -> list[DeletionPlan]:
        return [self.plans[m.member.id] for m in self.scan.members
                if m.member.id in self.plans and not self.plans[m.member.id].empty]


@dataclass
class DeletionRun:
    accounts: list[AccountDeletion] = field(default_factory=list)
    cancelled: bool = False
    limits: tuple[int, ...] = ()

    def change_log(self) -> list[dict[str, Any]]:
        return [c.log_entry() for a in self.accounts for c in a.changes]


class _RecordingAuditor(MemberAuditor):
    """The scan's auditor, keeping each member's facts for planning."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.facts: dict[str, RootFacts] = {}
        self._facts_lock = threading.Lock()

    def audit(self, account_id: str) -> RootFacts:
        facts = super().audit(account_id)
        with self._facts_lock:
            self.facts[account_id] = facts
        return facts


def prepare(context: Any, request: ScanRequest, sessions: RootSessionOpener | None = None,
            on_progress: Callable[[Progress], None] | None = None, cancel: threading.Event | None = None,
            on_audit_start: Callable[[int], None] | None = None) -> Preparation:
    """Audit the chosen members now and plan each reached one's deletion."""
    from dataclasses import replace

    sessions = sessions or RootSessionOpener(context)
    auditor = _RecordingAuditor(context, deadline=request.account_deadline, sessions=sessions)
    request = replace(request, contacts=False)  # deletion plans from root credentials only
    result = scan(context, request, on_progress=on_progress, cancel=cancel, auditor=auditor, on_audit_start=on_audit_start)
    plans = {m.member.id: plan_deletion(auditor.facts[m.member.id]) for m in result.members
             if m.reached and m.member.id in auditor.facts}
    return Preparation(result, plans)


class _AccountRun:
    """One account's progress across the pool's attempts (a throttled attempt resumes here)."""

    def __init__(self, plan: DeletionPlan) -> None:
        self.plan = plan
        self.results: list[ChangeResult] = []
        self.sessions: list[RootSessionInfo] = []


def execute(context: Any, plans: list[DeletionPlan], *, sessions: RootSessionOpener | None = None, workers: int = 8,
            start_workers: int = 4, max_attempts: int = 5, backoff: float = 0.2, account_deadline: float = 60.0,
            on_progress: Callable[[Progress], None] | None = None, cancel: threading.Event | None = None,
            partition: str | None = None) -> DeletionRun:
    """Carry out ``plans`` (the confirmed ones; empty plans are skipped) and re-audit each account."""
    sessions = sessions or RootSessionOpener(context)
    partition = partition or sessions.partition
    auditor = MemberAuditor(context, deadline=account_deadline, sessions=sessions)
    runs = {p.account_id: _AccountRun(p) for p in plans if not p.empty}
    pool: AdaptivePool[str, AccountDeletion] = AdaptivePool(
        lambda account: _run_account(runs[account], sessions, auditor, partition),
        lambda account, error: _gave_up(runs[account], error, partition),
        max_workers=workers, start=start_workers, max_attempts=max_attempts, backoff=backoff,
        on_progress=on_progress, cancel=cancel)
    outcome = pool.run(list(runs))
    accounts = []
    for account, run in runs.items():
        if account in outcome.results:
            accounts.append(outcome.results[account])
        else:  # cancelled before this account started (an account in flight always finishes)
            accounts.append(_stopped(run, "Nothing was changed: the run was cancelled before this account.",
                                     _unknown(Reason.CANCELLED, "Not re-audited: the run was cancelled.", partition),
                                     Reason.CANCELLED.value))
    return DeletionRun(accounts, outcome.cancelled, tuple(outcome.limits))


def _run_account(run: _AccountRun, sessions: RootSessionOpener, auditor: MemberAuditor, partition: str) -> AccountDeletion:
    """Delete what is still to delete, then re-audit. ``Throttled`` goes back to the pool."""
    pending = run.plan.changes[len(run.results):]
    if pending:
        try:
            info, iam = sessions.open(run.plan.account_id, TASK_POLICY)
            check_session_account(iam, run.plan.account_id)  # never change another account than the confirmed one
        except MemberUnreachable as problem:
            if run.results:  # a later attempt could not get back in: the rest stays undone
                return _finish(run, auditor, partition, _fail_rest(run, pending, problem))
            findings = _reaudit(auditor, run.plan.account_id, partition, run.sessions)
            return _stopped(run, f"Nothing was changed: {problem}", findings, problem.reason.value)
        run.sessions.append(info)
        for change in pending:
            try:
                call(iam, "iam", change.operation, **change.params())
                run.results.append(ChangeResult(run.plan.account_id, change, ChangeOutcome.DONE, _now(), info.access_key_id))
            except NoSuchEntity:
                run.results.append(ChangeResult(run.plan.account_id, change, ChangeOutcome.ALREADY_GONE, _now(),
                                                info.access_key_id, message="AWS says it no longer exists: already deleted."))
            except MemberUnreachable as problem:
                return _finish(run, auditor, partition, _fail_rest(run, run.plan.changes[len(run.results):], problem,
                                                                   info.access_key_id))
    return _finish(run, auditor, partition, "")


def _fail_rest(run: _AccountRun, pending: tuple[PlannedChange, ...], problem: Exception, key_id: str = "") -> str:
    """Record ``pending[0]`` as failed and the rest as not attempted; returns the account's message."""
    code = (getattr(problem, "evidence", {}) or {}).get("error") or getattr(problem, "code", "") or \
        getattr(getattr(problem, "reason", None), "value", "") or "error"
    run.results.append(ChangeResult(run.plan.account_id, pending[0], ChangeOutcome.FAILED, _now(), key_id, str(code),
                                    f"{problem} {_RERUN}"))
    run.results.extend(ChangeResult(run.plan.account_id, c, ChangeOutcome.NOT_ATTEMPTED) for c in pending[1:])
    done = sum(r.outcome in (ChangeOutcome.DONE, ChangeOutcome.ALREADY_GONE) for r in run.results)
    return (f"{pending[0].action} failed ({code}) after {done} of {len(run.plan.changes)} changes; "
            f"{len(pending) - 1} not attempted.")


def _finish(run: _AccountRun, auditor: MemberAuditor, partition: str, message: str) -> AccountDeletion:
    findings = _reaudit(auditor, run.plan.account_id, partition, run.sessions)
    return AccountDeletion(run.plan, tuple(run.results), tuple(run.sessions), findings, "", message)


def _reaudit(auditor: MemberAuditor, account_id: str, partition: str, sessions: list[RootSessionInfo] | None = None
             ) -> tuple[Finding, ...]:
    """The member checks from a new audit session (appended to ``sessions``). ``Throttled``
    propagates: the pool retries, and the deletions already made are not repeated."""
    try:
        facts = auditor.audit(account_id)
    except MemberUnreachable as problem:
        return _unknown(problem.reason, f"The re-audit after the deletion could not run: {problem}", partition, problem.evidence)
    if sessions is not None:
        sessions.append(facts.session)
    return member_checks.findings(member_checks.evaluate(facts), _now(), partition)


def _gave_up(run: _AccountRun, error: Throttled, partition: str) -> AccountDeletion:
    """AWS kept throttling this account: what was done stays recorded, the rest is not."""
    pending = run.plan.changes[len(run.results):]
    findings = _unknown(Reason.THROTTLED, "Not re-audited: AWS kept throttling this account. Re-run "
                        "`rootwarden org verify` for it.", partition, {"action": error.action, "error": error.code})
    if not pending:  # every change made; only the re-audit was throttled
        return AccountDeletion(run.plan, tuple(run.results), tuple(run.sessions), findings, "",
                               "All planned changes were made, but the re-audit was throttled.")
    if not run.results:
        return _stopped(run, "Nothing was changed: AWS kept throttling sts:AssumeRoot for this account.", findings,
                        Reason.THROTTLED.value)
    message = _fail_rest(run, pending, error)
    return AccountDeletion(run.plan, tuple(run.results), tuple(run.sessions), findings, "", message)


def _stopped(run: _AccountRun, message: str, findings: tuple[Finding, ...], reason: str) -> AccountDeletion:
    """An account whose deletion never started: every planned change not attempted."""
    results = tuple(ChangeResult(run.plan.account_id, c, ChangeOutcome.NOT_ATTEMPTED) for c in run.plan.changes)
    return AccountDeletion(run.plan, results, tuple(run.sessions), findings, reason, message)


def _unknown(reason: Reason, summary: str, partition: str, evidence: dict[str, Any] | None = None) -> tuple[Finding, ...]:
    return member_checks.findings(member_checks.same_for_all(Status.UNKNOWN, reason, summary, evidence), _now(), partition)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def after_deletion(before: OrgScan, run: DeletionRun) -> tuple[OrgScan, tuple[RootSessionInfo, ...]]:
    """The scan as it stands after ``run``: each changed account's findings are its re-audit's
    (reached only when the re-audit judged it), and the root sessions the deletions opened
    beside the re-audits — for the record (its ``sessions`` and change log)."""
    from dataclasses import replace

    from app.org.scan import MemberResult

    done = {a.account_id: a for a in run.accounts if not a.reason}
    refused = {a.account_id: list(a.sessions) for a in run.accounts if a.reason}
    members = []
    extra: list[RootSessionInfo] = []
    for result in before.members:
        deletion = done.get(result.member.id)
        if deletion is None:
            members.append(result)
            # Not changed (its delete session was refused or never started), but a re-audit may
            # still have opened a root session: it is in the member's CloudTrail, so in the record.
            extra += refused.get(result.member.id, [])
            continue
        reaudit = deletion.sessions[-1] if deletion.sessions else None
        judged = bool(deletion.findings) and not all(f.status == Status.UNKNOWN for f in deletion.findings)
        reason = "" if judged else (deletion.findings[0].reason if deletion.findings else Reason.CALL_FAILED.value)
        renewed = {f.id for f in deletion.findings}  # the root checks; other checks (contacts) stay as they were
        findings = deletion.findings + tuple(f for f in result.findings if f.id not in renewed)
        members.append(MemberResult(result.member, findings, judged, reaudit if judged else None, reason))
        extra += [s for s in deletion.sessions if s is not reaudit or not judged]
        if result.session is not None:
            extra.append(result.session)  # the audit that planned the change
    return replace(before, members=tuple(members), finished_at=_now()), tuple(extra)
