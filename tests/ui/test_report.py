"""The printable report: real text (pdftotext finds the account, every check and status, the
fingerprint), A4 and Letter, rendered to PNG for people to look at (tests/screenshots/)."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from app.record.completion import build_statement, make_predicate, sign, verify_bytes
from app.record.signing_key import SigningKey
from app.runner import run_checks
from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import SCREENSHOTS

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (CI installs it)")


@pytest.fixture(scope="module")
def record():
    from app.practice.account import PracticeAccount

    practice = PracticeAccount().start()
    try:
        findings = [f.as_dict() for f in run_checks(practice.aws_context())]
    finally:
        practice.stop()
    findings.sort(key=lambda f: (f["step"], f["id"]))
    predicate = make_predicate(
        mode="setup", account_id="123456789012", account_alias="rootwarden-practice",
        caller_arn="arn:aws:iam::123456789012:user/practice-admin", operator="Dana Admin", notes="Quarterly review",
        started_at="2026-11-28T09:00:00Z", finished_at="2026-11-28T09:14:00Z", findings=findings,
        audit_log=[{"at": "2026-11-28T09:10:00Z", "fix": "Set security contact", "action": "account:PutAlternateContact",
                    "what": "security alternate contact to Sec Team <sec@example.com>", "result": "done"}],
        skipped=[{"step": 3, "title": "Limit root use", "reason": "root was used to create the account yesterday"}],
        previous_record=None)
    key = SigningKey(MemoryKeyring())
    return verify_bytes(sign(build_statement(predicate), key.private_key()), key.public_key())


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_pdf_has_real_text_and_renders(qapp, record, paper, tmp_path):
    from ui.report_pdf import write_pdf

    pdf = write_pdf(record, tmp_path / f"report-{paper}.pdf", paper)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "123456789012" in text and "rootwarden-practice" in text and "Dana Admin" in text
    words = {"pass": "PASS", "fail": "FAIL", "warn": "WARN", "unknown": "UNKNOWN", "not_applicable": "N/A"}
    lines = text.splitlines()
    for finding in record.predicate["findings"]:
        assert finding["id"] in text
        status_line = next(i for i, line in enumerate(lines) if finding["id"] in line)
        assert any(words[finding["status"]] in lines[j] for j in range(max(0, status_line - 2), status_line + 2)), finding["id"]
    assert record.keyid in text.replace(" ", "").replace("\n", "") or record.keyid[:32] in text
    assert "openssl pkeyutl -verify" in text and "root was used to create the account" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert ("A4" in info) if paper == "a4" else ("letter" in info.lower() or "612 x 792" in info)
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOTS / f"70-report-{paper}")], check=True)
    assert list(SCREENSHOTS.glob(f"70-report-{paper}-*.png"))


def test_unwritable_output_is_a_clear_error(qapp, record, tmp_path):
    from ui.report_pdf import write_pdf

    with pytest.raises(OSError, match="does not exist"):
        write_pdf(record, tmp_path / "missing" / "r.pdf")
