"""Review & sign: every check's final status (checked again, live), the audit log of this
session's changes, skipped steps with reasons, operator name and notes. A commit page: saving
the record cannot be undone from the wizard."""
from __future__ import annotations

from PySide6.QtWidgets import (QFormLayout, QGroupBox, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWizard, QWizardPage)

from app import storage
from app.session import WizardSession
from ui import errors
from ui.check_runs import CheckRunController
from ui.style import STATUS_COLOURS, STATUS_WORDS


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    table.setWordWrap(True)
    return table


class ReviewPage(QWizardPage):
    def __init__(self, session: WizardSession) -> None:
        super().__init__()
        self.session = session
        self.saved_path = None
        self.setTitle("Review and save the record")
        self.setSubTitle("The final, live status of every check, and every change made in this session.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Save the record")
        self.checks = _table(["Step", "Check", "Status", "Summary"], "Final status of every check")
        self.audit = _table(["Time (UTC)", "Change", "Result"], "Audit log of this session")
        self.skips = QLabel()
        self.skips.setWordWrap(True)
        self.operator = QLineEdit(placeholderText="Your name")
        self.operator.setAccessibleName("Operator name")
        self.operator.textChanged.connect(lambda _: self.completeChanged.emit())
        self.notes = QPlainTextEdit(placeholderText="Notes for the record (optional)")
        self.notes.setAccessibleName("Notes")
        self.notes.setMaximumHeight(70)
        self.state = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.checks, 3)
        changes = QGroupBox("Changes made in this session")
        QVBoxLayout(changes).addWidget(self.audit)
        layout.addWidget(changes, 2)
        layout.addWidget(self.skips)
        form = QFormLayout()
        form.addRow("Operator:", self.operator)
        form.addRow("Notes:", self.notes)
        layout.addLayout(form)
        layout.addWidget(self.state)
        self.runs = CheckRunController(session, {}, lambda e: errors.show_error(self, e))
        self.runs.finished.connect(self._fill)

    def initializePage(self) -> None:
        self.state.setText("Checking every item one last time…")
        self.runs.run(self.session.checks_for(None))
        self._fill()

    def cleanupPage(self) -> None:
        self.runs.cancel()

    def _fill(self) -> None:
        findings = self.session.findings_in_order()
        self.checks.setRowCount(len(findings))
        for row, f in enumerate(findings):
            status = QTableWidgetItem(STATUS_WORDS[f.status])
            status.setForeground(STATUS_COLOURS[f.status])
            for col, item in enumerate((QTableWidgetItem(str(int(f.step))), QTableWidgetItem(f.id), status, QTableWidgetItem(f.summary))):
                self.checks.setItem(row, col, item)
        self.checks.resizeColumnsToContents()
        self.checks.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        entries = self.session.audit.entries()
        self.audit.setRowCount(len(entries))
        for row, e in enumerate(entries):
            for col, text in enumerate((e.at.strftime("%H:%M:%S"), f"{e.fix}: {e.what}", e.result)):
                self.audit.setItem(row, col, QTableWidgetItem(text))
        self.audit.resizeColumnsToContents()
        self.audit.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        if not entries:
            self.audit.setRowCount(1)
            self.audit.setItem(0, 1, QTableWidgetItem("No changes were made."))
        skipped = self.session.skipped
        self.skips.setText("<b>Skipped:</b> " + "; ".join(f"Step {int(s)} {s.title} — “{r}”" for s, r in sorted(skipped.items()))
                           if skipped else "No step was skipped.")
        deferred = [f.plan()[0].describe() for f in self.session.deferred]
        self.state.setText("Still checking…" if self.runs.busy else
                           ("After saving: " + "; ".join(deferred) if deferred else "Ready to save."))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.runs.busy and bool(self.operator.text().strip())

    def validatePage(self) -> bool:
        self.session.operator = self.operator.text().strip()
        self.session.notes = self.notes.toPlainText().strip()
        try:
            folder = storage.account_dir(self.session.identity.account_id)
            self.saved_path = storage.save_new(folder, "session", self.session.summary_document())
        except OSError as error:
            errors.show_error(self, errors.RootwardenError(f"The record could not be saved: {error.strerror or error}. "
                                                           "Check the disk and folder permissions, then try again."))
            return False
        self.session.saved_path = self.saved_path
        return True

