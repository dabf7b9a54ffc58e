"""Done: the record is saved; the last deferred change (the root key in use) runs now."""
from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWizardPage

from app.checklist_text import tally
from app.session import WizardSession
from ui.tasks import change_pool, run_task


class DonePage(QWizardPage):
    def __init__(self, session: WizardSession) -> None:
        super().__init__()
        self.session = session
        self.setTitle("Done")
        self.setFinalPage(True)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Result summary")
        layout.addWidget(self.summary)
        self.path = QLabel()
        self.path.setWordWrap(True)
        self.path.setAccessibleName("Record location")
        layout.addWidget(self.path)
        self.open_folder = QPushButton("Open &folder")
        self.open_folder.setAccessibleName("Open the folder with the record")
        self.open_folder.clicked.connect(self._open_folder)
        layout.addWidget(self.open_folder, 0, Qt.AlignmentFlag.AlignLeft)
        self.deferred = QLabel()
        self.deferred.setWordWrap(True)
        layout.addWidget(self.deferred)
        advice = QLabel(
            "<b>What next</b><ul>"
            "<li>Keep the root password and MFA devices somewhere safe, and the spare device apart from the first.</li>"
            "<li>Re-verify every few months, or from a scheduled job: <code>rootwarden verify --aws-profile NAME</code> "
            "exits non-zero when something regressed.</li>"
            "<li>Confirm any pending alert subscription from the e-mail AWS sent.</li></ul>")
        advice.setWordWrap(True)
        layout.addWidget(advice)
        layout.addStretch(1)

    def initializePage(self) -> None:
        s = self.session
        self.setSubTitle(f"AWS account {s.identity.account_id}" + (f" ({s.identity.alias})" if s.identity.alias else ""))
        self.summary.setText(f"<b>{tally(s.findings_in_order())}</b><br>Changes made: {len(s.audit.entries())}. "
                             f"Steps skipped: {len(s.skipped)}.")
        self.path.setText(f"The record of this session is saved at:<br><code>{s.saved_path}</code>")
        if s.deferred:
            self._run_deferred()

    def _run_deferred(self) -> None:
        fixes, aws, audit = list(self.session.deferred), self.session.aws, self.session.audit
        self.session.deferred.clear()
        self.deferred.setText("Deleting the root access key this session used…")

        def operation(progress, cancelled):
            for fix in fixes:
                fix.apply(aws, audit)

        run_task(operation,
                 lambda _: self.deferred.setText("The root access key this session used has been deleted. A later "
                                                 "re-verification confirms it (this session can no longer sign requests)."),
                 lambda e: self.deferred.setText(f"<b>The key in use could not be deleted:</b> {e} Delete it in the console "
                                                 "(Security credentials)."),
                 pool=change_pool())

    def _open_folder(self) -> None:
        if self.session.saved_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.session.saved_path.parent)))
