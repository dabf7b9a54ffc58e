"""Review & sign, Organization path (SPEC §12 "Record"): what the signed organization record
will hold — coverage, accounts by verdict, the changes made this session — the operator's name
and notes, then *Sign and save*. The record is signed with the local key (the practice
organization's own key in practice) off the UI thread; without a working keyring nothing is
saved and the page says why (an organization record is evidence only when signed).
UI thread only.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLineEdit, QPlainTextEdit, QVBoxLayout, QWizard, QWizardPage

from app.model import Status
from app.org.summary import account_verdict, coverage_line
from ui import errors
from ui.org.path import OrgState
from ui.plain import plain_label
from ui.tasks import change_pool, run_task


def sign_org_record(predicate: dict[str, Any], backend: Any) -> Any:
    """Worker thread: keyring and disk. The ``SavedOrgRecord``."""
    from app.org.record import sign_and_save
    from app.record.signing_key import SigningKey

    return sign_and_save(predicate, SigningKey(backend, practice=bool(predicate.get("practice"))))


class OrgReviewPage(QWizardPage):
    def __init__(self, session: Any, org: OrgState) -> None:
        super().__init__()
        self.session, self.org = session, org
        self._saving = False
        self.setTitle("Review & sign")
        self.setSubTitle("The signed organization record: every account's findings, its subject digest, the root sessions "
                         "and the changes made.")
        self.setCommitPage(True)
        layout = QVBoxLayout(self)
        self.summary = plain_label()
        self.summary.setAccessibleName("What the record will hold")
        layout.addWidget(self.summary)
        form = QFormLayout()
        self.operator = QLineEdit()
        self.operator.setAccessibleName("Operator's name")
        self.operator.setPlaceholderText("Your name, as the record should show it")
        self.operator.textChanged.connect(self._operator_changed)
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Notes")
        self.notes.setPlaceholderText("Optional: ticket, scope, why some accounts were left out…")
        self.notes.setMaximumHeight(self.notes.fontMetrics().lineSpacing() * 5)
        form.addRow("&Operator:", self.operator)
        form.addRow("&Notes:", self.notes)
        layout.addLayout(form)
        self.state = plain_label("Enter the operator's name to sign.")
        self.state.setAccessibleName("Signing state")
        layout.addWidget(self.state)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Sign and save the record")
        scan = self.org.result
        if scan is None:
            self.summary.setText("No audit to record yet: go back and audit the member accounts.")
            return
        verdicts = [account_verdict(m) for m in scan.members]
        counts = ", ".join(f"{verdicts.count(s)} {s.word.lower()}" for s in (Status.FAIL, Status.UNKNOWN, Status.WARN,
                                                                               Status.PASS, Status.NOT_APPLICABLE) if s in verdicts)
        changes = self.org.work.change_log
        done = sum(1 for c in changes if c.get("outcome") == "done")
        lines = [f"Organization {scan.organization_id} (management account {scan.management_account_id})",
                 coverage_line(scan), f"Accounts by verdict: {counts}.",
                 f"Changes this session: {len(changes)} listed, {done} made." if changes else "No changes were made this session.",
                 "Each account becomes a subject of the record (aws-account/<id>, sha256 of its findings): "
                 "`rootwarden record extract FILE --account ID` lets a third party check one account."]
        if scan.cancelled:
            lines.insert(2, "The audit was cancelled: accounts not audited are recorded as unknown (cancelled).")
        self.summary.setText("\n".join(lines))

    def _operator_changed(self, text: str) -> None:
        if not self._saving:
            self.state.setText("Ready to sign: Sign and save the record." if text.strip() else "Enter the operator's name to sign.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.org.result is not None and bool(self.operator.text().strip()) and not self._saving

    def validatePage(self) -> bool:
        """Signing runs off the UI thread: the first press starts it, success moves on."""
        if self.org.saved is not None:
            return True
        if not self._saving:
            self._save()
        return False

    def _save(self) -> None:
        predicate = self.org.work.predicate(self.operator.text().strip(), self.notes.toPlainText().strip())
        backend = self.session.keyring_backend
        self._saving = True
        self.state.setText("Signing and saving the record…")
        self.completeChanged.emit()
        run_task(lambda p, c: sign_org_record(predicate, backend), self._saved, self._failed, pool=change_pool())

    def _saved(self, saved: Any) -> None:
        self._saving = False
        self.org.saved = saved
        self.wizard().next()

    def _failed(self, error: Exception) -> None:
        self._saving = False
        self.state.setText("The record was not saved: nothing was signed. Fix what the message says, then sign again.")
        self.completeChanged.emit()
        if isinstance(error, OSError):
            error = errors.RootwardenError(f"The record could not be saved: {error.strerror or error}. "
                                           "Check the disk and folder permissions, then sign again.")
        errors.show_error(self, error)
