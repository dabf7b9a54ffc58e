"""The member audit and the organization scan on the practice organization: every member check
on each seeded shape, every reason an account is not reached, and never a false pass."""
from __future__ import annotations

import threading

import pytest

from app.model import Reason, Status
from app.org import member_checks
from app.org.member_audit import MemberAuditor, MemberUnreachable, RootFacts, RootKey, RootSessionInfo
from app.org.scan import ScanRequest, scan
from app.practice import moto_gaps, moto_org
from app.practice.organization import (ACTIVE_ROOT_KEY, HOSTILE, INACTIVE_ROOT_KEY, INVITED, MEMBER_COUNT, PASSWORD_AND_MFA,
                                       PASSWORD_NO_MFA, SCP_DENIES_ROOT, SIGNING_CERTIFICATES, SLOW, SUSPENDED, THROTTLED,
                                       member_id)

FREE = 26  # a credential-free member with all three alternate contacts


def verdicts(result) -> dict[str, tuple[str, str]]:
    """The root-credential checks (the alternate contacts are tests/test_org_contacts.py's)."""
    return {f.id.removeprefix("member."): (f.status.value, f.reason) for f in result.findings if f.id.startswith("member.root-")}


@pytest.fixture
def audited(organization):
    """One full scan of the practice organization, by member number."""
    result = scan(organization.aws_context(), ScanRequest(backoff=0.01, contacts_rate=500))  # no AWS quota in the simulation
    by_id = {m.member.id: m for m in result.members}
    return result, {n: by_id[member_id(n)] for n in range(1, MEMBER_COUNT + 1)}


def test_each_seeded_shape_gets_its_verdicts(audited):
    _, members = audited
    assert verdicts(members[FREE]) == {
        "root-password": ("pass", "compliant"), "root-access-keys": ("pass", "compliant"),
        "root-signing-certificates": ("pass", "compliant"), "root-mfa": ("not_applicable", "no-root-password"),
        "root-credential-free": ("pass", "no-root-credentials")}
    with_mfa = verdicts(members[PASSWORD_AND_MFA[0]])
    assert with_mfa["root-password"] == ("fail", "root-password") and with_mfa["root-mfa"] == ("pass", "compliant")
    assert with_mfa["root-credential-free"] == ("fail", "non-compliant")
    no_mfa = verdicts(members[PASSWORD_NO_MFA[0]])
    assert no_mfa["root-mfa"] == ("fail", "no-mfa") and no_mfa["root-password"] == ("fail", "root-password")
    keys = verdicts(members[ACTIVE_ROOT_KEY[0]])
    assert keys["root-access-keys"] == ("fail", "root-key-active") and keys["root-password"] == ("pass", "compliant")
    assert verdicts(members[INACTIVE_ROOT_KEY])["root-access-keys"] == ("fail", "root-key-inactive")
    certificate = verdicts(members[SIGNING_CERTIFICATES[0]])
    assert certificate["root-signing-certificates"] == ("warn", "signing-certificate")
    assert certificate["root-credential-free"] == ("fail", "non-compliant")
    assert members[INVITED].member.joined_method == "INVITED" and verdicts(members[INVITED])["root-credential-free"][0] == "pass"
    assert members[HOSTILE].member.name.startswith("<b>ALL PASSED</b>\x1b")  # carried as data; the CLI escapes it
    severity = {f.id: f.info.severity.value for f in members[FREE].findings}
    assert severity["member.root-access-keys"] == "critical"
    assert {f.id: f.status.value for f in members[FREE].findings if f.id.startswith("member.contacts.")} == {
        "member.contacts.security": "pass", "member.contacts.billing": "pass", "member.contacts.operations": "pass"}


def test_unreachable_and_ended_accounts_are_never_pass(audited):
    result, members = audited
    scp = members[SCP_DENIES_ROOT]
    assert not scp.reached and verdicts(scp) == {k: ("unknown", "scp-denies-root-session") for k in verdicts(scp)}
    assert "service_control_policy" in scp.findings[0].evidence["scp"] and "aws:AssumedRoot" in scp.findings[0].summary
    assert set(verdicts(members[SUSPENDED]).values()) == {("not_applicable", "suspended-account")}
    management = next(m for m in result.members if m.member.id == result.management_account_id)
    assert set(verdicts(management).values()) == {("not_applicable", "management-account")}
    assert result.coverage == (MEMBER_COUNT - 2, MEMBER_COUNT - 1)  # all active members but the SCP-blocked one


