"""The printable organization report (SPEC §12): read back from the PDF with pdftotext, as a
reader would — the summary with coverage and counts, the accounts that need attention before
the appendix, every account in the appendix with its status words, every root session's key ID,
the signature and how to verify, the footer on every page, a hostile account name printed as its
characters — and ``rootwarden report ORGRECORD -o out.pdf`` as a subprocess."""
from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.model import Status
from app.org import record as org_record
from app.org.scan import DISCLOSURE, ScanRequest, scan
from app.practice.organization import HOSTILE, HOSTILE_NAME, SCP_DENIES_ROOT, member_id
from app.record.completion import sign
from app.record.signing_key import SigningKey
from app.text_safety import for_terminal
from tests.memory_keyring import MemoryKeyring
from tests.org_support import started_organization

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (CI installs it)")

REPO = Path(__file__).resolve().parents[1]
CHANGE = {"account_id": member_id(7), "action": "iam:DeleteAccessKey", "target": "AKIAPRACTICEMEMBER07", "outcome": "done",
          "time": "2026-11-28T09:10:00Z", "session_access_key_id": "ASIACHANGESESSION001", "error_code": None,
          "message": None, "note": None}


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    """Two signed records of one scan of the practice organization (the second names the
    first as its previous record), the key, and the folder they are in."""
    base = tmp_path_factory.mktemp("records")
    practice = started_organization()
    try:
        result = scan(practice.aws_context(), ScanRequest(backoff=0.01, contacts_rate=500.0))
    finally:
        practice.stop()
    key = SigningKey(MemoryKeyring())
    first = org_record.sign_and_save(org_record.org_predicate(result, operator="Dana", practice=True), key, base=base)
    second = org_record.sign_and_save(org_record.org_predicate(result, operator="Dana", notes="Quarterly review", practice=True,
                                                               change_log=[CHANGE]), key, base=base)
    (base / "pub.pem").write_text(key.public_pem())
    verify = key.public_key()
    return (org_record.verify_bytes(first.path.read_bytes(), verify), org_record.verify_bytes(second.path.read_bytes(), verify),
            key, base, second.path)


def pdf_text(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pages(pdf: Path) -> list[str]:
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)[1])
    # -raw: in drawing order, so the practice label drawn across each page does not cut lines.
    return [pdf_text(pdf, "-raw", "-f", str(n), "-l", str(n)) for n in range(1, count + 1)]


def flat(text: str) -> str:
    return "".join(text.split())


def verdict(account: dict) -> Status:
    statuses = {Status(f["status"]) for f in account["findings"]}
    return next((s for s in (Status.FAIL, Status.UNKNOWN, Status.WARN, Status.PASS) if s in statuses), Status.NOT_APPLICABLE)


@pytest.fixture(scope="module")
def rendered(qapp, signed, tmp_path_factory):
    from ui.org_report_pdf import write_pdf

    _, record, _, _, _ = signed
    pdf = write_pdf(record, tmp_path_factory.mktemp("pdf") / "org-report.pdf")
    return record, pdf, pages(pdf)


def test_page_one_is_the_summary(rendered):
    record, _, text = rendered
    p = record.predicate
    first = " ".join(text[0].split())
    assert "SIMULATED ORGANIZATION — NOT EVIDENCE" in first and "practice organization" in first
    assert p["organization_id"] in first and p["management_account_id"] in first and p["caller_arn"] in first
    reached, total = p["coverage"]["reached"], p["coverage"]["total"]
    assert reached < total and f"{reached} of {total} active member accounts audited" in first
    assert f"{p['started_at']} – {p['finished_at']}" in first and "Operator Dana" in first
    verdicts = [verdict(a) for a in p["accounts"]]
    for status, label in ((Status.PASS, "All clear"), (Status.FAIL, "Failing"), (Status.UNKNOWN, "Unknown"),
                          (Status.WARN, "Warnings only"), (Status.NOT_APPLICABLE, "Not applicable")):
        assert f"{verdicts.count(status)} {status.word} {label}" in first, label
    # Per check: how many accounts fail, are unknown, warn, pass, N/A (in that order on its row).
    lines = text[0].splitlines()
    for check in ("member.root-password", "member.root-access-keys", "member.root-mfa"):
        counts = [sum(1 for a in p["accounts"] for f in a["findings"] if f["id"] == check and f["status"] == s.value)
                  for s in (Status.FAIL, Status.UNKNOWN, Status.WARN, Status.PASS, Status.NOT_APPLICABLE)]
        row = next(i for i, line in enumerate(lines) if check in line)  # title, ID, then the counts
        numbers = next(m for m in (re.fullmatch(r"(\d+) (\d+) (\d+) (\d+) (\d+)", line.strip()) for line in lines[row + 1:]) if m)
        assert [int(n) for n in numbers.groups()] == counts, check
    assert counts[0] > 0  # the practice organization has members without root MFA
    assert flat(DISCLOSURE) in flat(text[0])
    assert "Previous record" in first and p["previous_record"] in flat(text[0])
    assert "Quarterly review" in first


