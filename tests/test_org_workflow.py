"""The organization session as the wizard keeps it: the scan as it stands after each change,
and every change and root session reaching the signed record."""
from __future__ import annotations

from app.org.delete import execute, prepare
from app.org.record import sign_and_save, verify_bytes
from app.org.scan import ScanRequest, scan
from app.org.workflow import DELETE, OrgWorkflow
from app.practice.organization import PASSWORD_NO_MFA, member_id
from app.record.signing_key import SigningKey
from tests.memory_keyring import MemoryKeyring

NO_MFA = PASSWORD_NO_MFA[0]


def test_a_deletion_updates_the_scan_and_reaches_the_record(organization, tmp_path):
    context = organization.aws_context()
    flow = OrgWorkflow(practice=True)
    flow.record_scan(scan(context, ScanRequest(backoff=0.01, contacts_rate=500.0)))
    before = next(m for m in flow.scan.members if m.member.id == member_id(NO_MFA))
    assert "fail" in {f.status.value for f in before.findings} and not flow.changed
    preparation = prepare(context, ScanRequest(accounts=(member_id(NO_MFA),), backoff=0.01, contacts_rate=500.0))
    flow.record_deletion(execute(context, preparation.to_change, backoff=0.01))
    after = next(m for m in flow.scan.members if m.member.id == member_id(NO_MFA))
    assert {f.status.value for f in after.findings} <= {"pass", "not_applicable"} and after.reached and flow.changed
    assert len(flow.scan.members) == len(organization.member_ids) + 1  # the other accounts stay as scanned
    key = SigningKey(MemoryKeyring())
    saved = sign_and_save(flow.predicate("Dana"), key, base=tmp_path)
    record = verify_bytes(saved.path.read_bytes(), key.public_key())
    (entry,) = [e for e in record.predicate["change_log"] if e["account_id"] == member_id(NO_MFA)]
    assert entry["kind"] == DELETE and entry["action"] == "iam:DeleteLoginProfile" and entry["outcome"] == "done"
    sessions = [s for s in record.predicate["sessions"] if s["account_id"] == member_id(NO_MFA)]
    assert {s["task_policy_arn"].rsplit("/", 1)[1] for s in sessions} == {"IAMAuditRootUserCredentials",
                                                                          "IAMDeleteRootUserCredentials"}
    assert entry["session_access_key_id"] in {s["access_key_id"] for s in sessions}
    assert record.account(member_id(NO_MFA))["findings"] == [f.as_dict() for f in after.findings]
