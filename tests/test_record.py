"""The signed record: DSSE + in-toto, Ed25519; tampering, wrong keys, an independent DSSE
implementation both ways, the openssl+jq recipe, and drift between two records."""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

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
from app.text.report import RECIPE
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

    other = dsse.envelope_bytes(dsse.sign(b"{}", key, "text/plain"))
    with pytest.raises(BadRecord, match="payload type mismatch"):
        verify_bytes(other, key.public_key())
    not_statement = dsse.envelope_bytes(dsse.sign(b'{"hello": 1}', key))
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
    # The layout the README documents: two-space indented JSON, keys in this order, a final newline.
    return (json.dumps({"payloadType": "application/vnd.in-toto+json", "payload": base64.b64encode(body).decode(),
                        "signatures": [{"keyid": hashlib.sha256(der).hexdigest(), "sig": base64.b64encode(sig).decode()}]},
                       indent=2) + "\n").encode()


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
    assert drift.describe() == "root.mfa: pass → fail (was pass in the record of 2026-08-01; changed some time after)"
    second = predicate(statuses={"root.mfa": "fail", "root.access-keys": "pass"}, finished="2026-09-01T10:00:00Z")
    saved = history.sign_and_save(second, signing, base=tmp_path)  # links the folder's latest record itself
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
    assert previous.record_id == good.record_id and "do not verify" in warning and bad.name in warning


# -- strict parsing: one file, one meaning (SPEC §6) -------------------------------------------
def _forged_first(envelope: bytes, key) -> bytes:
    """The real envelope with a forged payload inserted before the real one (same object)."""
    doc = json.loads(envelope)
    forged = json.loads(base64.b64decode(doc["payload"]))
    forged["predicate"]["operator"] = "Mallory"
    fake = base64.b64encode(json.dumps(forged).encode()).decode()
    text = envelope.decode()
    return text.replace('  "payload": ', f'  "payload": "{fake}",\n  "payload": ', 1).encode()


def test_a_duplicate_payload_key_is_refused(key, envelope):
    doubled = _forged_first(envelope, key)
    assert json.loads(doubled)["payload"] == json.loads(envelope)["payload"]  # Python alone reads the real one
    with pytest.raises(BadRecord, match="duplicate key 'payload'"):
        verify_bytes(doubled, key.public_key())


@pytest.mark.skipif(not (shutil.which("openssl") and shutil.which("jq")), reason="needs openssl and jq (CI installs them)")
def test_the_readme_recipe_refuses_a_duplicate_key(key, envelope, tmp_path):
    (tmp_path / "record.json").write_bytes(_forged_first(envelope, key))
    (tmp_path / "rootwarden.pub.pem").write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", RECIPE], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0 and "repeats a key" in result.stderr
    assert "Signature Verified Successfully" not in result.stdout


@pytest.mark.parametrize("mutate, reason", [
    (lambda d: d.replace(b'"signatures"', b'"extra": 1,\n  "signatures"', 1), "unknown fields"),
    (lambda d: d.replace(b'"keyid": "', b'"keyid": 7, "x": "', 1), "not DSSE"),
    (lambda d: d.decode().encode("utf-16"), "not UTF-8"),
    (lambda d: b"\xef\xbb\xbf" + d, "byte-order mark"),
    (lambda d: d.replace(b"\n", b"\r\n"), "not canonical"),
    (lambda d: d.replace(b"  ", b"   "), "not canonical"),
    (lambda d: b"[" * 5000 + b"]" * 5000, "nested"),
    (lambda d: d.replace(b'"payload": "', b'"payload": "\\u0065', 1), "not"),
])
def test_non_canonical_envelopes_are_refused(key, envelope, mutate, reason):
    with pytest.raises(BadRecord, match=reason):
        verify_bytes(mutate(envelope), key.public_key())


