"""Done: the signed record, its key fingerprint, the PDF report (export, print, preview), and the
last deferred change (the root key this session used), which runs now."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from ui.widgets.schedule_box import ScheduleBox
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWizardPage

from app.text.checklist import tally
from app.session import WizardSession
from ui import errors
from ui.tasks import change_pool, run_task
from ui.plain import escape

ADVICE = (
    "<b>What next</b><ul>"
    "<li>Keep the root password and MFA devices somewhere safe, and the spare device apart from the first.</li>"
    "<li>Give auditors the record, the PDF and your public key (<code>rootwarden key export</code>); they can verify "
    "the record with OpenSSL and jq alone.</li>"
    "<li>Re-verify every few months, or from a scheduled job: <code>rootwarden verify --profile NAME</code> "
    "exits non-zero when something regressed.</li>"
    "<li>Confirm any pending alert subscription from the e-mail AWS sent.</li></ul>")


class DonePage(QWizardPage):
    def __init__(self, session: WizardSession) -> None:
        super().__init__()
        self.session = session
        self.record_view = None  # the saved record, verified, for the report
        self.printer = None  # kept alive while a print or preview dialog uses it
        self.setTitle("Done")
        self.setFinalPage(True)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Result summary")
        layout.addWidget(self.summary)
        self.path = QLabel()
        self.path.setWordWrap(True)
        self.path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path.setAccessibleName("Record location and signature")
        layout.addWidget(self.path)
        row = QHBoxLayout()
        self.export_pdf = QPushButton("Export &PDF…")
        self.print_button = QPushButton("P&rint…")
        self.preview_button = QPushButton("Pre&view…")
        self.open_folder = QPushButton("Open &folder")
        for button, name, slot in ((self.export_pdf, "Export the report as PDF", self.export),
                                   (self.print_button, "Print the report", self.print_report),
                                   (self.preview_button, "Preview the printed report", self.preview),
                                   (self.open_folder, "Open the folder with the record", self._open_folder)):
            button.setAccessibleName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        self.sign_button = QPushButton("&Sign now")
        self.sign_button.setAccessibleName("Sign the record now")
        self.sign_button.setToolTip("Sign this session's record once the keyring works (unlock it or start it, then press this).")
        self.sign_button.clicked.connect(self.sign_again)
        self.sign_button.hide()
        row.insertWidget(0, self.sign_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.deferred = QLabel()
        self.deferred.setWordWrap(True)
        layout.addWidget(self.deferred)
        self.schedule_box = ScheduleBox(session)
        layout.addWidget(self.schedule_box)
        advice = QLabel(ADVICE)
        advice.setWordWrap(True)
        layout.addWidget(advice)
        layout.addStretch(1)

    def initializePage(self) -> None:
        s = self.session
        self.setSubTitle(f"AWS account {s.identity.account_id}" + (f" ({s.identity.alias})" if s.identity.alias else ""))
        self.summary.setText(f"<b>{tally(s.findings_in_order())}</b><br>Changes made: {len(s.audit.entries())}. "
                             f"Steps skipped: {len(s.skipped)}.")
        self._show_record()
        self.schedule_box.refresh()
        if s.deferred:
            self._run_deferred()

    def _show_record(self) -> None:
        s = self.session
        signed = s.signed_record is not None
        for button in (self.export_pdf, self.print_button, self.preview_button):
            button.setEnabled(False)
        self.sign_button.setVisible(not signed and s.saved_predicate is not None)
        self.sign_button.setEnabled(True)
        if signed:
            self.path.setText(f"<b>Signed record saved</b> at<br><code>{escape(s.saved_path)}</code><br>Record ID (sha256): "
                              f"<code>{s.signed_record.record_id}</code><br>Signing key fingerprint: <code>{s.signed_record.keyid}</code>")
            self._load_record()
        else:
            self.path.setText(f"<b style='color:#d64541'>The record is NOT signed</b> ({escape(s.unsigned_reason)})<br>"
                              f"An unsigned summary is at <code>{escape(s.saved_path)}</code>. Fix the keyring, then press "
                              "<b>Sign now</b>; a PDF exported meanwhile says UNSIGNED on every page.")
            if s.saved_predicate is not None:
                from app.text.report import UnsignedSummary

                self._record_loaded(UnsignedSummary(s.saved_predicate))

    def sign_again(self) -> None:
        """Sign the saved session once the keyring works (off the UI thread: keyring and disk)."""
        from ui.pages.review import sign_or_keep_unsigned

        predicate, backend = self.session.saved_predicate, self.session.keyring_backend
        self.sign_button.setEnabled(False)
        run_task(lambda p, c: sign_or_keep_unsigned(predicate, backend, keep_unsigned=False), self._signed_again,
                 self._sign_failed, pool=change_pool())

    def _signed_again(self, result: tuple) -> None:
        self.session.signed_record, self.session.saved_path, self.session.unsigned_reason = result
        self._show_record()

    def _sign_failed(self, error: Exception) -> None:
        self.sign_button.setEnabled(True)
        errors.show_error(self, error)

    def _load_record(self) -> None:
        from app.record.completion import read, verify_bytes
        from app.record.signing_key import SigningKey

        path, backend, practice = self.session.saved_path, self.session.keyring_backend, self.session.flow.practice
        run_task(lambda p, c: verify_bytes(read(path), SigningKey(backend, practice=practice).public_key(create=False)),
                 self._record_loaded, lambda e: errors.show_error(self, e))

    def _record_loaded(self, record) -> None:
        self.record_view = record
        for button in (self.export_pdf, self.print_button, self.preview_button):
            button.setEnabled(True)

    # -- the report -------------------------------------------------------------------------
    def export(self) -> None:
        suffix = self.record_view.record_id[:8] or "UNSIGNED"
        default = str(Path.home() / f"rootwarden-{self.record_view.account_id}-{suffix}.pdf")
        target, _ = QFileDialog.getSaveFileName(self, "Export the report as PDF", default, "PDF (*.pdf)")
        if not target:
            return
        from ui.report_pdf import write_pdf

        try:
            write_pdf(self.record_view, Path(target), "letter" if _letter_locale() else "a4")
        except OSError as error:
            errors.show_error(self, errors.RootwardenError(f"The PDF could not be written: {error}. Choose another folder."))
            return
        self.exported = Path(target)
        self.deferred.setText(f"Report exported to {escape(target)}.")

    def _printer(self):
        from PySide6.QtPrintSupport import QPrinter

        from ui.report_pdf import page_layout

        if self.printer is None:
            self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            self.printer.setPageLayout(page_layout("letter" if _letter_locale() else "a4"))
        return self.printer

    def _paint(self, printer) -> None:
        from ui.report_pdf import paint_pages

        paint_pages(self.record_view, printer)

    def print_report(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog

        dialog = QPrintDialog(self._printer(), self)
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self._paint(self._printer())

    def preview(self) -> None:
        from PySide6.QtPrintSupport import QPrintPreviewDialog

        self.preview_dialog = QPrintPreviewDialog(self._printer(), self)
        self.preview_dialog.paintRequested.connect(self._paint)
        self.preview_dialog.open()

    # -- the last change ----------------------------------------------------------------------
    def _run_deferred(self) -> None:
        fixes, aws, audit = list(self.session.deferred), self.session.aws, self.session.audit
        account = self.session.identity.account_id
        self.session.deferred.clear()
        self.deferred.setText("Deleting the root access key this session used…")

        def operation(progress, cancelled):
            for fix in fixes:
                fix.apply(aws, audit, account)

        run_task(operation,
                 lambda _: self.deferred.setText("The root access key this session used has been deleted. The record lists it "
                                                 "as a pending change; a later re-verification confirms it."),
                 lambda e: self.deferred.setText(f"<b>The key in use could not be deleted:</b> {escape(e)} Delete it in the console "
                                                 "(Security credentials)."),
                 pool=change_pool())

    def _open_folder(self) -> None:
        if self.session.saved_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.session.saved_path.parent)))


def _letter_locale() -> bool:
    from PySide6.QtCore import QLocale

    return QLocale().territory() in (QLocale.Country.UnitedStates, QLocale.Country.Canada, QLocale.Country.Mexico)