def test_exceptions_come_first_fail_then_unknown_with_what_to_do(rendered):
    record, _, text = rendered
    whole = "\n".join(text)
    attention, appendix = whole.index("Accounts that need attention"), whole.index("Appendix A — every account")
    unknowns = sum(1 for a in record.predicate["accounts"] if verdict(a) == Status.UNKNOWN)
    unknown_heading = whole.index(f"UNKNOWN — {unknowns} account")
    assert attention < unknown_heading < appendix
    failing = [a["id"] for a in record.predicate["accounts"] if verdict(a) == Status.FAIL]
    assert failing and all(attention < whole.index(f) < unknown_heading for f in failing)
    blocked = member_id(SCP_DENIES_ROOT)
    section = whole[unknown_heading:whole.index("Changes made")]
    assert blocked in section and "scp-denies-root-session" in section and "aws:AssumedRoot" in section
    assert "What to do:" in section and flat(f"rootwarden org verify --accounts {blocked}") in flat(section)
    # An all-clear account is not an exception.
    assert member_id(30) not in whole[attention:appendix]
    # The failing checks are named with their summaries.
    password = next(f for a in record.predicate["accounts"] if a["id"] == failing[0] for f in a["findings"]
                    if f["status"] == "fail")
    assert flat(password["id"]) in flat(whole[attention:unknown_heading])
    assert flat(password["summary"])[:40] in flat(whole[attention:unknown_heading])


def test_warnings_only_come_after_unknown(qapp, signed, tmp_path):
    """An account whose worst check is a warning is listed last, under WARN."""
    from ui.org_report_pdf import write_pdf

    _, record, key, _, _ = signed
    statement = copy.deepcopy(record.statement)
    warned = next(a for a in statement["predicate"]["accounts"] if any(f["status"] == "warn" for f in a["findings"]))
    for finding in warned["findings"]:
        if finding["status"] == "fail":
            finding["status"], finding["summary"] = "pass", "The root user has no credentials."
    statement["subject"] = org_record.subjects(statement["predicate"])
    changed = org_record.verify_bytes(sign(statement, key.private_key()), key.public_key())
    whole = "\n".join(pages(write_pdf(changed, tmp_path / "warn.pdf")))
    warn_heading = whole.index("WARN — 1 account")
    assert whole.index("UNKNOWN — ") < warn_heading < whole.index(warned["id"], warn_heading) < whole.index("Appendix A — every account")
    assert "member.root-signing-certificates" in whole[warn_heading:whole.index("Changes made")]


def test_appendix_lists_every_account_with_a_status_word_per_check(rendered):
    record, _, text = rendered
    whole = "\n".join(text)
    appendix = whole[whole.index("Appendix A — every account"):whole.index("Appendix B — root sessions")]
    lines = appendix.splitlines()
    words = {"PASS", "FAIL", "WARN", "UNKNOWN", "N/A"}
    for account in record.predicate["accounts"]:
        start = next((i for i, line in enumerate(lines) if line.startswith(account["id"] + " ")), None)
        assert start is not None, account["id"]
        end = next((i for i in range(start + 1, len(lines)) if re.match(r"\d{12} ", lines[i])), len(lines))
        row = " ".join(lines[start:end])  # a long name wraps within its cell
        shown = [token for token in row.split() if token in words]
        assert shown == [Status(f["status"]).word for f in account["findings"]], account["id"]