def test_non_canonical_base64_is_refused(key, envelope):
    doc = json.loads(envelope)
    sig = doc["signatures"][0]["sig"]
    # Ed25519 signatures are 64 bytes: base64 ends "==", and the last data character has 4 spare
    # bits; setting one gives another spelling of the same bytes.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    twin = sig[:-3] + alphabet[alphabet.index(sig[-3]) | 1] + "=="
    assert twin != sig and base64.b64decode(twin) == base64.b64decode(sig)
    with pytest.raises(BadRecord, match="canonical base64"):
        verify_bytes(envelope.replace(sig.encode(), twin.encode()), key.public_key())


def test_a_numeric_keyid_is_a_reason_not_a_crash(key, envelope):
    doc = json.loads(envelope)
    doc["signatures"][0]["keyid"] = 12345
    with pytest.raises(BadRecord, match="keyid is not a string"):
        verify_bytes(json.dumps(doc, indent=2).encode() + b"\n", key.public_key())


def test_unknown_statement_fields_are_refused(key):
    from app.record import dsse

    statement = build_statement(predicate())
    statement["extra"] = "hidden"
    envelope = dsse.envelope_bytes(dsse.sign(json.dumps(statement).encode(), key))
    with pytest.raises(BadRecord, match="unknown fields: extra"):
        verify_bytes(envelope, key.public_key())
    payload = b'{"_type": "https://in-toto.io/Statement/v1", "_type": "x"}'
    with pytest.raises(BadRecord, match="duplicate key"):
        verify_bytes(dsse.envelope_bytes(dsse.sign(payload, key)), key.public_key())


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_only_the_original_bytes_verify(data):
    """JSON-level mutations of a valid envelope — duplicated keys, reordered keys, whitespace,
    escapes, base64 variants — are all refused; the original bytes still verify."""
    key = Ed25519PrivateKey.generate()
    original = sign(build_statement(predicate()), key)
    assert verify_bytes(original, key.public_key())
    doc = json.loads(original)
    kind = data.draw(st.sampled_from(["reorder", "whitespace", "indent", "escape", "duplicate", "b64-newline", "compact", "trailing"]))
    if kind == "reorder":
        order = data.draw(st.permutations(list(doc)).filter(lambda o: o != list(doc)))
        mutated = (json.dumps({k: doc[k] for k in order}, indent=2) + "\n").encode()
    elif kind == "whitespace":
        at = data.draw(st.sampled_from([m for m in range(len(original)) if original[m:m + 1] in (b":", b",")]))
        mutated = original[:at + 1] + b" " + original[at + 1:]
    elif kind == "indent":
        mutated = (json.dumps(doc, indent=data.draw(st.sampled_from([1, 3, 4, "\t"]))) + "\n").encode()
    elif kind == "escape":
        mutated = original.replace(b'"payloadType"', b'"payload\\u0054ype"', 1)
    elif kind == "duplicate":
        field = data.draw(st.sampled_from(["payloadType", "payload", "signatures"]))
        mutated = original.replace(b"{\n", b"{\n  " + json.dumps(field).encode() + b": " + json.dumps(doc[field]).encode() + b",\n", 1)
    elif kind == "b64-newline":
        payload = doc["payload"]
        cut = data.draw(st.integers(min_value=1, max_value=len(payload) - 1))
        mutated = original.replace(payload.encode(), (payload[:cut] + "\\n" + payload[cut:]).encode(), 1)
    elif kind == "compact":
        mutated = json.dumps(doc).encode()
    else:
        mutated = original + data.draw(st.sampled_from([b"\n", b" ", b"\t"]))
    assert mutated != original
    with pytest.raises(BadRecord):
        verify_bytes(mutated, key.public_key())


def test_a_fifo_and_dev_zero_are_refused_without_hanging(tmp_path):
    import os

    from app.record.completion import read

    fifo = tmp_path / "record.fifo"
    os.mkfifo(fifo)
    with pytest.raises(BadRecord, match="not a regular file"):
        read(fifo)
    with pytest.raises(BadRecord, match="not a regular file"):
        read(Path("/dev/zero"))
    with pytest.raises(BadRecord, match="not a regular file"):
        read(tmp_path)