def test_a_throttled_account_is_retried_and_the_pool_halves(audited):
    result, members = audited
    assert members[THROTTLED].reached and verdicts(members[THROTTLED])["root-credential-free"] == ("pass", "no-root-credentials")
    halvings = [(a, b) for a, b in zip(result.limits, result.limits[1:]) if b == a // 2]
    assert result.limits[0] == 16 and halvings, result.limits


def test_throttled_beyond_the_attempts_is_unknown_throttled(organization):
    moto_org.faults(member_id(FREE)).throttle_assume_root = 99
    result = scan(organization.aws_context(), ScanRequest(accounts=(member_id(FREE),), max_attempts=2, backoff=0.01))
    assert set(verdicts(result.members[0]).values()) == {("unknown", "throttled")} and result.coverage == (0, 1)


def test_slow_account_past_its_deadline_is_unknown_timeout(organization):
    result = scan(organization.aws_context(), ScanRequest(accounts=(member_id(SLOW[0]),), account_deadline=0.01))
    assert set(verdicts(result.members[0]).values()) == {("unknown", "timeout")}


def test_root_sessions_disabled_makes_every_active_member_unknown_without_calling(organization, monkeypatch):
    moto_gaps.extras(organization.account_id).org_features.discard("RootSessions")
    calls = []
    monkeypatch.setattr(MemberAuditor, "audit", lambda self, account: calls.append(account))
    result = scan(organization.aws_context(), ScanRequest(accounts=(member_id(FREE), member_id(SUSPENDED))))
    assert calls == []
    assert {m.member.id: m.reason for m in result.members} == {member_id(FREE): "feature-disabled",
                                                               member_id(SUSPENDED): "suspended-account"}


def test_assume_root_denied_is_its_own_reason(organization):
    moto_gaps.extras(organization.account_id).org_features.discard("RootSessions")
    with pytest.raises(MemberUnreachable) as caught:
        MemberAuditor(organization.aws_context()).audit(member_id(FREE))
    assert caught.value.reason == Reason.ASSUME_ROOT_DENIED and "sts:AssumeRoot" in str(caught.value)


def test_a_call_failing_mid_way_leaves_the_account_unknown_not_pass(organization, monkeypatch):
    """GetUser, the last call, is denied: nothing judged from the calls that had answered."""
    audit = moto_org.TASK_POLICIES["IAMAuditRootUserCredentials"]
    monkeypatch.setitem(moto_org.TASK_POLICIES, "IAMAuditRootUserCredentials", audit - {"GetUser"})
    result = scan(organization.aws_context(), ScanRequest(accounts=(member_id(FREE),)))
    member = result.members[0]
    assert not member.reached and set(verdicts(member).values()) == {("unknown", "denied")}
    assert "iam:GetUser" in member.findings[0].summary and result.coverage == (0, 1)


def test_ended_and_not_yet_active_states(organization):
    from moto.organizations.models import organizations_backends

    backend = organizations_backends[organization.account_id]["aws"]
    states = {member_id(30): "CLOSED", member_id(31): "PENDING_CLOSURE", member_id(32): "PENDING_ACTIVATION"}
    for account in backend.accounts:
        account.state = states.get(account.id, account.state)
    result = scan(organization.aws_context(), ScanRequest(accounts=tuple(states)))
    assert {m.member.id: m.reason for m in result.members} == {
        member_id(30): "suspended-account", member_id(31): "suspended-account", member_id(32): "account-not-active"}
    assert {f.status for f in result.members[2].findings} == {Status.UNKNOWN}


def test_cancel_keeps_what_was_done_and_marks_the_rest(organization):
    cancel = threading.Event()
    done = []

    def progress(p):
        done.append(p.done)
        if p.done == 3:
            cancel.set()

    result = scan(organization.aws_context(), ScanRequest(workers=1, start_workers=1), on_progress=progress, cancel=cancel)
    assert result.cancelled
    reached = [m for m in result.members if m.reached]
    cancelled = [m for m in result.members if m.reason == "cancelled"]
    assert len(reached) == 3 and len(cancelled) > 30
    assert all(f.status == Status.UNKNOWN for m in cancelled for f in m.findings)


def test_accounts_outside_the_organization_are_refused(organization):
    from app.errors import InvalidInput

    with pytest.raises(InvalidInput):
        scan(organization.aws_context(), ScanRequest(accounts=("999999999999",)))


def test_scan_uses_a_regional_sts_endpoint_even_when_settings_pick_the_global_one(organization, monkeypatch):
    monkeypatch.setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy")
    auditor = MemberAuditor(organization.aws_context())
    assert auditor.sts_endpoint == "https://sts.us-east-1.amazonaws.com"
    assert auditor.audit(member_id(FREE)).summary["AccountPasswordPresent"] == 0


def test_contradicting_sources_are_unknown_never_pass():
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    session = RootSessionInfo("210000000001", "arn", "us-east-1", now, "ASIAEXAMPLE")
    flags = dict.fromkeys(("AccountPasswordPresent", "AccountMFAEnabled", "AccountAccessKeysPresent",
                           "AccountSigningCertificatesPresent"), 0)
    facts = RootFacts(flags, False, None, (RootKey("AKIAX", True),), (), (), session)  # summary: no keys; listing: a key
    outcomes = dict((info.id, o) for info, o in member_checks.evaluate(facts))
    assert outcomes["member.root-access-keys"].status == Status.UNKNOWN
    assert outcomes["member.root-credential-free"].status == Status.UNKNOWN
    with pytest.raises(AssertionError):
        member_checks.same_for_all(Status.PASS, Reason.COMPLIANT, "no")


def test_features_unreadable_and_assume_root_refused_is_assume_root_denied_per_member(organization):
    """Without iam:ListOrganizationsFeatures the scan cannot know RootSessions is off: each
    member's AssumeRoot is tried, refused, and the member is unknown (assume-root-denied)."""
    from tests.support import denier

    moto_gaps.extras(organization.account_id).org_features.discard("RootSessions")
    context = organization.aws_context()
    context.add_hook("before-call", denier(("iam:ListOrganizationsFeatures",)))
    result = scan(context, ScanRequest(accounts=(member_id(FREE), member_id(ACTIVE_ROOT_KEY[0]))))
    assert result.features is None and result.coverage == (0, 2)
    root = [f for f in result.findings if f.id.startswith("member.root-")]
    assert {f.reason for f in root} == {"assume-root-denied"} and {f.status for f in root} == {Status.UNKNOWN}