def test_a_hostile_name_prints_as_its_characters(rendered, qapp, signed):
    record, _, text = rendered
    whole = "\n".join(text)
    literal = for_terminal(HOSTILE_NAME)  # "<b>ALL PASSED</b>\x1b[2J\x07\u202e evil", escapes visible
    assert flat(literal) in flat(whole)
    assert not any(c in whole for c in "\x1b\x07\u202e")
    # And in the laid-out document the markup is text: no bold "ALL PASSED", no <b> swallowed.
    from ui.org_report_pdf import ORG_STYLESHEET, report_html
    from ui.report_pdf import new_document

    document = new_document(None, ORG_STYLESHEET)
    document.setHtml(report_html(record.predicate, record.record_id, record.keyid, record.public_pem))
    assert literal in document.toPlainText()
    found = document.find("ALL PASSED")
    assert not found.isNull() and not found.charFormat().font().bold()
    name = next(a["name"] for a in record.predicate["accounts"] if a["id"] == member_id(HOSTILE))
    assert name == HOSTILE_NAME


def test_changes_sessions_and_signature(rendered):
    record, _, text = rendered
    whole = "\n".join(text)
    p = record.predicate
    changes = whole[whole.index("Changes made"):whole.index("Signature")]
    assert CHANGE["action"] in changes and CHANGE["target"] in changes and member_id(7) in changes and "done" in changes
    sessions = whole[whole.index("Appendix B — root sessions"):]
    assert p["sessions"] and all(s["access_key_id"] in sessions for s in p["sessions"])
    assert "IAMAuditRootUserCredentials" in sessions and p["sessions"][0]["started_at"] in sessions
    signature = flat(whole[whole.index("Signature"):whole.index("Appendix A — every account")])
    assert record.record_id in signature and record.keyid in signature
    assert flat(record.public_pem) in signature
    for step in ("rootwarden record verify", "rootwarden record extract", "--account", "sha256sum", "openssl pkeyutl -verify"):
        assert flat(step) in signature, step


def test_qr_code_and_footer_on_every_page(rendered):
    record, pdf, text = rendered
    assert len(text) >= 5
    for number, page in enumerate(text, start=1):
        assert f"page {number}/{len(text)}" in page, number
        assert record.organization_id in page and record.record_id[:16] in page
        assert "SIMULATED ORGANIZATION — NOT EVIDENCE" in page
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert len(images) == 1  # the QR code of the record's sha256
    signature_page = next(n for n, page in enumerate(text, start=1) if "Record SHA-256 (in the QR code)" in page)
    assert images[0].split()[0] == str(signature_page)


def test_page_one_of_a_real_record_has_no_practice_banner(qapp, signed, tmp_path):
    from ui.org_report_pdf import write_pdf

    _, record, key, _, _ = signed
    statement = copy.deepcopy(record.statement)
    statement["predicate"]["practice"] = False
    real = org_record.verify_bytes(sign(statement, key.private_key()), key.public_key())
    text = pages(write_pdf(real, tmp_path / "real.pdf", "letter"))
    assert not any("SIMULATED" in page for page in text)
    assert "letter" in subprocess.run(["pdfinfo", str(tmp_path / "real.pdf")], capture_output=True, text=True).stdout.lower()


def run_report(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "ui.launch", "report", *args], env=env, capture_output=True, text=True,
                          timeout=300, cwd=REPO)


def test_cli_report_of_an_org_record(signed, tmp_path):
    first, _, _, base, path = signed
    pdf = tmp_path / "org.pdf"
    done = run_report(str(path), "-o", str(pdf), "--public-key", str(base / "pub.pem"), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"for the record of organization {first.organization_id}" in done.stdout
    text = pdf_text(pdf)
    assert "Organization root access record" in text and "Appendix A — every account" in text
    assert all(a["id"] in text for a in first.predicate["accounts"])
    missing = run_report(str(path), "-o", str(tmp_path / "no" / "org.pdf"), "--public-key", str(base / "pub.pem"),
                         home=tmp_path)
    assert missing.returncode == 3 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr
