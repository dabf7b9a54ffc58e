"""An attacker's and auditor's second look at the newest organization-mode code: the signed org
record must hold every root session the session opened and never keep a contact put over one
that appeared meanwhile (findings from tests/test_org_attacks2 review, 2026-11-29)."""
from __future__ import annotations

import threading

from app.fixes.contacts import Contact
from app.org import contacts_put
from app.org.contacts import AccountCaller
from app.org.delete import execute, prepare
from app.org.rate import RateLimiter
from app.org.scan import ScanRequest, scan
from app.org.workflow import OrgWorkflow
from app.practice.organization import MISSING_SECURITY_CONTACT, PASSWORD_NO_MFA, member_id
from tests.org_support import issued_credentials

NO_MFA = PASSWORD_NO_MFA[0]
FAST = 1000.0


def _request(*ids: str) -> ScanRequest:
    return ScanRequest(accounts=tuple(ids) or None, backoff=0.01, contacts_rate=500.0)


def test_the_wizards_deletion_records_the_sessions_of_its_fresh_audit(organization, monkeypatch):
    """The wizard (results_page.delete_shown) audits the chosen accounts again through AssumeRoot
    before the confirmation; those root sessions appear in the member's CloudTrail and must be in
    the record's ``sessions`` like every other root session of the organization session."""
    context = organization.aws_context()
    flow = OrgWorkflow(practice=True)
    flow.record_scan(scan(context, _request()))
    issued = issued_credentials(monkeypatch)
    preparation = prepare(context, ScanRequest(accounts=(member_id(NO_MFA),), contacts=False, backoff=0.01))
    flow.record_preparation(preparation)  # as results_page._prepared does, confirmed or not
    flow.record_deletion(execute(context, preparation.to_change, backoff=0.01))
    recorded = {s["access_key_id"] for s in flow.predicate("Dana")["sessions"]}
    opened = {c["AccessKeyId"] for c in issued}  # key IDs only: a failing assert must not print a secret
    assert len(opened) == 3  # the planning audit, the delete session, the re-audit
    assert opened <= recorded


def test_a_declined_deletion_still_records_the_planning_audit_sessions(organization, monkeypatch):
    context = organization.aws_context()
    flow = OrgWorkflow(practice=True)
    flow.record_scan(scan(context, _request(member_id(NO_MFA))))
    issued = issued_credentials(monkeypatch)
    flow.record_preparation(prepare(context, ScanRequest(accounts=(member_id(NO_MFA),), contacts=False, backoff=0.01)))
    opened = {c["AccessKeyId"] for c in issued}
    assert len(opened) == 1 and opened <= {s["access_key_id"] for s in flow.predicate("Dana")["sessions"]}
    assert not flow.change_log


def test_a_refused_delete_session_still_records_the_reaudit_session(organization, monkeypatch):
    """AssumeRoot refused for IAMDeleteRootUserCredentials only (the caller's IAM policy allows
    auditing, not deleting): nothing changes, but the re-audit session was opened and is root
    activity in the member's CloudTrail — after_deletion dropped it from the record."""
    from moto.sts.responses import TokenResponse

    from app.practice import moto_org

    context = organization.aws_context()
    flow = OrgWorkflow(practice=True)
    flow.record_scan(scan(context, _request(member_id(NO_MFA))))
    preparation = prepare(context, ScanRequest(accounts=(member_id(NO_MFA),), contacts=False, backoff=0.01))
    original = TokenResponse.assume_root

    def refuse_delete(this):
        if "IAMDeleteRootUserCredentials" in str((this._get_param("TaskPolicyArn") or {}).get("arn", "")):
            raise moto_org._service_error("AccessDenied", "not authorized to perform sts:AssumeRoot with this task policy", 403)
        return original(this)

    monkeypatch.setattr(TokenResponse, "assume_root", refuse_delete)
    issued = issued_credentials(monkeypatch)
    run = execute(context, preparation.to_change, backoff=0.01)
    assert run.accounts[0].reason and not run.accounts[0].changed
    flow.record_preparation(preparation)
    flow.record_deletion(run)
    recorded = {s["access_key_id"] for s in flow.predicate("Dana")["sessions"]}
    opened = {c["AccessKeyId"] for c in issued}
    assert opened and opened <= recorded


