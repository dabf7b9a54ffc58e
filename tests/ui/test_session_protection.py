"""A session's work is never lost silently (SPEC §5): the keyring is checked at Connect, leaving
after changes asks first and can save a record, Done can sign once the keyring works, and an
unsigned PDF says so on every page. The real question box and pages are driven, not replaced."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.fixes.base import Change
from tests.memory_keyring import MemoryKeyring

TIMEOUT = 20000


class SwitchableKeyring(MemoryKeyring):
    """A keyring that is locked until ``working`` is set (as after the user unlocks it)."""

    working = False

    def get_password(self, service, username):
        if not self.working:
            from keyring.errors import KeyringLocked

            raise KeyringLocked("locked")
        return super().get_password(service, username)

    def set_password(self, service, username, password):
        if not self.working:
            from keyring.errors import KeyringLocked

            raise KeyringLocked("locked")
        super().set_password(service, username, password)


def answer_leave_question(qtbot, button_text: str) -> list[str]:
    """Click ``button_text`` in the real "Leave Rootwarden?" box when it appears."""
    asked: list[str] = []

    def click() -> None:
        box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(50, click)
            return
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == button_text).click()

    QTimer.singleShot(50, click)
    return asked


@pytest.fixture
def with_changes(qtbot, practice_wizard):
    wizard = practice_wizard
    wizard.currentPage().harden.click()
    qtbot.waitUntil(lambda: wizard.session.identity is not None, timeout=TIMEOUT)
    wizard.session.audit.record("Set the security contact", Change("update", "security alternate contact", "account:PutAlternateContact"), "done")
    return wizard


def test_cancel_without_changes_closes_at_once(qtbot, practice_wizard):
    practice_wizard.reject()
    assert not practice_wizard.isVisible()


def test_cancel_after_changes_asks_and_stay_keeps_the_session(qtbot, with_changes):
    asked = answer_leave_question(qtbot, "Stay")
    with_changes.reject()
    assert asked and "1 change" in asked[0]
    assert with_changes.isVisible()
    answer_leave_question(qtbot, "Leave without a record")  # end the test's session
    with_changes.reject()
    qtbot.waitUntil(lambda: not with_changes.isVisible(), timeout=TIMEOUT)


def test_esc_after_changes_then_leave_without_a_record(qtbot, with_changes):
    from PySide6.QtCore import Qt

    answer_leave_question(qtbot, "Leave without a record")
    qtbot.keyClick(with_changes, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not with_changes.isVisible(), timeout=TIMEOUT)
    assert with_changes.session.saved_path is None


def test_closing_after_changes_can_save_a_signed_record_first(qtbot, with_changes):
    from app.record.completion import read, verify_bytes
    from app.record.signing_key import SigningKey

    session = with_changes.session
    answer_leave_question(qtbot, "Save a record and leave")
    with_changes.close()
    qtbot.waitUntil(lambda: session.saved_path is not None and not with_changes.isVisible(), timeout=TIMEOUT)
    record = verify_bytes(read(session.saved_path), SigningKey(session.keyring_backend, practice=True).public_key())
    assert [e["what"] for e in record.predicate["audit_log"]] == ["security alternate contact"]
    assert "ended before Review" in record.predicate["notes"]


def test_connect_says_at_once_when_the_keyring_cannot_sign(qtbot, data_home):
    from keyring.backends import fail

    from app.flow import FlowState
    from app.session import WizardSession
    from ui.wizard import RootwardenWizard

    wizard = RootwardenWizard(WizardSession(flow=FlowState(practice=True), keyring_backend=fail.Keyring()))
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.currentPage().harden.click()
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.keyring_note.isVisible(), timeout=TIMEOUT)
    assert "cannot be signed" in page.keyring_note.text() and "Done page can sign" in page.keyring_note.text()
    qtbot.waitUntil(lambda: wizard.session.identity is not None, timeout=TIMEOUT)
    wizard.session.practice.stop()


def test_done_signs_again_once_the_keyring_works_and_unsigned_pdfs_say_so(qtbot, data_home, tmp_path, monkeypatch, shown_errors):
    from app.flow import FlowState, PageId
    from app.session import WizardSession
    from ui.pages.review import sign_or_keep_unsigned
    from ui.wizard import RootwardenWizard

    keyring = SwitchableKeyring()
    session = WizardSession(flow=FlowState(practice=True), keyring_backend=keyring)
    wizard = RootwardenWizard(session)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.currentPage().harden.click()
    qtbot.waitUntil(lambda: session.identity is not None, timeout=TIMEOUT)
    session.operator = "Dana"
    session.saved_predicate = session.predicate()
    session.signed_record, session.saved_path, session.unsigned_reason = sign_or_keep_unsigned(session.saved_predicate, keyring)
    assert session.signed_record is None and "locked" in session.unsigned_reason
    from ui.pages.done import DonePage

    done = DonePage(session)
    qtbot.addWidget(done)
    done.show()
    done.initializePage()
    assert done.sign_button.isVisible() and done.export_pdf.isEnabled()
    from tests.ui.conftest import screenshot

    done.resize(1100, 700)
    screenshot(done, "13-done-unsigned")

    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "unsigned.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    done.export_pdf.click()
    if shutil.which("pdftotext"):
        pages = [p for p in subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout.split("\f") if p.strip()]
        assert pages and all("UNSIGNED" in page for page in pages)

    keyring.working = True  # the user unlocked the keyring
    done.sign_button.click()
    qtbot.waitUntil(lambda: session.signed_record is not None, timeout=TIMEOUT)
    assert not done.sign_button.isVisible() and "Signed record saved" in done.path.text()
    assert session.saved_path.name.endswith(".dsse.json")
    assert wizard.currentId() == PageId.CONNECT
    session.practice.stop()
