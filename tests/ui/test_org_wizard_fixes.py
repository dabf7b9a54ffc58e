"""The Organization path end to end, as an admin walks it on the practice organization:
readiness → audit → delete the root credentials of the shown failing accounts through the real
typed confirmation → review & sign → done, with the record verified from disk and the report
exported. Screenshots of the pages are kept in tests/screenshots/."""
from __future__ import annotations


from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from app.org.record import verify_bytes
from app.practice import moto_gaps
from app.practice import organization as practice_org
from app.record.signing_key import SigningKey
from tests.ui.conftest import screenshot
from tests.ui.test_org_wizard import TIMEOUT, scanned
from ui.org.delete_dialog import DeleteRootCredentialsDialog
from ui.org.path import OrgPage

NO_MFA = practice_org.PASSWORD_NO_MFA  # members with a root password and no MFA


class TypedDeletion:
    """Answers the real deletion dialog: types what it is told (or what the dialog asks)."""

    def __init__(self, typed: str | None = None) -> None:
        self.typed, self.listings = typed, []
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(self._look)
        self.timer.start()

    def _look(self) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, DeleteRootCredentialsDialog) and dialog.isVisible() and not getattr(dialog, "_answered", False):
            dialog._answered = True
            self.listings.append(dialog.listing.toPlainText())
            dialog.word.setText(self.typed if self.typed is not None else dialog.wanted)
            if dialog.ok.isEnabled():
                screenshot(dialog, "org-wizard-delete-confirmation")
                dialog.ok.click()
            else:
                dialog.reject()


def filter_to(page, text: str) -> None:
    page.text_filter.setText(text)


def test_fix_review_sign_and_export(qtbot, practice_wizard, monkeypatch, tmp_path):
    wizard = practice_wizard
    page = scanned(qtbot, wizard)
    page.verdict_filter.setCurrentIndex(page.verdict_filter.findText("Fail"))
    filter_to(page, practice_org.member_id(NO_MFA[0])[:-1])  # 21000000000x: members 1–9 among the failing
    shown = page.with_root_credentials()
    assert practice_org.member_id(NO_MFA[0]) in shown and all(i.startswith("21000000000") for i in shown)
    screenshot(wizard, "org-wizard-results-filtered")

    wrong = TypedDeletion(typed="DELETE 1")
    page.delete_button.click()
    qtbot.waitUntil(lambda: bool(wrong.listings) and not wizard.org.busy, timeout=TIMEOUT)
    wrong.timer.stop()
    assert "Not confirmed: nothing was changed." in page.fix_state.text()
    assert moto_gaps.extras(practice_org.member_id(NO_MFA[0])).root.password  # untouched

    right = TypedDeletion()
    page.delete_button.click()
    qtbot.waitUntil(lambda: bool(right.listings) and not wizard.org.busy, timeout=TIMEOUT)
    right.timer.stop()
    assert f"Will change {len(shown)} account(s)" in right.listings[0]
    assert f"{len(shown)} of {len(shown)} account(s) now credential-free" in page.fix_state.text()
    for account in shown:
        root = moto_gaps.extras(account).root
        assert not root.password and not root.access_keys and not root.signing_certificates
    assert page.with_root_credentials() == []  # the table shows the re-audits
    screenshot(wizard, "org-wizard-results-after-deletion")

    wizard.next()
    assert wizard.currentId() == OrgPage.REVIEW
    review = wizard.currentPage()
    assert "Changes this session:" in review.summary.text() and not review.isComplete()
    qtbot.keyClicks(review.operator, "Dana Admin")
    assert review.isComplete()
    screenshot(wizard, "org-wizard-review")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == OrgPage.DONE, timeout=TIMEOUT)
    done = wizard.currentPage()
    saved = wizard.org.saved
    assert saved.record_id in done.where.text()
    qtbot.waitUntil(done.export_pdf.isEnabled, timeout=TIMEOUT)
    key = SigningKey(wizard.session.keyring_backend, practice=True).public_key(create=False)
    record = verify_bytes(saved.path.read_bytes(), key)
    p = record.predicate
    assert p["operator"] == "Dana Admin" and p["practice"] is True
    deleted = {e["account_id"] for e in p["change_log"] if e["kind"] == "delete-root-credential" and e["outcome"] == "done"}
    assert deleted == set(shown)
    for account in shown:
        assert {f["status"] for f in record.account(account)["findings"] if not f["id"].startswith("member.contacts.")} \
            <= {"pass", "not_applicable"}
    screenshot(wizard, "org-wizard-done")

    target = tmp_path / "org-report.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))  # the OS file chooser
    done.export_pdf.click()
    assert target.exists() and target.read_bytes().startswith(b"%PDF") and done.exported == target
    assert str(target) in done.state.text()


