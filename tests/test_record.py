"""The signed record: DSSE + in-toto, Ed25519; tampering, wrong keys, an independent DSSE
implementation both ways, the openssl+jq recipe, and drift between two records."""
from __future__ import annotations

import base64
import json
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import RootwardenError
from app.record import history
from app.record.completion import build_statement, make_predicate, record_id, sign, verify_bytes
from app.record.dsse import BadRecord, keyid, pae
from app.record.signing_key import SigningKey
from app.report_content import RECIPE
from tests.memory_keyring import MemoryKeyring


def predicate(account: str = "123456789012", statuses: dict[str, str] | None = None, finished: str = "2026-08-01T10:00:00Z"):
    statuses = statuses or {"root.mfa": "pass", "root.access-keys": "pass"}
    findings = [{"id": cid, "step": 1, "title": cid, "severity": "critical", "status": s, "summary": "…", "evidence": {},
                 "remediation": {}, "references": {}, "checked_at": finished} for cid, s in statuses.items()]
    return make_predicate(mode="re-verify", account_id=account, account_alias="prod", caller_arn="arn:aws:iam::1:user/a",
                          operator="Dana", notes="ünïcode notes ✓", started_at=finished, finished_at=finished,
                          findings=findings, audit_log=[], skipped=[], previous_record=None)


@pytest.fixture
def key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def envelope(key) -> bytes:
    return sign(build_statement(predicate()), key)


def test_round_trip(key, envelope):
    record = verify_bytes(envelope, key.public_key())
    assert record.account_id == "123456789012" and record.predicate["notes"] == "ünïcode notes ✓"
    assert record.keyid == keyid(key.public_key()) and record.record_id == record_id(envelope)
    assert record.statement["subject"][0]["name"] == "aws-account/123456789012"


def test_pae_counts_utf8_bytes():
    assert pae("t✓", "é".encode()) == b"DSSEv1 4 t\xe2\x9c\x93 2 \xc3\xa9"


FIELDS = ("payload", "payloadType", "sig")


@settings(max_examples=60, deadline=None)
@given(field=st.sampled_from(FIELDS), position=st.integers(min_value=0), delta=st.integers(min_value=1, max_value=255))
def test_any_changed_byte_fails(field, position, delta):
    key = Ed25519PrivateKey.generate()
    envelope = json.loads(sign(build_statement(predicate()), key))
    if field == "payloadType":
        raw = bytearray(envelope["payloadType"].encode())
        raw[position % len(raw)] ^= delta % 127 or 1  # stays ASCII, always differs
        envelope["payloadType"] = raw.decode("latin-1")
    else:
        holder = envelope if field == "payload" else envelope["signatures"][0]
        key_name = "payload" if field == "payload" else "sig"
        raw = bytearray(base64.b64decode(holder[key_name]))
        raw[position % len(raw)] ^= delta  # always differs
        holder[key_name] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(BadRecord):
        verify_bytes(json.dumps(envelope).encode(), key.public_key())


def test_wrong_key_is_unknown(envelope):
    with pytest.raises(BadRecord, match="unknown key"):
        verify_bytes(envelope, Ed25519PrivateKey.generate().public_key())


@pytest.mark.parametrize("data, reason", [
    (b"not json", "not DSSE"),
    (b'{"payload": "e30="}', "not DSSE"),
])
def test_malformed_records(key, data, reason):
    with pytest.raises(BadRecord, match=reason):
        verify_bytes(data, key.public_key())


def test_payload_type_mismatch_and_not_in_toto(key):
    from app.record import dsse

    other = json.dumps(dsse.sign(b"{}", key, "text/plain")).encode()
    with pytest.raises(BadRecord, match="payload type mismatch"):
        verify_bytes(other, key.public_key())
    not_statement = json.dumps(dsse.sign(b'{"hello": 1}', key)).encode()
    with pytest.raises(BadRecord, match="not in-toto"):
        verify_bytes(not_statement, key.public_key())


# An independent DSSE implementation, written from the DSSE spec, sharing no code with app/.
def independent_pae(kind: str, body: bytes) -> bytes:
    k = kind.encode()
    return b" ".join([b"DSSEv1", str(len(k)).encode(), k, str(len(body)).encode(), body])


def independent_sign(body: bytes, key: Ed25519PrivateKey) -> bytes:
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    import hashlib

    sig = key.sign(independent_pae("application/vnd.in-toto+json", body))
    return json.dumps({"payloadType": "application/vnd.in-toto+json", "payload": base64.b64encode(body).decode(),
                       "signatures": [{"keyid": hashlib.sha256(der).hexdigest(), "sig": base64.b64encode(sig).decode()}]}).encode()


