"""End to end on the practice account: Welcome → Done turning every step green, and Re-verify.
Saves a screenshot of every page under tests/screenshots/."""
from __future__ import annotations

from app.flow import PageId
from app.model import Status, Step
from tests.ui.conftest import screenshot

TIMEOUT = 20000


def wait_step_checked(qtbot, wizard):
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: not page.busy and len(wizard.session.step_findings(page.step)) == len(page.cards), timeout=TIMEOUT)
    return page


def go_next(qtbot, wizard):
    qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=TIMEOUT)
    wizard.next()


def test_first_time_setup_from_welcome_to_done(qtbot, practice_wizard, confirmations, shown_errors, tmp_path, monkeypatch):
    wizard, session = practice_wizard, practice_wizard.session
    screenshot(wizard, "01-welcome")
    wizard.currentPage().harden.click()
    assert wizard.currentId() == PageId.CONNECT
    qtbot.waitUntil(lambda: session.identity is not None, timeout=TIMEOUT)
    assert wizard.currentPage().fields["Account alias"].text() == "rootwarden-practice"
    screenshot(wizard, "02-connect")
    go_next(qtbot, wizard)

    # Step 1: root keys; the caller is not root, so the console is simulated.
    page = wait_step_checked(qtbot, wizard)
    assert session.findings["root.access-keys"].status is Status.FAIL
    assert not page.isComplete()
    screenshot(wizard, "03-step1-fail")
    page.panel.guide.simulate_button.click()
    qtbot.waitUntil(lambda: session.step_done(Step.ACCESS_KEYS) and not page.busy, timeout=TIMEOUT)
    screenshot(wizard, "04-step1-pass")
    go_next(qtbot, wizard)

    # Step 2: root MFA, console only.
    page = wait_step_checked(qtbot, wizard)
    assert session.findings["root.mfa"].status is Status.FAIL
    screenshot(wizard, "05-step2-fail")
    page.panel.guide.simulate_button.click()
    qtbot.waitUntil(lambda: session.step_done(Step.MFA) and not page.busy, timeout=TIMEOUT)
    assert session.findings["root.mfa-hardware"].status is Status.PASS
    go_next(qtbot, wizard)

    # Step 3: recent use; the practice account lets time pass.
    page = wait_step_checked(qtbot, wizard)
    qtbot.waitUntil(lambda: page.panel.timeline.activity is not None, timeout=TIMEOUT)
    assert page.panel.timeline.activity.total == 7
    screenshot(wizard, "06-step3-timeline")
    page.panel.simulate_button.click()
    qtbot.waitUntil(lambda: session.step_done(Step.LIMIT_USE) and not page.busy, timeout=TIMEOUT)
    go_next(qtbot, wizard)

    # Step 4: Identity Center (console); the IAM users with passwords leave a warning.
    page = wait_step_checked(qtbot, wizard)
    assert session.findings["org.root-credentials-management"].status is Status.NOT_APPLICABLE
    page.panel.guide.simulate_button.click()
    qtbot.waitUntil(lambda: session.step_done(Step.IDENTITY) and not page.busy, timeout=TIMEOUT)
    assert session.findings["identity.central"].status is Status.WARN
    screenshot(wizard, "07-step4-warn")
    go_next(qtbot, wizard)

    # Step 5: one form for the three contacts, validated and confirmed once.
    page = wait_step_checked(qtbot, wizard)
    assert page.panel.box.isVisible()
    for kind, column in page.panel.columns.items():
        for label, value in (("Name", f"{kind.title()} Team"), ("Title", "Team"), ("E-mail", f"{kind.lower()}@example.com"),
                             ("Phone", "+1 206 555 0100")):
            column.edits[label].setText(value)
    screenshot(wizard, "08-step5-form")
    page.panel.save.click()
    qtbot.waitUntil(lambda: session.step_done(Step.CONTACTS) and not page.busy, timeout=TIMEOUT)
    title, changes, _ = confirmations[-1]
    assert title == "Set the alternate contacts" and len(changes) == 3
    go_next(qtbot, wizard)

    # Step 6: alerts; then the page waits for the subscription to be confirmed.
    page = wait_step_checked(qtbot, wizard)
    assert page.panel.email.text() == "security@example.com"  # from the security contact just set
    assert "us-east-1" in page.panel.explain.text() and "read-only ones included" in page.panel.explain.text()
    screenshot(wizard, "09a-step6-setup")
    page.panel.email.setText("alerts@example.com")
    page.panel.setup.click()
    qtbot.waitUntil(lambda: page.panel.waiting.isVisible() and not page.busy, timeout=TIMEOUT)
    assert session.findings["alerts.root-activity"].status is Status.WARN
    assert page.poll.isActive()
    screenshot(wizard, "09-step6-waiting")
    page.panel.simulate.click()
    qtbot.waitUntil(lambda: session.findings["alerts.root-activity"].status is Status.PASS and not page.busy, timeout=TIMEOUT)
    assert not page.poll.isActive() and not page.panel.waiting.isVisible()  # polling ends once confirmed
    screenshot(wizard, "10-step6-pass")
    title, changes, _ = confirmations[-1]
    assert title == "Set up root-activity alerts" and len(changes) == 5
    assert any("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" in str(c) for c in changes)  # read-only root calls alert too
    go_next(qtbot, wizard)

    # Review: final live status of every check, the audit log, operator required.
    page = wizard.currentPage()
    assert wizard.currentId() == PageId.REVIEW
    qtbot.waitUntil(lambda: not page.runs.busy, timeout=TIMEOUT)
    assert not page.isComplete()  # no operator yet, and the status line says so (not "Ready to save.")
    assert page.state.text() == "Enter the operator's name to sign."
    page.operator.setText("Dana Admin")
    page.notes.setPlainText("Practice run")
    assert page.isComplete() and page.state.text() == "Ready to sign and save."
    page.operator.setText("  ")
    assert page.state.text() == "Enter the operator's name to sign."
    page.operator.setText("Dana Admin")
    # Checks by title (what the admin read on the steps); the ID in a tooltip.
    from app.checks import REGISTRY
    titles = {c.id: c.info.title for c in REGISTRY}
    from PySide6.QtGui import QTextDocument

    def tip(r: int) -> str:  # the tooltip as a person reads it
        document = QTextDocument()
        document.setHtml(page.checks.item(r, 1).toolTip())
        return document.toPlainText()

    row = next(r for r in range(page.checks.rowCount()) if tip(r) == "root.mfa")
    assert page.checks.item(row, 1).text() == titles["root.mfa"] != "root.mfa"
    assert page.audit.rowCount() == 3 + 5
    # The audit log box shows all eight changes without scrolling, once the layout has settled
    # (wrapped rows grow when the table gets its final width).
    audit = page.audit
    qtbot.waitUntil(lambda: audit.verticalScrollBar().maximum() == 0, timeout=TIMEOUT)
    assert audit.viewport().height() >= 8 * audit.rowHeight(0)
    screenshot(wizard, "11-review")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.DONE, timeout=TIMEOUT)
    done = wizard.currentPage()
    qtbot.waitUntil(lambda: done.export_pdf.isEnabled(), timeout=TIMEOUT)
    screenshot(wizard, "12-done")
    assert shown_errors == []

    # The record verifies, and holds the whole session.
    from app.record.completion import read, verify_bytes
    from app.record.signing_key import SigningKey

    record = verify_bytes(read(session.saved_path), SigningKey(session.keyring_backend, practice=True).public_key())
    saved = record.predicate
    # Practice evidence is kept apart: its own key (the real one was never created) and folder.
    assert saved["practice"] is True and session.saved_path.parent.parent.name == "practice-records"
    assert SigningKey(session.keyring_backend).public_key(create=False) is None
    # Before → after for each control the session changed, console actions included.
    changed = {c["id"]: (c["before"], c["after"]) for c in saved["changed_during_session"]}
    assert changed["root.mfa"] == ("fail", "pass") and changed["alerts.root-activity"][1] == "pass"
    statuses = {f["id"]: f["status"] for f in saved["findings"]}
    assert all(status in ("pass", "warn", "not_applicable") for status in statuses.values()), statuses
    assert saved["operator"] == "Dana Admin" and saved["mode"] == "setup" and len(saved["audit_log"]) == 8
    assert session.saved_path.parent.name == "123456789012" and record.keyid in done.path.text()

    # Export PDF from the Done page.
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "report.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    done.export_pdf.click()
    assert target.stat().st_size > 10_000 and "exported" in done.deferred.text()
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        pages = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
        pages = [page for page in pages if page.strip()]
        assert len(pages) >= 2 and all("SIMULATED ACCOUNT — NOT EVIDENCE" in page for page in pages)
        assert all(f"page {n}/{len(pages)}" in page and "123456789012" in page for n, page in enumerate(pages, 1))
        text = "".join(pages)
        assert "Changed during this session" in text and "Rule rootwarden-root-activity" in text


