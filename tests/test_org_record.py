"""The signed organization record (SPEC §12): a subject per account plus the organization, the
AssumeRoot sessions an auditor matches in CloudTrail, `record extract` for one account, drift
per account — and tampering with one account's findings failing the record."""
from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
from typing import Any

import pytest

from app.org import record as org_record
from app.org.scan import ScanRequest, scan
from app.practice import moto_gaps
from app.practice.organization import HOSTILE, MEMBER_COUNT, PASSWORD_NO_MFA, SCP_DENIES_ROOT, SUSPENDED, member_id
from app.record.completion import canonical, sign
from app.record.dsse import BadRecord
from app.record.signing_key import SigningKey
from tests.memory_keyring import MemoryKeyring


@pytest.fixture
def signed(organization, tmp_path, monkeypatch):
    """One scan of the practice organization, signed; with the secrets AssumeRoot handed out."""
    from tests.org_support import issued_credentials

    issued = issued_credentials(monkeypatch)
    result = scan(organization.aws_context(), ScanRequest(backoff=0.01, contacts_rate=500.0))
    key = SigningKey(MemoryKeyring())
    saved = org_record.sign_and_save(org_record.org_predicate(result, operator="Dana", practice=True), key, base=tmp_path)
    return result, key, saved, issued


def statement_of(path) -> dict:
    """The signed statement, read as a third party would: JSON, base64, JSON."""
    return json.loads(base64.b64decode(json.loads(path.read_bytes())["payload"]))


def test_the_record_names_every_account_and_the_organization(signed):
    result, key, saved, _ = signed
    record = org_record.verify_bytes(saved.path.read_bytes(), key.public_key())
    names = [s["name"] for s in record.statement["subject"]]
    assert names[0] == f"aws-organization/{result.organization_id}"
    assert sorted(names[1:]) == sorted(f"aws-account/{m.member.id}" for m in result.members)
    predicate = record.predicate
    assert predicate["coverage"] == {"reached": MEMBER_COUNT - 2, "total": MEMBER_COUNT - 1}
    assert predicate["practice"] is True and predicate["operator"] == "Dana" and predicate["previous_record"] is None
    blocked = next(u for u in predicate["unreachable"] if u["account_id"] == member_id(SCP_DENIES_ROOT))
    assert blocked["reason"] == "scp-denies-root-session" and "aws:AssumedRoot" in blocked["summary"]
    assert member_id(SUSPENDED) not in {u["account_id"] for u in predicate["unreachable"]}  # not_applicable, not unreachable


def test_each_root_session_is_recorded_for_cloudtrail_and_no_secret_is(signed):
    result, _, saved, issued = signed
    sessions = statement_of(saved.path)["predicate"]["sessions"]
    reached = {m.member.id for m in result.members if m.reached}
    assert {s["account_id"] for s in sessions} == reached
    assert {s["access_key_id"] for s in sessions} <= {c["AccessKeyId"] for c in issued}
    first = sessions[0]
    assert first["task_policy_arn"] == "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
    assert first["region"] == "us-east-1" and first["started_at"].endswith("Z")
    data = saved.path.read_bytes() + base64.b64decode(json.loads(saved.path.read_bytes())["payload"])
    for credentials in issued:
        for secret in (credentials["SecretAccessKey"], credentials["SessionToken"]):
            assert secret.encode() not in data


def test_extract_gives_the_bytes_the_accounts_subject_covers(signed):
    _, key, saved, _ = signed
    record = org_record.verify_bytes(saved.path.read_bytes(), key.public_key())
    account = member_id(PASSWORD_NO_MFA[0])
    part = org_record.extract(record, account)
    subject = next(s for s in statement_of(saved.path)["subject"] if s["name"] == f"aws-account/{account}")
    assert hashlib.sha256(part.data).hexdigest() == subject["digest"]["sha256"] == part.digest
    statuses = {f["id"]: f["status"] for f in json.loads(part.data)}
    assert statuses["member.root-mfa"] == "fail" and statuses["member.root-password"] == "fail"
    with pytest.raises(BadRecord, match="not in this organization record"):
        org_record.extract(record, "999999999999")