def independent_verify(data: bytes, public_key) -> bytes:
    env = json.loads(data)
    body = base64.b64decode(env["payload"])
    public_key.verify(base64.b64decode(env["signatures"][0]["sig"]), independent_pae(env["payloadType"], body))
    return body


def test_interoperates_with_an_independent_implementation(key, envelope):
    statement = build_statement(predicate())
    theirs = independent_sign(json.dumps(statement).encode(), key)
    assert verify_bytes(theirs, key.public_key()).predicate == statement["predicate"]
    assert json.loads(independent_verify(envelope, key.public_key()))["_type"] == "https://in-toto.io/Statement/v1"


@pytest.mark.skipif(not (shutil.which("openssl") and shutil.which("jq")), reason="needs openssl and jq (CI installs them)")
def test_the_readme_recipe_with_openssl_and_jq(key, envelope, tmp_path):
    (tmp_path / "record.json").write_bytes(envelope)
    (tmp_path / "rootwarden.pub.pem").write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", RECIPE], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Signature Verified Successfully" in result.stdout
    assert keyid(key.public_key()) in result.stdout
    reformatted = envelope.replace(b"\"payloadType\"", b"\"payloadType\" ", 1)  # JSON layout is not signed: still valid
    (tmp_path / "record.json").write_bytes(reformatted)
    assert subprocess.run(["bash", "-c", RECIPE], cwd=tmp_path, capture_output=True).returncode == 0
    doc = json.loads(envelope)
    doc["payload"] = base64.b64encode(base64.b64decode(doc["payload"]).replace(b'"pass"', b'"fail"', 1)).decode()
    (tmp_path / "record.json").write_text(json.dumps(doc))
    bad = subprocess.run(["bash", "-c", RECIPE], cwd=tmp_path, capture_output=True, text=True)
    assert "Signature Verified Successfully" not in bad.stdout


def test_readme_carries_the_same_recipe():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert all(line in readme for line in RECIPE.splitlines())


# -- the signing key and the record history --------------------------------------------------
def test_signing_key_is_created_once_and_kept_in_the_keyring():
    backend = MemoryKeyring()
    first = SigningKey(backend)
    assert first.public_key(create=False) is None
    fingerprint = first.fingerprint()
    assert SigningKey(backend).fingerprint() == fingerprint
    assert "PRIVATE KEY" in backend.entries[("rootwarden", "record-signing-key")]
    assert "PRIVATE" not in first.public_pem()


def test_drift_between_two_records(tmp_path):
    signing = SigningKey(MemoryKeyring())
    first = history.sign_and_save(predicate(statuses={"root.mfa": "pass", "root.access-keys": "pass"}), signing, base=tmp_path)
    previous, warning = history.latest("123456789012", signing.public_key(), base=tmp_path)
    assert previous.record_id == first.record_id and warning is None
    now = [{"id": "root.mfa", "status": "fail"}, {"id": "root.access-keys", "status": "pass"}]
    (drift,) = history.compare(previous, "123456789012", now)
    assert drift.describe() == "root.mfa pass → fail since 2026-08-01"
    second = predicate(statuses={"root.mfa": "fail", "root.access-keys": "pass"}, finished="2026-09-01T10:00:00Z")
    second["previous_record"] = previous.record_id
    saved = history.sign_and_save(second, signing, base=tmp_path)
    latest, _ = history.latest("123456789012", signing.public_key(), base=tmp_path)
    assert latest.record_id == saved.record_id and latest.predicate["previous_record"] == first.record_id
    assert len(history.records("123456789012", base=tmp_path)) == 2  # never overwritten


def test_drift_refuses_another_accounts_record(tmp_path):
    signing = SigningKey(MemoryKeyring())
    history.sign_and_save(predicate(account="999988887777"), signing, base=tmp_path)
    other, _ = history.latest("999988887777", signing.public_key(), base=tmp_path)
    with pytest.raises(RootwardenError, match="999988887777"):
        history.compare(other, "123456789012", [])


def test_a_tampered_latest_record_is_skipped_with_a_warning(tmp_path):
    signing = SigningKey(MemoryKeyring())
    good = history.sign_and_save(predicate(), signing, base=tmp_path)
    bad = history.save("123456789012", good.path.read_bytes().replace(b'"payload": "', b'"payload": "AA', 1), base=tmp_path)
    assert bad != good.path
    previous, warning = history.latest("123456789012", signing.public_key(), base=tmp_path)
    assert previous.record_id == good.record_id and "does not verify" in warning