class AnswerContactDialogs:
    """Fills the real contact form (first with a bad e-mail, which it must refuse) and accepts
    the real listing confirmation, keeping what it listed."""

    def __init__(self) -> None:
        from ui.org.contacts_dialog import ContactFormDialog, ListingConfirmation

        self.form_type, self.listing_type = ContactFormDialog, ListingConfirmation
        self.refused, self.listings = [], []
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(self._look)
        self.timer.start()

    def _look(self) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, self.form_type) and dialog.isVisible() and not getattr(dialog, "_answered", False):
            dialog._answered = True
            dialog.kind.setCurrentIndex(dialog.kind.findData("SECURITY"))
            for label, value in (("Name", "<b>Sec</b> Team"), ("Title", "Security"), ("E-mail", "not-an-address"),
                                 ("Phone", "+1 206 555 0100")):
                dialog.edits[label].setText(value)
            dialog.ok.click()
            self.refused.append(dialog.problems.text() if dialog.isVisible() else "")
            dialog.edits["E-mail"].setText("security@example.com")
            screenshot(dialog, "org-wizard-contact-form")
            dialog.ok.click()
        elif isinstance(dialog, self.listing_type) and dialog.isVisible() and not getattr(dialog, "_answered", False):
            dialog._answered = True
            self.listings.append(dialog.listing.toPlainText())
            screenshot(dialog, "org-wizard-contact-confirmation")
            dialog.ok.click()


def test_add_a_missing_contact_in_the_shown_accounts(qtbot, practice_wizard):
    wizard = practice_wizard
    page = scanned(qtbot, wizard)
    page.verdict_filter.setCurrentIndex(page.verdict_filter.findText("Fail"))
    filter_to(page, "21000000002")  # members 20–29: 20–25 miss contacts
    shown = {m.id for m in page.shown_members()}
    missing = {practice_org.member_id(n) for n in practice_org.MISSING_SECURITY_CONTACT + (practice_org.NO_CONTACTS,)}
    assert shown == missing
    answers = AnswerContactDialogs()
    page.contact_button.click()
    qtbot.waitUntil(lambda: bool(answers.listings) and not wizard.org.busy, timeout=TIMEOUT)
    answers.timer.stop()
    assert "E-mail: is not a valid address" in answers.refused[0]  # validated before any call
    listing = answers.listings[0]
    assert all(account in listing for account in missing) and "add security contact: (none) → name <b>Sec</b> Team" in listing
    assert f"Contact added in {len(missing)} of {len(missing)} account(s)." in page.fix_state.text()
    by_id = {m.member.id: m for m in wizard.org.result.members}
    for account in missing:
        security = next(f for f in by_id[account].findings if f.id == "member.contacts.security")
        assert security.status.value == "pass"
    log = [e for e in wizard.org.work.change_log if e["kind"] == "put-alternate-contact"]
    assert {e["account_id"] for e in log} == missing and {e["outcome"] for e in log} == {"done"}


def test_leaving_the_table_while_a_deletion_is_planned_asks_nothing_and_changes_nothing(qtbot, practice_wizard):
    wizard = practice_wizard
    page = scanned(qtbot, wizard)
    filter_to(page, practice_org.member_id(NO_MFA[0]))
    watcher = TypedDeletion()
    page.delete_button.click()
    wizard.back()  # to the audit page, before the plan is ready
    qtbot.waitUntil(lambda: not wizard.org.busy, timeout=TIMEOUT)
    watcher.timer.stop()
    assert watcher.listings == [] and "nothing was changed" in page.fix_state.text()
    assert moto_gaps.extras(practice_org.member_id(NO_MFA[0])).root.password