def test_reverify_shows_every_check_grouped(qtbot, practice_wizard, shown_errors):
    wizard, session = practice_wizard, practice_wizard.session
    wizard.currentPage().reverify.click()
    qtbot.waitUntil(lambda: session.identity is not None, timeout=TIMEOUT)
    go_next(qtbot, wizard)
    assert wizard.currentId() == PageId.CHECKLIST
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=TIMEOUT)
    assert len(session.findings) == 11
    assert "9 fail" in page.summary.text()
    screenshot(wizard, "20-checklist")
    go_next(qtbot, wizard)
    assert wizard.currentId() == PageId.REVIEW
    assert shown_errors == []


def test_reverify_shows_drift_since_the_last_record(qtbot, practice_wizard, shown_errors, data_home):
    """A record says root MFA passed; now it fails: the checklist says so, with the date."""
    from app.record import history
    from app.record.completion import make_predicate
    from app.record.signing_key import SigningKey

    wizard, session = practice_wizard, practice_wizard.session
    finding = {"id": "root.mfa", "step": 2, "title": "t", "severity": "critical", "status": "pass", "summary": "s",
               "evidence": {}, "remediation": {}, "references": {}, "checked_at": "2026-08-01T00:00:00Z"}
    history.sign_and_save(make_predicate(mode="setup", account_id="123456789012", account_alias=None, caller_arn="x", operator="o",
                                         notes="", started_at="2026-08-01T00:00:00Z", finished_at="2026-08-01T00:00:00Z",
                                         findings=[finding], audit_log=[], skipped=[], previous_record=None),
                          SigningKey(session.keyring_backend))
    wizard.currentPage().reverify.click()
    qtbot.waitUntil(lambda: session.identity is not None, timeout=TIMEOUT)
    go_next(qtbot, wizard)
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.drift.isVisible(), timeout=TIMEOUT)
    assert "root.mfa: pass → fail (was pass in the record of 2026-08-01; changed some time after)" in page.drift.text()
    assert " since 2026-08-01" not in page.drift.text()  # not "broke that day": only that it changed after
    screenshot(wizard, "21-checklist-drift")