def test_tampering_with_one_accounts_findings_fails(signed):
    _, key, saved, _ = signed
    account = member_id(PASSWORD_NO_MFA[0])
    statement = statement_of(saved.path)
    entry = next(a for a in statement["predicate"]["accounts"] if a["id"] == account)
    for finding in entry["findings"]:
        finding["status"] = "pass"
    # Without the key: the signature no longer covers the payload.
    envelope = json.loads(saved.path.read_bytes())
    envelope["payload"] = base64.b64encode(canonical(statement)).decode()
    with pytest.raises(BadRecord, match="bad signature"):
        org_record.verify_bytes((json.dumps(envelope, indent=2) + "\n").encode(), key.public_key())
    # Even signed by the key, an account whose findings do not match its subject is refused.
    resigned = sign(statement, key.private_key())
    with pytest.raises(BadRecord, match=f"aws-organization/.*differs|aws-account/{account} differs"):
        org_record.verify_bytes(resigned, key.public_key())
    statement["subject"] = org_record.subjects(statement["predicate"])[:1] + statement["subject"][1:]
    with pytest.raises(BadRecord, match="differs"):
        org_record.verify_bytes(sign(statement, key.private_key()), key.public_key())


def test_a_single_account_record_is_not_an_org_record(tmp_path):
    from tests.test_record import predicate

    key = SigningKey(MemoryKeyring())
    from app.record import history

    saved = history.sign_and_save(predicate(), key, base=tmp_path)
    with pytest.raises(BadRecord, match="not a Rootwarden organization record"):
        org_record.verify_bytes(saved.path.read_bytes(), key.public_key())


def test_drift_per_account_against_the_previous_record(organization, signed, tmp_path):
    result, key, first, _ = signed
    changed = member_id(PASSWORD_NO_MFA[0])
    moto_gaps.extras(changed).root.password = False  # its root password was removed since
    again = scan(organization.aws_context(), ScanRequest(backoff=0.01, contacts_rate=500.0))
    second = org_record.sign_and_save(org_record.org_predicate(again, practice=True), key, base=tmp_path)
    assert statement_of(second.path)["predicate"]["previous_record"] == first.record_id
    described = [d.describe() for d in second.drift]
    assert f"{changed} member.root-password: fail → pass (was fail in the record of " \
           f"{statement_of(first.path)['predicate']['finished_at'][:10]}; changed some time after)" in described
    assert all(d.account_id == changed for d in second.drift)  # nothing else changed
    latest, _ = org_record.latest(result.organization_id, key.public_key(), base=tmp_path, practice=True)
    assert latest.record_id == second.record_id


def test_the_record_reads_back_as_the_scan(signed):
    result, key, saved, _ = signed
    record = org_record.verify_bytes(saved.path.read_bytes(), key.public_key())
    back = org_record.scan_from_predicate(record.predicate)
    assert back.coverage == result.coverage and back.organization_id == result.organization_id
    assert [(m.member.id, m.member.name, [f.status for f in m.findings]) for m in back.members] == \
           [(m.member.id, m.member.name, [f.status for f in m.findings]) for m in result.members]


def test_csv_cells_never_become_formulas_or_control_characters(signed):
    from app.cli.org import CSV_COLUMNS, as_csv
    from app.org.inventory import Member

    result = signed[0]
    member = result.members[0]
    hostile = type(member)(Member(member.member.id, "=HYPERLINK(\"http://evil\")", member.member.state,
                                  member.member.joined_method), member.findings, member.reached)
    rows = list(csv.reader(io.StringIO(as_csv(type(result)(**{**result.__dict__, "members": (hostile,) + result.members})))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1][1].startswith("'=HYPERLINK")
    named = [r for r in rows[1:] if r[0] == member_id(HOSTILE)]
    assert named and all("\x1b" not in r[1] and "\x07" not in r[1] for r in named)
    assert len(rows) - 1 == sum(len(m.findings) for m in result.members) + len(hostile.findings)


# -- as a user runs it: `org verify --sign`, `record verify|show|extract` ---------------------------
def cli(*args: str, env: dict) -> Any:
    import os
    import subprocess
    import sys

    clean = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env={**clean, **env}, capture_output=True, timeout=300)


