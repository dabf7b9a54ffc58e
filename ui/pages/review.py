"""Review & sign: every check's final status (checked again, live), the audit log of this
session's changes, skipped steps with reasons, operator name and notes. A commit page: saving
the record cannot be undone from the wizard."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QFormLayout, QGroupBox, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWizard, QWizardPage)

from app import storage
from app.session import WizardSession
from ui import errors
from ui.check_runs import CheckRunController
from ui.tasks import change_pool, run_task
from ui.style import STATUS_COLOURS, STATUS_WORDS
from ui.plain import escape, plain_tooltip


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    table.setWordWrap(True)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().lineSpacing() + 8)  # compact rows; wrapped ones grow
    return table


class ReviewPage(QWizardPage):
    def __init__(self, session: WizardSession) -> None:
        super().__init__()
        self.session = session
        self.setTitle("Review and sign the record")
        self.setSubTitle("The final, live status of every check, and every change made in this session.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Sign and save the record")
        self.checks = _table(["Step", "Check", "Status", "Summary"], "Final status of every check")
        self.audit = _table(["Time (UTC)", "Change", "Result"], "Audit log of this session")
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self._fit_audit)
        self.audit.horizontalHeader().sectionResized.connect(lambda *_: self._refit.start())
        self.skips = QLabel()
        self.skips.setWordWrap(True)
        self.operator = QLineEdit(placeholderText="Your name")
        self.operator.setAccessibleName("Operator name")
        self.operator.textChanged.connect(lambda _: self._say_state())
        self.notes = QPlainTextEdit(placeholderText="Notes for the record (optional)")
        self.notes.setAccessibleName("Notes")
        self.notes.setMaximumHeight(self.notes.fontMetrics().lineSpacing() * 3 + 12)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setAccessibleName("Review status")
        layout = QVBoxLayout(self)
        layout.addWidget(self.checks, 3)
        self.changes = changes = QGroupBox("Changes made in this session")
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
        self._saving = False

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
            title = QTableWidgetItem(f.info.title)
            title.setToolTip(plain_tooltip(f.id))  # the ID, for matching the CLI and the record
            summary = QTableWidgetItem(f.summary)
            summary.setToolTip(plain_tooltip(f.summary))  # AWS data (contact names…): never markup
            for col, item in enumerate((QTableWidgetItem(str(int(f.step))), title, status, summary)):
                self.checks.setItem(row, col, item)
        self.checks.resizeColumnsToContents()
        self.checks.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        entries = self.session.audit.entries()
        self.audit.setRowCount(len(entries))
        for row, e in enumerate(entries):
            for col, text in enumerate((e.at.strftime("%H:%M:%S"), f"{e.fix}: {e.what}", e.result)):
                self.audit.setItem(row, col, QTableWidgetItem(text))
        header = self.audit.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the change wraps instead of scrolling sideways
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.checks.resizeRowsToContents()
        self._fit_audit()
        self.layout().setStretchFactor(self.checks, max(len(findings), 3))
        self.layout().setStretchFactor(self.changes, max(len(entries), 3))
        if not entries:
            self.audit.setRowCount(1)
            self.audit.setItem(0, 1, QTableWidgetItem("No changes were made."))
        skipped = self.session.skipped
        self.skips.setText("<b>Skipped:</b> " + "; ".join(f"Step {int(s)} {s.title} — “{escape(r)}”" for s, r in sorted(skipped.items()))
                           if skipped else "No step was skipped.")
        self._say_state()

    def _fit_audit(self) -> None:
        """Rows as tall as their wrapped text, and a box that shows up to ten of them: computed
        again whenever the table's width changes (wrapping depends on it)."""
        self.audit.resizeRowsToContents()
        self.checks.resizeRowsToContents()
        # Each table gets room in proportion to its rows: more changes, a taller audit log.
        shown = sum(self.audit.rowHeight(r) for r in range(min(self.audit.rowCount(), 10)))  # up to ten rows, as wrapped
        rows = self.audit.fontMetrics().lineSpacing() + 8
        self.audit.setMinimumHeight(max(rows * 4, shown + self.audit.horizontalHeader().height() + 2 * self.audit.frameWidth()))

    def _say_state(self) -> None:
        """The status line tells what Sign is waiting for, in the order the user meets it."""
        if self._saving:
            return
        deferred = [f.plan()[0].describe() for f in self.session.deferred]
        if self.runs.busy:
            text = "Still checking…"
        else:
            text = "Ready to sign and save." if self.operator.text().strip() else "Enter the operator's name to sign."
            text += " After saving: " + "; ".join(deferred) if deferred else ""
        self.state.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.runs.busy and not self._saving and bool(self.operator.text().strip())

    def validatePage(self) -> bool:
        """Signing runs off the UI thread: the first press starts it, success moves on."""
        if self.session.saved_path is not None:
            return True
        if not self._saving:
            self._save()
        return False

    def _save(self) -> None:
        self.session.operator = self.operator.text().strip()
        self.session.notes = self.notes.toPlainText().strip()
        predicate = self.session.predicate()  # built here, on the UI thread that owns the session
        self.session.saved_predicate = predicate
        backend = self.session.keyring_backend
        self._saving = True
        self.state.setText("Signing and saving the record…")
        self.completeChanged.emit()
        run_task(lambda p, c: sign_or_keep_unsigned(predicate, backend), self._saved, self._save_failed, pool=change_pool())

    def _saved(self, result: tuple) -> None:
        self._saving = False
        self.session.signed_record, self.session.saved_path, self.session.unsigned_reason = result
        if self.session.unsigned_reason:
            errors.show_error(self, errors.RootwardenError(
                f"The record was NOT signed: {self.session.unsigned_reason}\n\nAn unsigned summary was saved instead, "
                f"clearly marked as unsigned: {self.session.saved_path.name}. Fix the keyring and sign with "
                "`rootwarden verify --sign` to get a record an auditor can verify."))
        self.wizard().next()

    def _save_failed(self, error: Exception) -> None:
        self._saving = False
        self.state.setText("The record was not saved.")
        self.completeChanged.emit()
        if isinstance(error, OSError):
            error = errors.RootwardenError(f"The record could not be saved: {error.strerror or error}. "
                                           "Check the disk and folder permissions, then press Save again.")
        errors.show_error(self, error)


def sign_or_keep_unsigned(predicate: dict, backend: object, keep_unsigned: bool = True) -> tuple:
    """(SavedRecord or None, path, reason unsigned or None). Worker thread: keyring and disk.
    Without a keyring, an unsigned summary is saved (``keep_unsigned``) or the error raised."""
    from app.keyring_access import KeyringUnavailable
    from app.record import history
    from app.record.signing_key import SigningKey

    practice = bool(predicate.get("practice"))
    try:
        key = SigningKey(backend, practice=practice)  # the practice account has its own key and folder
        key.private_key()
    except KeyringUnavailable as error:
        if not keep_unsigned:
            raise
        document = {"signed": False, "why_unsigned": str(error), **predicate}
        path = storage.save_new(storage.account_dir(predicate["account_id"], practice=practice), "UNSIGNED-summary", document)
        return None, path, str(error)
    saved = history.sign_and_save(predicate, key)  # links the previous record of the account's folder
    return saved, saved.path, None