def test_no_keyring_saves_a_clearly_unsigned_summary(qtbot, practice_wizard, shown_errors):
    from keyring.backends import fail

    wizard, session = practice_wizard, practice_wizard.session
    session.keyring_backend = fail.Keyring()
    wizard.currentPage().reverify.click()
    qtbot.waitUntil(lambda: session.identity is not None, timeout=TIMEOUT)
    go_next(qtbot, wizard)
    go_next(qtbot, wizard)
    review = wizard.currentPage()
    qtbot.waitUntil(lambda: not review.runs.busy, timeout=TIMEOUT)
    review.operator.setText("Dana")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.DONE, timeout=TIMEOUT)
    assert "NOT signed" in shown_errors[0][1] and "No usable OS keyring" in shown_errors[0][1]
    assert session.signed_record is None and "UNSIGNED" in session.saved_path.name
    import json

    assert json.loads(session.saved_path.read_text())["signed"] is False
    done = wizard.currentPage()
    # The unsigned summary can still be exported (every page says UNSIGNED) and signed later.
    assert "NOT signed" in done.path.text() and done.export_pdf.isEnabled() and done.sign_button.isVisible()


def test_practice_entry_starts_a_separate_demo_process(qtbot, monkeypatch, data_home):
    """From a real session, Practice account opens `rootwarden --demo` in its own process."""
    import sys

    from app.flow import FlowState
    from app.session import WizardSession
    from ui.wizard import RootwardenWizard

    from ui import window_place
    from ui.pages import welcome

    started = []  # the process is not really started; what it would be given is kept
    monkeypatch.setattr(welcome, "launch_detached", lambda process: started.append(
        (process.program(), process.arguments(), process.processEnvironment().value(window_place.ENV))) or True)
    wizard = RootwardenWizard(WizardSession(flow=FlowState()))
    qtbot.addWidget(wizard)
    wizard.move(100, 80)
    wizard.show()
    wizard.currentPage().practice.click()
    ((program, args, near),) = started
    assert (program, args) == (sys.executable, ["-m", "ui.launch", "--demo"])
    assert wizard.currentId() == PageId.WELCOME  # this window stays on the real path

    # The practice window (as ui.main opens it with that environment) is cascaded, not on top.
    practice = RootwardenWizard(WizardSession(flow=FlowState(practice=True)))
    qtbot.addWidget(practice)
    window_place.place(practice, near)
    practice.show()
    first, second = wizard.frameGeometry().topLeft(), practice.frameGeometry().topLeft()
    assert second != first
    assert (second.x() - first.x(), second.y() - first.y()) == (window_place.OFFSET, window_place.OFFSET)

def test_checklist_shows_a_failed_drift_comparison_in_the_error_dialog(qtbot, practice_wizard, shown_errors, monkeypatch):
    """The comparison with the last record runs without its own failure handler: its failure
    reaches the user in the real error dialog instead of vanishing."""
    from app.errors import RootwardenError
    from app.record import history

    def broken(*args, **kwargs):
        raise RootwardenError("The records folder could not be read.")

    monkeypatch.setattr(history, "drift_since_latest", broken)
    wizard, session = practice_wizard, practice_wizard.session
    wizard.currentPage().reverify.click()
    qtbot.waitUntil(lambda: session.identity is not None, timeout=TIMEOUT)
    go_next(qtbot, wizard)
    qtbot.waitUntil(lambda: bool(shown_errors), timeout=TIMEOUT)
    assert shown_errors == [("Rootwarden", "The records folder could not be read.")]
