"""Done, Organization path: where the signed organization record is, its ID and key
fingerprint, what drifted since the previous organization record (per account), how a third
party checks one account, and *Export PDF…* (the organization report, rendered from the record
as verified from disk, off the UI thread). UI thread only.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWizardPage

from app.text_safety import for_terminal
from ui import errors
from ui.org.path import OrgState
from ui.plain import plain_label
from ui.tasks import run_task
from ui.widgets.controls import button

DRIFT_SHOWN = 500


class OrgDonePage(QWizardPage):
    def __init__(self, session: Any, org: OrgState) -> None:
        super().__init__()
        self.session, self.org = session, org
        self.record: Any = None  # the VerifiedOrgRecord read back from disk
        self.exported: Path | None = None
        self.setTitle("Done")
        self.setSubTitle("The organization record is signed and saved.")
        layout = QVBoxLayout(self)
        self.where = plain_label()
        self.where.setAccessibleName("Where the record is")
        layout.addWidget(self.where)
        self.drift = QPlainTextEdit(readOnly=True)
        self.drift.setAccessibleName("Changes since the previous organization record")
        self.drift.setMaximumHeight(self.drift.fontMetrics().lineSpacing() * 10)
        layout.addWidget(self.drift)
        self.how = plain_label()
        layout.addWidget(self.how)
        bar = QHBoxLayout()
        self.export_pdf = button("&Export PDF…", "Export the organization report as PDF", self.export)
        self.export_pdf.setEnabled(False)
        self.open_folder = button("Open &folder", "Open the folder with the record", self._open_folder)
        bar.addWidget(self.export_pdf)
        bar.addWidget(self.open_folder)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.state = plain_label()
        layout.addWidget(self.state)
        layout.addStretch(1)

    def initializePage(self) -> None:
        saved = self.org.saved
        if saved is None:
            return
        self.where.setText(f"Record {saved.record_id}\nsaved to {saved.path}\nsigned by key {saved.keyid} "
                           "(give auditors `rootwarden key export` and this fingerprint, out of band).")
        if saved.drift:
            lines = [for_terminal(d.describe()) for d in saved.drift[:DRIFT_SHOWN]]
            if len(saved.drift) > DRIFT_SHOWN:
                lines.append(f"… and {len(saved.drift) - DRIFT_SHOWN} more")
            self.drift.setPlainText("Since the previous organization record:\n" + "\n".join(lines))
        else:
            self.drift.setPlainText("Nothing changed since the previous organization record." if saved.note is None and
                                    self._has_previous() else "No earlier organization record to compare with.")
        self.how.setText(f"Check the whole record: rootwarden record verify \"{saved.path}\"\n"
                         f"Give one member account its part: rootwarden record extract \"{saved.path}\" --account ID --out F "
                         "(sha256sum F equals that account's subject digest).")
        self._load_record()

    def _has_previous(self) -> bool:
        return self.record is not None and bool(self.record.predicate.get("previous_record"))

    def _load_record(self) -> None:
        from app.org.record import verify_bytes
        from app.record.completion import read
        from app.record.signing_key import SigningKey

        path, backend, practice = self.org.saved.path, self.session.keyring_backend, self.session.flow.practice
        run_task(lambda p, c: verify_bytes(read(path), SigningKey(backend, practice=practice).public_key(create=False)),
                 self._loaded, lambda e: errors.show_error(self, e))

    def _loaded(self, record: Any) -> None:
        self.record = record
        self.export_pdf.setEnabled(True)
        if not self.org.saved.drift:
            self.drift.setPlainText("Nothing changed since the previous organization record." if self._has_previous()
                                    else "No earlier organization record to compare with.")

    def export(self) -> None:
        if self.record is None:
            return
        default = str(Path.home() / f"rootwarden-{self.record.organization_id}-{self.record.record_id[:8]}.pdf")
        target, _ = QFileDialog.getSaveFileName(self, "Export the organization report as PDF", default, "PDF (*.pdf)")
        if not target:
            return
        from ui.org_report_pdf import write_pdf

        # On the UI thread, as the single-account report: Qt's text layout and fonts are kept to it.
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = write_pdf(self.record, Path(target))
        except OSError as error:
            self._export_failed(error)
            return
        finally:
            QApplication.restoreOverrideCursor()
        self._exported(written)

    def _exported(self, path: Path) -> None:
        self.exported = Path(path)
        self.export_pdf.setEnabled(True)
        self.state.setText(f"Report exported to {path}.")

    def _export_failed(self, error: Exception) -> None:
        self.export_pdf.setEnabled(True)
        self.state.setText("The report was not written.")
        if isinstance(error, OSError):
            error = errors.RootwardenError(f"The PDF could not be written: {error}. Choose another folder.")
        errors.show_error(self, error)

    def _open_folder(self) -> None:
        if self.org.saved is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.org.saved.path.parent)))