def test_a_contact_that_appeared_after_the_plan_is_not_overwritten(organization):
    """The wizard's contact put plans (reads), shows the confirmation — which may stay open for
    minutes — then puts. A contact someone set meanwhile must be kept, as the form promises
    ("accounts that have it keep theirs")."""
    context = organization.aws_context()
    member = next(m for m in scan(context, _request(member_id(MISSING_SECURITY_CONTACT[0]))).members)
    new = Contact("SECURITY", "Alex Rivera", "Security", "security@example.com", "+1 206 555 0100")
    plans = contacts_put.plan(AccountCaller(context, RateLimiter(FAST)), [member.member], [new], overwrite=False)
    assert [p.action for p in plans] == [contacts_put.PUT]
    theirs = {"Name": "Sam Owner", "Title": "CISO", "EmailAddress": "sam@example.org", "PhoneNumber": "+1 555 0100"}
    context.client("account").put_alternate_contact(AccountId=member.member.id, AlternateContactType="SECURITY", **theirs)
    results = contacts_put.apply(AccountCaller(context, RateLimiter(FAST)), AccountCaller(context, RateLimiter(FAST)),
                                 plans, threading.Event())
    now = context.client("account").get_alternate_contact(AccountId=member.member.id, AlternateContactType="SECURITY")
    assert now["AlternateContact"]["Name"] == "Sam Owner", "a contact set after the plan was overwritten"
    assert results[0].result != contacts_put.DONE


def test_a_resumed_run_reads_again_a_contact_the_saved_run_could_not_read(organization, tmp_path):
    """The saved run read two of an account's three contacts and was throttled on the third
    (unknown, throttled: the account needed attention). Resuming dropped the throttled finding and
    — because the account still had *some* contact finding — never read it again: the record then
    shows the account with two contact checks, all passing, so its verdict turned from Unknown to
    Pass without the security contact ever being judged."""
    import dataclasses

    from app.model import Reason, Status
    from app.org import resume
    from app.org.summary import account_verdict
    from app.record.signing_key import SigningKey
    from tests.memory_keyring import MemoryKeyring

    complete = member_id(26)  # credential-free, all three contacts set
    context = organization.aws_context()
    first = scan(context, _request(complete))
    (member,) = first.members
    throttled = tuple(dataclasses.replace(f, status=Status.UNKNOWN, reason=Reason.THROTTLED.value)
                      if f.id == "member.contacts.security" else f for f in member.findings)
    first = dataclasses.replace(first, members=(dataclasses.replace(member, findings=throttled),))
    assert account_verdict(first.members[0]) == Status.UNKNOWN
    key = SigningKey(MemoryKeyring())
    path = resume.save(first, {"accounts": [complete], "exclude": [], "ou": None}, key, folder=tmp_path)
    second = scan(context, _request(complete), resume=resume.load(path, key.public_key()))
    ids = [f.id for f in second.members[0].findings]
    assert "member.contacts.security" in ids, "the contact left unread by the saved run vanished from the resumed one"
    assert sorted(ids) == sorted(f.id for f in member.findings)


def test_sentinel_no_root_session_secret_in_the_workflow_record_state_or_texts(organization, monkeypatch, tmp_path):
    """Every root session of a wizard session (audit, planning audit, delete, re-audit): none of
    their SecretAccessKey / SessionToken reaches the record's predicate, a saved state, or the
    texts the wizard shows (the plan, the results)."""
    import json

    from app.org import resume
    from app.record.signing_key import SigningKey
    from app.text.org_deletion import plan_text, results_text
    from tests.memory_keyring import MemoryKeyring

    issued = issued_credentials(monkeypatch)
    context = organization.aws_context()
    flow = OrgWorkflow(practice=True)
    flow.record_scan(scan(context, _request(member_id(NO_MFA), member_id(26))))
    preparation = prepare(context, ScanRequest(accounts=(member_id(NO_MFA),), contacts=False, backoff=0.01))
    flow.record_preparation(preparation)
    run = execute(context, preparation.to_change, backoff=0.01)
    flow.record_deletion(run)
    state = resume.save(flow.scan, {"accounts": None, "exclude": [], "ou": None}, SigningKey(MemoryKeyring()), folder=tmp_path)
    import base64

    state_body = base64.b64decode(json.loads(state.read_text())["payload"]).decode()  # the DSSE payload, decoded
    written = json.dumps(flow.predicate("Dana"), default=str) + state_body + plan_text(preparation) + \
        results_text(run, preparation)
    assert len(issued) >= 4
    leaked = [name for c in issued for name in ("SecretAccessKey", "SessionToken") if c[name] in written]
    assert not leaked
    assert all(c["AccessKeyId"] in written for c in issued)  # the key IDs are there (the test looks in the right place)