def test_an_oversized_file_is_refused(tmp_path):
    from app.record import strict

    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    with pytest.raises(BadRecord, match="larger than"):
        strict.read_file(big, limit=1024)


def test_the_latest_record_is_the_one_that_finished_last_not_the_newest_file_name(tmp_path):
    signing = SigningKey(MemoryKeyring())
    newer = history.sign_and_save(predicate(finished="2026-09-01T10:00:00Z"), signing, base=tmp_path)
    older = history.sign_and_save(predicate(finished="2026-08-01T10:00:00Z", statuses={"root.mfa": "fail"}), signing, base=tmp_path)
    assert history.records("123456789012", tmp_path)[-1] == older.path  # the older record has the later file name
    previous, warning = history.latest("123456789012", signing.public_key(), base=tmp_path)
    assert previous.record_id == newer.record_id and warning is None


def test_a_failed_write_leaves_no_partial_file_and_no_name_taken(tmp_path, monkeypatch):
    import os

    from app import storage

    target = tmp_path / "out.json"

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)  # the data cannot reach the disk
    with pytest.raises(OSError):
        storage.write_exclusive(target, b"x" * 100_000)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []  # no 0-byte record, no temporary left behind
    storage.write_exclusive(target, b"data")  # the name is still free
    with pytest.raises(FileExistsError):
        storage.write_exclusive(target, b"other")
    assert target.read_bytes() == b"data"


def test_concurrent_first_signings_end_with_one_key(secret_service_env, tmp_path, monkeypatch):
    """Four processes signing for the first time at once: one key, every record verifiable."""
    import os
    import sys
    from pathlib import Path as _Path

    root = _Path(__file__).resolve().parents[1]
    env = {**os.environ, **secret_service_env, "XDG_DATA_HOME": str(tmp_path / "data"), "PYTHONPATH": str(root)}
    code = ("import keyring; from keyring.backends import SecretService; keyring.set_keyring(SecretService.Keyring()); "
            "from app.record.signing_key import SigningKey, PRACTICE_ENTRY; import app.record.signing_key as m; "
            "m.ENTRY = 'record-signing-key-race-test'; print(SigningKey().fingerprint())")
    import keyring.backends.SecretService as ss

    backend = ss.Keyring()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service_env["DBUS_SESSION_BUS_ADDRESS"])

    def forget_test_key() -> None:
        if backend.get_password("rootwarden", "record-signing-key-race-test") is not None:
            backend.delete_password("rootwarden", "record-signing-key-race-test")

    forget_test_key()
    try:
        procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  cwd=root) for _ in range(4)]
        prints = [p.communicate(timeout=60) for p in procs]
        assert all(p.returncode == 0 for p in procs), [e for _, e in prints]
        fingerprints = {out.strip() for out, _ in prints}
        assert len(fingerprints) == 1
        assert backend.get_password("rootwarden", "record-signing-key-race-test") is not None
    finally:  # the shared test keyring is left clean whether the assertions held or not
        forget_test_key()


def test_a_practice_record_links_the_previous_practice_record(tmp_path):
    """One place finds the previous record (the wizard's Review and `verify --sign` used two):
    the latest verifiable one in the folder the new record goes to, under the signing key."""
    signing = SigningKey(MemoryKeyring(), practice=True)
    first = history.sign_and_save({**predicate(), "practice": True}, signing, base=tmp_path)
    second = history.sign_and_save({**predicate(finished="2026-09-01T10:00:00Z"), "practice": True}, signing, base=tmp_path)
    latest, _ = history.latest("123456789012", signing.public_key(), base=tmp_path, practice=True)
    assert latest.record_id == second.record_id and latest.predicate["previous_record"] == first.record_id
