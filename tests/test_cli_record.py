"""`verify --sign`, `record verify|show`, `key export` and `report` as subprocesses, with the
signing key in the real Secret Service (private test session) and AWS in a moto server."""
from __future__ import annotations

import base64
import json
import shutil
import subprocess

import pytest

from tests.cli_support import admin_keys, run_cli

pytestmark = pytest.mark.server


@pytest.fixture
def env(secret_service_keyring, secret_service_env, tmp_path):
    from app.keyring_access import SERVICE
    from app.record.signing_key import ENTRY

    try:
        secret_service_keyring.delete_password(SERVICE, ENTRY)  # a fresh key per test
    except Exception:
        pass
    return {**secret_service_env, "HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "data")}


def test_sign_verify_show_and_tamper(endpoint, env, tmp_path):
    keys = admin_keys(endpoint)
    out = tmp_path / "record.json"
    signed = run_cli(endpoint, keys, "--sign", "--out", str(out), "--operator", "Dana", extra_env=env)
    assert signed.returncode == 1, signed.stderr  # a new account fails checks; the record is still signed
    assert "Signed record saved" in signed.stdout and out.exists()
    stored = list((tmp_path / "data" / "rootwarden" / "records" / "123456789012").glob("*.dsse.json"))
    assert len(stored) == 1 and stored[0].read_bytes() == out.read_bytes()

    valid = run_cli(endpoint, None, "verify", str(out), command="record", extra_env=env)
    assert valid.returncode == 0 and valid.stdout.startswith("Valid record") and "123456789012" in valid.stdout
    shown = run_cli(endpoint, None, "show", str(out), command="record", extra_env=env)
    assert shown.returncode == 0 and "Step 1  Remove root access keys" in shown.stdout and "FAIL" in shown.stdout

    exported = run_cli(endpoint, None, "export", command="key", extra_env=env)
    pem = exported.stdout  # only the PEM on stdout, so `key export > key.pem` is a clean file
    assert pem.startswith("-----BEGIN PUBLIC KEY-----") and pem.endswith("-----END PUBLIC KEY-----\n")
    (tmp_path / "pub.pem").write_text(pem)
    assert json.loads(out.read_text())["signatures"][0]["keyid"] in exported.stderr

    doc = json.loads(out.read_text())
    payload = base64.b64decode(doc["payload"]).replace(b'"fail"', b'"pass"')
    doc["payload"] = base64.b64encode(payload).decode()
    (tmp_path / "tampered.json").write_text(json.dumps(doc))
    tampered = run_cli(endpoint, None, "verify", str(tmp_path / "tampered.json"), "--public-key", str(tmp_path / "pub.pem"),
                       command="record", extra_env=env)
    assert tampered.returncode == 1 and "bad signature" in tampered.stderr
    (tmp_path / "junk.json").write_text("hello")
    junk = run_cli(endpoint, None, "verify", str(tmp_path / "junk.json"), command="record", extra_env=env)
    assert junk.returncode == 1 and "not DSSE" in junk.stderr
    missing = run_cli(endpoint, None, "verify", str(tmp_path / "nope.json"), command="record", extra_env=env)
    assert missing.returncode == 1 and "unreadable" in missing.stderr

    again = run_cli(endpoint, keys, "--sign", "--out", str(out), extra_env=env)
    assert again.returncode == 3 and "already exists" in again.stderr  # never overwritten


def test_drift_is_shown_on_the_next_verification(endpoint, env):
    from app.practice import moto_gaps
    from tests.support import ACCOUNT_ID

    keys = admin_keys(endpoint)
    moto_gaps.extras(ACCOUNT_ID).root.mfa_active = True
    first = run_cli(endpoint, keys, "--sign", extra_env=env)
    assert "Signed record saved" in first.stdout
    moto_gaps.extras(ACCOUNT_ID).root.mfa_active = False  # someone removed root MFA
    second = run_cli(endpoint, keys, "--format", "json", extra_env=env)
    drift = json.loads(second.stdout)["drift"]
    assert {"check_id": "root.mfa", "before": "pass", "after": "fail"}.items() <= drift[0].items()
    text = run_cli(endpoint, keys, "--sign", extra_env=env)
    assert "Changed since the last record" in text.stdout and "root.mfa: pass → fail (was pass in the record of " in text.stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (CI installs it)")
def test_report_command_writes_a_pdf(endpoint, env, tmp_path):
    keys = admin_keys(endpoint)
    out = tmp_path / "record.json"
    run_cli(endpoint, keys, "--sign", "--out", str(out), extra_env=env)
    pdf = tmp_path / "report.pdf"
    result = run_cli(endpoint, None, str(out), "-o", str(pdf), "--paper", "letter", command="report", extra_env=env)
    assert result.returncode == 0, result.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "123456789012" in text and "root.access-keys" in text
    bad = run_cli(endpoint, None, str(out), "-o", str(tmp_path / "no" / "r.pdf"), command="report", extra_env=env)
    assert bad.returncode == 3 and "does not exist" in bad.stderr


def test_sign_without_a_keyring_changes_nothing_and_says_why(endpoint, tmp_path):
    keys = admin_keys(endpoint)
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "d")}
    result = run_cli(endpoint, keys, "--sign", "--out", str(tmp_path / "r.json"), extra_env=env)
    assert result.returncode == 3 and "No usable OS keyring" in result.stderr and "cannot be signed" in result.stderr
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "d").exists()
