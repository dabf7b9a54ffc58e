"""One organization audit (SPEC §12): who is asking, the organization and its features, the
member inventory, and every member in scope audited through ``AssumeRoot`` on the adaptive pool.

Every member in scope ends with the five member checks: judged from its root session, or
``unknown`` with the reason it could not be reached (never ``pass``), or ``not_applicable``
(suspended, closed or closing; the management account, which ``rootwarden verify`` covers).
Coverage counts the active members reached against the active members in scope.

``scan`` blocks; run it off any UI thread. ``on_progress`` is called on worker threads.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from app.errors import AwsCallFailed, InvalidInput, MalformedResponse, Throttled
from app.model import Finding, Reason, Status
from app.org import member_checks
from app.org.inventory import Member, list_members
from app.org.member_audit import MemberAuditor, MemberUnreachable, RootFacts, RootSessionInfo
from app.org.pool import AdaptivePool, Progress

DISCLOSURE = ("Every audited member account logs root-type CloudTrail events (userIdentity.type Root, through "
              "sts:AssumeRoot from the management account): they can trip root-activity alarms in those accounts.")
ROOT_SESSIONS = "RootSessions"
CONTACT_PREFIX = "member.contacts."
RETRYABLE = ("cancelled", "throttled", "timeout")  # reasons a later (resumed) run may do better on


@dataclass(frozen=True)
class ScanRequest:
    accounts: tuple[str, ...] | None = None  # None: every member
    ou: str | None = None  # only accounts in this OU (an ou-…/r-… ID or a path), directly or below it
    exclude: tuple[str, ...] = ()
    workers: int = 32
    start_workers: int = 16
    account_deadline: float = 60.0
    max_attempts: int = 5
    backoff: float = 0.2
    contacts: bool = True  # also read each member's alternate contacts (app.org.contacts)
    contacts_rate: float = 8.0  # account:GetAlternateContact requests per second, at most


@dataclass(frozen=True)
class MemberResult:
    member: Member
    findings: tuple[Finding, ...]
    reached: bool
    session: RootSessionInfo | None = None
    reason: str = ""  # why it was not reached (a Reason value); "" when reached


@dataclass(frozen=True)
class OrgScan:
    organization_id: str
    management_account_id: str
    caller_arn: str
    features: tuple[str, ...] | None  # None: iam:ListOrganizationsFeatures could not be read
    started_at: datetime
    finished_at: datetime
    members: tuple[MemberResult, ...]
    cancelled: bool = False
    limits: tuple[int, ...] = field(default=(), compare=False)  # the pool's worker limits, in order
    notices: tuple[str, ...] = ()  # what the user should know about this run (e.g. OUs not read)
    reused: int = 0  # accounts whose findings come from the resumed earlier run

    @property
    def coverage(self) -> tuple[int, int]:
        """(active members reached, active members in scope)."""
        active = [m for m in self.members if m.member.active and m.member.id != self.management_account_id]
        return sum(m.reached for m in active), len(active)

    @property
    def findings(self) -> list[Finding]:
        return [f for m in self.members for f in m.findings]


def scan(context: Any, request: ScanRequest, on_progress: Callable[[Progress], None] | None = None,
         cancel: threading.Event | None = None, auditor: MemberAuditor | None = None,
         on_audit_start: Callable[[int], None] | None = None, resume: Any = None) -> OrgScan:
    """Audit the organization. ``on_audit_start(n)`` is called (on this thread) once the
    inventory is read, just before ``n`` member accounts are audited through AssumeRoot.
    ``resume`` (an ``app.org.resume.SavedState``) supplies accounts reached by an earlier,
    partial run: still ACTIVE members keep those findings; every other account is audited."""
    started = datetime.now(timezone.utc)
    identity = context.call("sts", "GetCallerIdentity")
    organization = context.call("organizations", "DescribeOrganization").get("Organization")
    if not isinstance(organization, dict) or not organization.get("Id") or not organization.get("MasterAccountId"):
        raise MalformedResponse("organizations:DescribeOrganization", "no organization ID or management account")
    org_id, management = str(organization["Id"]), str(organization["MasterAccountId"])
    features = _features(context)
    members, notices = _placed(context, lambda: list_members(lambda **p: context.call("organizations", "ListAccounts", **p)),
                               request.ou)
    chosen = _in_scope(members, request)
    partition = identity["Arn"].split(":")[1]
    results: dict[str, MemberResult] = {}
    to_audit: list[str] = []
    earlier: dict[str, MemberResult] = {}
    reused = 0
    if resume is not None:
        if resume.organization_id != org_id or resume.management_account_id != management:
            raise InvalidInput("--resume", f"the saved run is of organization {resume.organization_id}, not {org_id}: "
                                           "it cannot be resumed here")
        earlier = resume.results
    for member in chosen:
        fixed = _without_audit(member, management, features)
        before = earlier.get(member.id)
        if fixed is None and before is not None and before.member.state == member.state:
            # Contacts read before are kept; if the earlier run left any of them unread, all three are
            # read again below (the phase reads an account's three together: none may go missing).
            again = any(f.id.startswith(CONTACT_PREFIX) and f.reason in RETRYABLE for f in before.findings)
            kept = tuple(f for f in before.findings if not (again and f.id.startswith(CONTACT_PREFIX)))
            results[member.id] = MemberResult(member, kept, True, before.session)
            reused += 1
        elif fixed is None:
            to_audit.append(member.id)
        else:
            results[member.id] = _result(member, member_checks.same_for_all(*fixed), started, partition, False, fixed[1])
    by_id = {m.id: m for m in chosen}
    cancelled, limits = False, ()
    if to_audit:
        auditor = auditor or MemberAuditor(context, deadline=request.account_deadline)
        pool: AdaptivePool[str, MemberResult] = AdaptivePool(
            lambda account: _audit(auditor, by_id[account], partition),
            lambda account, error: _unreached(by_id[account], Reason.THROTTLED, f"AWS kept throttling sts:AssumeRoot for this "
                                              f"account after {request.max_attempts} attempts.", partition,
                                              {"action": error.action, "error": error.code}),
            max_workers=request.workers, start=request.start_workers, max_attempts=request.max_attempts,
            backoff=request.backoff, on_progress=on_progress, cancel=cancel)
        if on_audit_start is not None:
            on_audit_start(len(to_audit))
        outcome = pool.run(to_audit)
        results.update(outcome.results)
        for account in outcome.unfinished:
            results[account] = _unreached(by_id[account], Reason.CANCELLED, "The run was cancelled before this account was "
                                          "audited.", partition)
        cancelled, limits = outcome.cancelled, tuple(outcome.limits)
    if request.contacts:  # a different API from AssumeRoot: read for every active member, reached or not
        from app.org.contacts import scan_phase
        unread = [m for m in chosen if not any(f.id.startswith(CONTACT_PREFIX) for f in results[m.id].findings)]
        extra, cancelled = scan_phase(context, unread, management, partition, cancel=cancel, on_progress=on_progress,
                                      rate=request.contacts_rate, skip=cancelled)
        results = {k: MemberResult(r.member, r.findings + extra.get(k, ()), r.reached, r.session, r.reason) for k, r in results.items()}
    return OrgScan(org_id, management, identity["Arn"], features, started, datetime.now(timezone.utc),
                   tuple(results[m.id] for m in chosen), cancelled, limits, notices, reused)


def _features(context: Any) -> tuple[str, ...] | None:
    try:
        enabled = context.call("iam", "ListOrganizationsFeatures").get("EnabledFeatures")
    except AwsCallFailed:
        return None  # cannot tell: each member's AssumeRoot will say
    if not isinstance(enabled, list) or not all(isinstance(f, str) for f in enabled):
        return None  # a malformed answer tells nothing either
    return tuple(enabled)


def _placed(context: Any, list_all: Callable[[], list[Member]], ou: str | None) -> tuple[list[Member], tuple[str, ...]]:
    """The members (``list_all()``, the ListAccounts paging, on this thread) with their OU, the
    OU tree walked meanwhile on one more thread (ended when this returns or raises: a failed
    ListAccounts stops the walk, and its own error is raised). Without ``--ou`` an OU tree that
    cannot be read leaves the OU column empty and says so; with it, the run cannot be scoped and
    stops."""
    from dataclasses import replace

    from app.org.inventory import WALK_WORKERS, placements

    stop = threading.Event()
    walked: dict[str, Any] = {}

    def walk() -> None:
        try:
            walked["where"] = placements(lambda operation, **p: context.call("organizations", operation, **p),
                                         workers=min(WALK_WORKERS, max(1, int(getattr(context, "parallel", WALK_WORKERS)))),
                                         stop=stop)
        except BaseException as error:  # handed to the calling thread below
            walked["error"] = error

    walker = threading.Thread(target=walk, name="rw-ou-walk", daemon=True)
    walker.start()
    try:
        members = list_all()
        walker.join()
    finally:
        if walker.is_alive():  # ListAccounts failed, or Ctrl-C: end the walk before going on
            stop.set()
            walker.join()
    error = walked.get("error")
    if isinstance(error, AwsCallFailed):
        if ou is not None:
            raise error
        return members, (f"The OU of each account could not be read ({error}); the OU column is empty.",)
    if error is not None:
        raise error
    where = walked["where"]
    missed = [m.id for m in members if m.id not in where]
    if missed and ou is not None:  # an account listed but not placed (moved during the walk?): the scope cannot be trusted
        from app.errors import IncompleteListing

        raise IncompleteListing("organizations:ListAccountsForParent", f"{len(missed)} account(s) listed by ListAccounts are in "
                                f"no OU of the tree ({', '.join(missed[:5])}); run again")
    notices = (f"{len(missed)} account(s) were in no OU when the tree was read ({', '.join(missed[:5])}"
               f"{' …' if len(missed) > 5 else ''}); their OU is empty.",) if missed else ()
    return [replace(m, ou=where[m.id].path, ou_ids=where[m.id].ids) if m.id in where else m for m in members], notices


def _in_scope(members: list[Member], request: ScanRequest) -> list[Member]:
    known = {m.id for m in members}
    named = set(request.accounts or ()) | set(request.exclude)
    strangers = sorted(named - known)
    if strangers:
        raise InvalidInput("--accounts/--exclude", f"not accounts of this organization: {', '.join(strangers[:5])}"
                           + (" …" if len(strangers) > 5 else ""))
    wanted = set(request.accounts) if request.accounts is not None else known
    chosen = [m for m in members if m.id in wanted and m.id not in set(request.exclude)]
    if request.ou is not None:
        chosen = [m for m in chosen if m.under(request.ou)]
        if not chosen:
            raise InvalidInput("--ou", f"no account of this organization is in {request.ou[:80]!r} "
                               "(give an OU ID such as ou-ab12-cd34ef56, or a path such as Root/Workloads)")
    return chosen


def _without_audit(member: Member, management: str, features: tuple[str, ...] | None) -> tuple[Status, Reason, str] | None:
    """The verdict of a member that is not audited through AssumeRoot, or None to audit it."""
    if member.id == management:
        return (Status.NOT_APPLICABLE, Reason.MANAGEMENT_ACCOUNT, "The management account is not audited through a root "
                "session; check its root user with `rootwarden verify`.")
    if member.ended:
        return (Status.NOT_APPLICABLE, Reason.SUSPENDED_ACCOUNT, f"The account is {member.state}: there is nothing to audit.")
    if not member.active:
        return (Status.UNKNOWN, Reason.ACCOUNT_NOT_ACTIVE, f"The account is {member.state}, not ACTIVE: it cannot be audited yet.")
    if features is not None and ROOT_SESSIONS not in features:
        return (Status.UNKNOWN, Reason.FEATURE_DISABLED, "Privileged root actions (RootSessions) are not enabled for the "
                "organization, so no member can be audited through a root session. Enable them in IAM → Root access management.")
    return None


def _audit(auditor: MemberAuditor, member: Member, partition: str) -> MemberResult:
    try:
        facts: RootFacts = auditor.audit(member.id)
    except Throttled:
        raise
    except MemberUnreachable as problem:
        return _unreached(member, problem.reason, str(problem), partition, problem.evidence)
    when = datetime.now(timezone.utc)
    return MemberResult(member, member_checks.findings(member_checks.evaluate(facts), when, partition), True, facts.session)


def _unreached(member: Member, reason: Reason, summary: str, partition: str, evidence: dict[str, Any] | None = None) -> MemberResult:
    outcomes = member_checks.same_for_all(Status.UNKNOWN, reason, summary, evidence)
    return _result(member, outcomes, datetime.now(timezone.utc), partition, False, reason)


def _result(member: Member, outcomes: list, when: datetime, partition: str, reached: bool, reason: Reason) -> MemberResult:
    return MemberResult(member, member_checks.findings(outcomes, when, partition), reached, None, reason.value)