@pytest.fixture
def user_env(secret_service_keyring, secret_service_env, tmp_path):
    from app.keyring_access import SERVICE
    from app.record.signing_key import PRACTICE_ENTRY

    try:
        secret_service_keyring.delete_password(SERVICE, PRACTICE_ENTRY)
    except Exception:
        pass
    return {**secret_service_env, "HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "data")}


def test_sign_verify_show_and_extract_from_the_command_line(user_env, tmp_path):
    out = tmp_path / "org-record.json"
    signed = cli("org", "verify", "--demo", "--format", "csv", "--sign", "--out", str(out), "--operator", "Dana", env=user_env)
    assert signed.returncode == 1, signed.stderr  # the practice organization has failing members
    rows = list(csv.reader(io.StringIO(signed.stdout.decode())))
    assert rows[0][:3] == ["account_id", "account_name", "ou"] and len(rows) > MEMBER_COUNT * 5
    assert b"signed organization record" in signed.stderr and out.exists()
    stored = list((tmp_path / "data" / "rootwarden" / "practice-records").glob("organization-o-*/*.dsse.json"))
    assert len(stored) == 1 and stored[0].read_bytes() == out.read_bytes()

    valid = cli("record", "verify", str(out), env=user_env)
    assert valid.returncode == 0, valid.stderr
    assert b"PRACTICE record" in valid.stdout and b"Valid organization record" in valid.stdout
    assert f"{MEMBER_COUNT - 2} of {MEMBER_COUNT - 1} active members audited".encode() in valid.stdout
    shown = cli("record", "show", str(out), env=user_env)
    assert shown.returncode == 0 and b"Coverage: 48 of 49" in shown.stdout and b"<b>ALL PASSED</b>\\x1b" in shown.stdout

    account = member_id(PASSWORD_NO_MFA[0])
    part = tmp_path / "member.json"
    extracted = cli("record", "extract", str(out), "--account", account, "--out", str(part), env=user_env)
    assert extracted.returncode == 0, extracted.stderr
    subject = next(s for s in statement_of(out)["subject"] if s["name"] == f"aws-account/{account}")
    assert hashlib.sha256(part.read_bytes()).hexdigest() == subject["digest"]["sha256"]
    assert subject["digest"]["sha256"].encode() in extracted.stderr
    to_stdout = cli("record", "extract", str(out), "--account", account, env=user_env)
    assert to_stdout.stdout == part.read_bytes()
    again = cli("record", "extract", str(out), "--account", account, "--out", str(part), env=user_env)
    assert again.returncode != 0 and b"already exists" in again.stderr
    stranger = cli("record", "extract", str(out), "--account", "999999999999", env=user_env)
    assert stranger.returncode == 1 and b"not in this organization record" in stranger.stderr

    envelope = json.loads(out.read_bytes())
    payload = base64.b64decode(envelope["payload"]).replace(b'"status":"fail"', b'"status":"pass"', 1)
    envelope["payload"] = base64.b64encode(payload).decode()
    (tmp_path / "tampered.json").write_text(json.dumps(envelope, indent=2) + "\n")
    tampered = cli("record", "extract", str(tmp_path / "tampered.json"), "--account", account, env=user_env)
    assert tampered.returncode == 1 and b"NOT valid" in tampered.stderr and tampered.stdout == b""

    second = cli("org", "verify", "--demo", "--sign", env=user_env)
    assert second.returncode == 1 and b"drift" not in second.stderr  # nothing changed between the two runs
    assert len(list(stored[0].parent.glob("*.dsse.json"))) == 2


def test_out_needs_sign(user_env, tmp_path):
    result = cli("org", "verify", "--demo", "--out", str(tmp_path / "x.json"), env=user_env)
    assert result.returncode == 3 and b"add --sign" in result.stderr and not (tmp_path / "x.json").exists()
