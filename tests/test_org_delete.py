"""Deleting member root credentials (SPEC §12 "Fixes") on the practice organization: the plan
for each seeded shape, the deletions in IAMDeleteRootUserCredentials sessions, the re-audit,
idempotence, a failure midway, the typed confirmation, throttling, and no secret in any output."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from app.org.delete import ChangeOutcome, execute, plan_deletion, prepare
from app.org.scan import ScanRequest
from app.practice import moto_gaps, moto_org
from app.practice.organization import (ACTIVE_ROOT_KEY, HOSTILE, INACTIVE_ROOT_KEY, PASSWORD_AND_MFA, PASSWORD_NO_MFA,
                                       SCP_DENIES_ROOT, SIGNING_CERTIFICATES, SUSPENDED, member_id)
from tests.org_support import DELETE, error_of, root_session

FREE = 26  # credential-free, with all three alternate contacts
MFA, NO_MFA, KEY, CERT = PASSWORD_AND_MFA[0], PASSWORD_NO_MFA[0], ACTIVE_ROOT_KEY[0], SIGNING_CERTIFICATES[0]
SHAPES = (MFA, NO_MFA, KEY, INACTIVE_ROOT_KEY, CERT, FREE, SCP_DENIES_ROOT, SUSPENDED)


def root(n: int) -> moto_gaps.RootUser:
    return moto_gaps.extras(member_id(n)).root


def request(*numbers: int, **kw) -> ScanRequest:
    return ScanRequest(accounts=tuple(member_id(n) for n in numbers), backoff=0.01, **kw)


@pytest.fixture
def calls(monkeypatch):
    """Every (account, task policy, action) asked for in a root session, as AWS receives it."""
    seen: list[tuple[str, str, str]] = []
    original = moto_org._refusal

    def recording(session, action):
        seen.append((session.account_id, session.task_policy, action))
        return original(session, action)

    monkeypatch.setattr(moto_org, "_refusal", recording)
    return seen


def changes(account) -> list[tuple[str, str]]:
    return [(c.change.operation, c.outcome.value) for c in account.changes]


def verdict(findings) -> dict[str, str]:
    return {f.id.removeprefix("member."): f.status.value for f in findings}


def test_each_seeded_shape_gets_exactly_its_plan(organization):
    prepared = prepare(organization.aws_context(), request(*SHAPES))
    plans = {n: [(c.operation, c.target) for c in prepared.plans[member_id(n)].changes]
             for n in SHAPES if member_id(n) in prepared.plans}
    serial = f"arn:aws:iam::{member_id(MFA)}:mfa/root-account-mfa-device"
    assert plans[MFA] == [("DeleteLoginProfile", "login-profile"), ("DeactivateMFADevice", serial)]
    assert plans[NO_MFA] == [("DeleteLoginProfile", "login-profile")]
    assert plans[KEY] == [("DeleteAccessKey", f"AKIAPRACTICEMEMBER{KEY:02d}")]
    assert plans[INACTIVE_ROOT_KEY] == [("DeleteAccessKey", f"AKIAPRACTICEMEMBER{INACTIVE_ROOT_KEY:02d}")]
    assert plans[CERT] == [("DeleteSigningCertificate", f"ROOTCERT{member_id(CERT)}0000")]
    assert plans[FREE] == [] and prepared.plans[member_id(FREE)].empty
    assert SCP_DENIES_ROOT not in plans and SUSPENDED not in plans  # never planned, so never touched
    descriptions = {c.operation: c for p in prepared.to_change for c in p.changes}
    assert "(inactive)" in prepared.plans[member_id(INACTIVE_ROOT_KEY)].changes[0].description
    assert "(active)" in prepared.plans[member_id(KEY)].changes[0].description
    mfa = descriptions["DeactivateMFADevice"]
    assert "stays in the account, unassigned" in mfa.note and "DeleteVirtualMFADevice" in mfa.note
    assert [p.account_id for p in prepared.to_change] == [member_id(n) for n in (MFA, NO_MFA, KEY, INACTIVE_ROOT_KEY, CERT)]
    reasons = {m.member.id: m.reason for m in prepared.scan.members}
    assert reasons[member_id(SCP_DENIES_ROOT)] == "scp-denies-root-session" and reasons[member_id(SUSPENDED)] == "suspended-account"


def test_password_is_deleted_before_mfa_and_keys_first():
    from datetime import datetime, timezone

    from app.org.member_audit import RootFacts, RootKey, RootSessionInfo

    session = RootSessionInfo("210000000008", "arn", "us-east-1", datetime.now(timezone.utc), "ASIAEXAMPLE")
    facts = RootFacts({}, True, None, (RootKey("AKIAONE", False),), ("GAHT12345678",), ("CERT1", "CERT2"), session)
    plan = plan_deletion(facts)
    assert [c.operation for c in plan.changes] == ["DeleteAccessKey", "DeleteSigningCertificate", "DeleteSigningCertificate",
                                                   "DeleteLoginProfile", "DeactivateMFADevice"]
    assert plan.changes[-1].note == ""  # a hardware device is deactivated, not left as a virtual device


def test_deleting_every_shape_changes_only_the_planned_accounts_and_reaudits(organization, calls):
    context = organization.aws_context()
    prepared = prepare(context, request(*SHAPES))
    calls.clear()
    run = execute(context, prepared.to_change, backoff=0.01)
    by_id = {a.account_id: a for a in run.accounts}
    assert set(by_id) == {member_id(n) for n in (MFA, NO_MFA, KEY, INACTIVE_ROOT_KEY, CERT)}
    assert changes(by_id[member_id(MFA)]) == [("DeleteLoginProfile", "done"), ("DeactivateMFADevice", "done")]
    for account in run.accounts:
        assert all(c.outcome == ChangeOutcome.DONE for c in account.changes) and not account.failed
        assert verdict(account.findings)["root-credential-free"] == "pass", account.account_id
        assert [s.task_policy_arn.rsplit("/", 1)[1] for s in account.sessions] == ["IAMDeleteRootUserCredentials",
                                                                                  "IAMAuditRootUserCredentials"]
    for n in (MFA, NO_MFA, KEY, INACTIVE_ROOT_KEY, CERT):
        r = root(n)
        assert (r.password, r.mfa_active, r.access_keys, r.signing_certificates) == (False, False, [], 0)
    # Untouched: the SCP-blocked one keeps its state, nothing was asked of the suspended one or the free one.
    touched = {account for account, _, _ in calls}
    assert not touched & {member_id(SCP_DENIES_ROOT), member_id(SUSPENDED), member_id(FREE)}
    actions = [action for _, policy, action in calls if policy == "IAMDeleteRootUserCredentials"]
    assert sorted(set(actions)) == ["iam:DeactivateMFADevice", "iam:DeleteAccessKey", "iam:DeleteLoginProfile",
                                    "iam:DeleteSigningCertificate", "iam:GetUser"]  # GetUser: the session's own account, checked first
    assert not {"iam:UpdateAccessKey", "iam:DeleteVirtualMFADevice"} & {a for _, _, a in calls}
    # The deactivated virtual device stays in the member account, unassigned.
    from moto.iam.models import iam_backends

    devices = iam_backends[member_id(MFA)]["aws"].virtual_mfa_devices
    serial = f"arn:aws:iam::{member_id(MFA)}:mfa/root-account-mfa-device"
    assert serial in devices and devices[serial].user is None
    log = run.change_log()
    assert len(log) == 6 and set(log[0]) >= {"account_id", "action", "target", "outcome", "time", "session_access_key_id"}
    assert all(e["session_access_key_id"].startswith("ASIA") and e["time"] for e in log)
    json.dumps(log)  # plain data for the record


def test_the_delete_policy_refuses_deactivation_and_virtual_mfa_deletion_and_deletions_say_no_such_entity(organization):
    iam = root_session(organization, MFA, DELETE).client("iam")
    serial = f"arn:aws:iam::{member_id(MFA)}:mfa/root-account-mfa-device"
    code, message = error_of(iam.delete_virtual_mfa_device, SerialNumber=serial)
    assert code == "AccessDenied" and "iam:DeleteVirtualMFADevice" in message
    key_iam = root_session(organization, KEY, DELETE).client("iam")
    code, message = error_of(key_iam.update_access_key, AccessKeyId=f"AKIAPRACTICEMEMBER{KEY:02d}", Status="Inactive")
    assert code == "AccessDenied" and "iam:UpdateAccessKey" in message and root(KEY).access_keys[0].active
    iam.deactivate_mfa_device(SerialNumber=serial)
    iam.delete_login_profile()
    assert error_of(iam.delete_login_profile)[0] == "NoSuchEntity"
    assert error_of(iam.deactivate_mfa_device, SerialNumber=serial)[0] == "NoSuchEntity"
    assert iam.list_mfa_devices()["MFADevices"] == []
    assert error_of(key_iam.delete_access_key, AccessKeyId="AKIAPRACTICEMEMBER99")[0] == "NoSuchEntity"
    cert_iam = root_session(organization, CERT, DELETE).client("iam")
    assert error_of(cert_iam.delete_signing_certificate, CertificateId="ROOTCERT" + "9" * 16)[0] == "NoSuchEntity"
    # The audit policy allows none of the deletions.
    audit_iam = root_session(organization, NO_MFA).client("iam")
    assert error_of(audit_iam.delete_login_profile)[0] == "AccessDenied" and root(NO_MFA).password


def test_certificates_keep_their_ids_when_one_is_deleted(organization):
    root(CERT).signing_certificates = 2
    iam = root_session(organization, CERT, DELETE).client("iam")
    first, second = [c["CertificateId"] for c in iam.list_signing_certificates()["Certificates"]]
    iam.delete_signing_certificate(CertificateId=first)
    assert [c["CertificateId"] for c in iam.list_signing_certificates()["Certificates"]] == [second]
    iam.delete_signing_certificate(CertificateId=second)
    assert root(CERT).signing_certificates == 0


def test_running_again_changes_nothing(organization, calls):
    context = organization.aws_context()
    prepared = prepare(context, request(MFA, KEY))
    execute(context, prepared.to_change, backoff=0.01)
    again = execute(context, prepared.to_change, backoff=0.01)  # the same confirmed plans once more
    assert {a.account_id: changes(a) for a in again.accounts} == {
        member_id(MFA): [("DeleteLoginProfile", "already-gone"), ("DeactivateMFADevice", "already-gone")],
        member_id(KEY): [("DeleteAccessKey", "already-gone")]}
    assert all("already" in c.message for a in again.accounts for c in a.changes)
    assert all(verdict(a.findings)["root-credential-free"] == "pass" for a in again.accounts)
    assert prepare(context, request(MFA, KEY)).to_change == []  # a fresh audit plans nothing


def test_a_failure_midway_says_what_was_and_was_not_changed(organization, monkeypatch):
    """Member 8 has a key and a password; DeleteLoginProfile is denied. A password-and-MFA
    member: the password cannot go, so its MFA is left in place (never a password without MFA)."""
    allowed = moto_org.TASK_POLICIES["IAMDeleteRootUserCredentials"]
    context = organization.aws_context()
    prepared = prepare(context, request(8, MFA))
    monkeypatch.setitem(moto_org.TASK_POLICIES, "IAMDeleteRootUserCredentials", allowed - {"DeleteLoginProfile"})
    run = execute(context, prepared.to_change, backoff=0.01)
    by_id = {a.account_id: a for a in run.accounts}
    eight, mfa = by_id[member_id(8)], by_id[member_id(MFA)]
    assert changes(eight) == [("DeleteAccessKey", "done"), ("DeleteLoginProfile", "failed")]
    assert changes(mfa) == [("DeleteLoginProfile", "failed"), ("DeactivateMFADevice", "not-attempted")]
    failed = mfa.changes[0]
    assert failed.error_code == "AccessDenied" and "iam:DeleteLoginProfile" in failed.message and "Re-run" in failed.message
    assert "after 0 of 2 changes; 1 not attempted" in mfa.message and eight.failed and mfa.failed
    assert root(8).access_keys == [] and root(8).password and root(MFA).password and root(MFA).mfa_active
    assert verdict(eight.findings)["root-password"] == "fail" and verdict(mfa.findings)["root-mfa"] == "pass"
    log = {(e["account_id"], e["action"]): e for e in run.change_log()}
    assert log[(member_id(MFA), "iam:DeactivateMFADevice")]["outcome"] == "not-attempted"
    assert log[(member_id(MFA), "iam:DeactivateMFADevice")]["time"] is None


def test_delete_session_refused_changes_nothing_and_says_why(organization, monkeypatch):
    context = organization.aws_context()
    prepared = prepare(context, request(NO_MFA))
    from app.practice import moto_gaps as gaps

    gaps.extras(organization.account_id).org_features.discard("RootSessions")
    run = execute(context, prepared.to_change, backoff=0.01)
    account = run.accounts[0]
    assert account.reason == "assume-root-denied" and not account.reached and changes(account) == [("DeleteLoginProfile",
                                                                                                     "not-attempted")]
    assert account.message.startswith("Nothing was changed") and root(NO_MFA).password
    assert {f.status.value for f in account.findings} == {"unknown"}  # the re-audit cannot get in either


def test_throttled_assume_root_still_completes_and_the_pool_halves(organization):
    context = organization.aws_context()
    numbers = (MFA, NO_MFA, KEY, INACTIVE_ROOT_KEY, CERT)
    prepared = prepare(context, request(*numbers))
    for n in numbers:
        moto_org.faults(member_id(n)).throttle_assume_root = 2
    run = execute(context, prepared.to_change, workers=8, start_workers=4, backoff=0.01)
    assert all(not a.failed and verdict(a.findings)["root-credential-free"] == "pass" for a in run.accounts)
    assert run.limits[0] == 4 and any(b == a // 2 for a, b in zip(run.limits, run.limits[1:])), run.limits


def test_throttled_beyond_the_attempts_changes_nothing(organization):
    context = organization.aws_context()
    prepared = prepare(context, request(KEY))
    moto_org.faults(member_id(KEY)).throttle_assume_root = 99
    run = execute(context, prepared.to_change, max_attempts=2, backoff=0.01)
    account = run.accounts[0]
    assert account.reason == "throttled" and changes(account) == [("DeleteAccessKey", "not-attempted")]
    assert root(KEY).access_keys and {f.reason for f in account.findings} == {"throttled"}


# -- the command line ------------------------------------------------------------------------------
def cli(organization, monkeypatch, capsys, *args: str, tty_input: str | None = None) -> tuple[int, str, str]:
    from app.cli import org as org_cli
    from app.cli.main import main

    monkeypatch.setattr(org_cli, "connect", lambda args: organization.aws_context())
    stdin = io.StringIO("" if tty_input is None else tty_input + "\n")
    stdin.isatty = lambda: tty_input is not None  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", stdin)
    code = main(["org", "delete-root-credentials", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


ACCOUNTS = ",".join(member_id(n) for n in (MFA, KEY, SCP_DENIES_ROOT, SUSPENDED, FREE, HOSTILE))


@pytest.mark.parametrize("confirm", [None, "DELETE 3", "delete 2", "DELETE", "yes"])
def test_without_the_exact_confirmation_nothing_changes(organization, monkeypatch, capsys, calls, confirm):
    extra = ("--confirm", confirm) if confirm else ()
    code, out, err = cli(organization, monkeypatch, capsys, "--accounts", ACCOUNTS, *extra)  # not a terminal
    assert code == 3 and "nothing was changed" in err and "DELETE 2" in err and "Traceback" not in err
    assert "Will change 2 account(s)" in out and "delete the root access key" in out
    assert root(MFA).password and root(KEY).access_keys
    assert not [a for _, policy, a in calls if policy == "IAMDeleteRootUserCredentials"]


def test_typed_on_a_terminal_wrong_then_right(organization, monkeypatch, capsys, calls):
    root(HOSTILE).password = True  # so its hostile name is listed among the accounts that change
    code, _, err = cli(organization, monkeypatch, capsys, "--accounts", ACCOUNTS, tty_input="DELETE 2")
    assert code == 3 and "is not 'DELETE 3'" in err and root(MFA).password
    code, out, err = cli(organization, monkeypatch, capsys, "--accounts", ACCOUNTS, tty_input="DELETE 3")
    assert code == 2, err  # now credential-free, but the SCP-blocked account stays unknown
    before, _, after = out.partition("Results:")
    assert "practice-member-12: not touched (suspended-account)" in before
    assert "could not be reached, nothing will change (scp-denies-root-session)" in before
    assert "logged as root activity" in before and "CloudTrail" in before.split("Will change")[1]
    assert "done          iam:DeleteLoginProfile" in after and "3 of 3 changed account(s) now credential-free" in after
    assert "<b>ALL PASSED</b>\\x1b[2J" in before and "\x1b" not in out  # names escaped
    assert not root(MFA).password and not root(KEY).access_keys
    deleting = {account for account, policy, _ in calls if policy == "IAMDeleteRootUserCredentials"}
    assert deleting == {member_id(MFA), member_id(KEY), member_id(HOSTILE)}


def test_exit_codes(organization, monkeypatch, capsys):
    code, out, _ = cli(organization, monkeypatch, capsys, "--accounts", member_id(FREE))
    assert code == 0 and "Nothing to delete" in out  # no confirmation needed when nothing changes
    allowed = moto_org.TASK_POLICIES["IAMDeleteRootUserCredentials"]
    monkeypatch.setitem(moto_org.TASK_POLICIES, "IAMDeleteRootUserCredentials", allowed - {"DeleteSigningCertificate"})
    code, out, _ = cli(organization, monkeypatch, capsys, "--accounts", f"{member_id(KEY)},{member_id(CERT)}",
                       "--confirm", "DELETE 2")
    assert code == 1 and "failed        iam:DeleteSigningCertificate" in out and "AccessDenied:" in out
    code, out, _ = cli(organization, monkeypatch, capsys, "--accounts", member_id(KEY), "--confirm", "DELETE 1")
    assert code == 0 and "Nothing to delete" in out  # the key went in the run before: nothing left to change


def test_sentinel_no_session_secret_in_output_results_or_errors(organization, monkeypatch, capsys):
    from tests.org_support import issued_credentials

    issued = issued_credentials(monkeypatch)
    context = organization.aws_context()
    prepared = prepare(context, request(MFA, KEY, CERT))
    allowed = moto_org.TASK_POLICIES["IAMDeleteRootUserCredentials"]
    monkeypatch.setitem(moto_org.TASK_POLICIES, "IAMDeleteRootUserCredentials", allowed - {"DeactivateMFADevice"})
    run = execute(context, prepared.to_change, backoff=0.01)
    code, out, err = cli(organization, monkeypatch, capsys, "--accounts", f"{member_id(NO_MFA)},{member_id(SCP_DENIES_ROOT)}",
                         "--confirm", "DELETE 1")
    assert code == 2 and len(issued) >= 8
    texts = [out, err, repr(run), json.dumps(run.change_log()), repr(prepared)]
    texts += [c.message for a in run.accounts for c in a.changes] + [a.message for a in run.accounts]
    texts += [json.dumps(f.evidence, default=str) for a in run.accounts for f in a.findings]
    for credentials in issued:
        for secret in (credentials["SecretAccessKey"], credentials["SessionToken"]):
            assert all(secret not in text for text in texts)
    assert any(c.outcome == ChangeOutcome.FAILED for a in run.accounts for c in a.changes)  # an error path was exercised


@pytest.mark.parametrize("args", [(), ("--accounts", ""), ("--accounts", "123"), ("--accounts", "999999999999"),
                                  ("--accounts", member_id(KEY), "--confirm", " ")])
def test_bad_usage_exits_3_before_any_change(args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run([sys.executable, "-m", "app.cli", "org", "delete-root-credentials", "--demo", *args], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 3 and "Traceback" not in result.stderr and result.stderr.strip()


def test_a_signed_record_of_the_deletion_holds_the_change_log_and_every_session(organization, monkeypatch, capsys, tmp_path):
    import keyring

    from app.org.record import verify_bytes
    from app.record.signing_key import SigningKey
    from tests.memory_keyring import MemoryKeyring

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        out_file = tmp_path / "after-delete.json"
        code, _, err = cli(organization, monkeypatch, capsys, "--accounts", f"{member_id(MFA)},{member_id(FREE)}", "--demo",
                           "--confirm", "DELETE 1", "--sign", "--out", str(out_file), "--operator", "Dana")
        assert code == 0, err
        record = verify_bytes(out_file.read_bytes(), SigningKey(backend, practice=True).public_key())
    finally:
        keyring.set_keyring(previous)
    p = record.predicate
    changed = record.account(member_id(MFA))
    assert {f["status"] for f in changed["findings"]} <= {"pass", "not_applicable"} and changed["reached"]
    log = [e for e in p["change_log"] if e["account_id"] == member_id(MFA)]
    assert {e["action"] for e in log} == {"iam:DeleteLoginProfile", "iam:DeactivateMFADevice"}
    assert all(e["outcome"] == "done" and e["session_access_key_id"] for e in log)
    policies = {(s["account_id"], s["task_policy_arn"].rsplit("/", 1)[1]) for s in p["sessions"]}
    assert {(member_id(MFA), "IAMDeleteRootUserCredentials"), (member_id(MFA), "IAMAuditRootUserCredentials")} <= policies
    assert {s["access_key_id"] for s in p["sessions"]} >= {e["session_access_key_id"] for e in log}
    assert p["operator"] == "Dana" and len(p["accounts"]) == 2
