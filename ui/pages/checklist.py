"""Re-verify: every check at once, grouped by step, with the same cards as the step pages."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QScrollArea, QVBoxLayout, QWidget, QWizardPage

from app.text.checklist import tally
from app.model import Step
from app.session import WizardSession
from ui import errors
from ui.check_runs import CheckRunController
from ui.tasks import run_task
from ui.widgets.controls import button
from ui.widgets.check_card import CheckCard
from ui.plain import escape


class ChecklistPage(QWizardPage):
    def __init__(self, session: WizardSession) -> None:
        super().__init__()
        self.session = session
        self.setTitle("Re-verification checklist")
        self.setSubTitle("Every root-hardening check, live, grouped by the six steps.")
        self.cards: dict[str, CheckCard] = {}
        body = QWidget()
        column = QVBoxLayout(body)
        self.drift = QLabel()
        self.drift.setWordWrap(True)
        self.drift.setAccessibleName("Changes since the last record")
        self.drift.hide()
        column.addWidget(self.drift)
        for step in Step:
            heading = QLabel(f"<h3>Step {int(step)} — {step.title}</h3>")
            column.addWidget(heading)
            for check in session.checks_for(step):
                card = self.cards[check.id] = CheckCard(check.info)
                column.addWidget(card)
        column.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(body)
        self.runs = CheckRunController(session, self.cards, lambda e: errors.show_error(self, e))
        self.runs.finished.connect(self._finished)
        self.progress = QProgressBar(maximum=0)
        self.progress.setMaximumWidth(120)
        self.progress.setAccessibleName("Working")
        self.summary = QLabel()
        self.summary.setAccessibleName("Checklist summary")
        self.recheck_button = button("&Re-check all", "Re-check all", self.recheck)
        self.cancel_button = button("Cancel", "Cancel the running checks", lambda: (self.runs.cancel(), self._finished()))
        bar = QHBoxLayout()
        bar.addWidget(self.progress)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.recheck_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(bar)

    def initializePage(self) -> None:
        self.recheck()

    def cleanupPage(self) -> None:
        self.runs.cancel()

    def recheck(self) -> None:
        self.runs.run(self.session.checks_for(None))
        self.progress.show()
        self.cancel_button.show()
        self.recheck_button.setEnabled(False)
        self.summary.setText("Checking the account…")
        self.completeChanged.emit()

    def _finished(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.recheck_button.setEnabled(True)
        self.summary.setText(tally(self.session.findings_in_order()))
        self.completeChanged.emit()
        if len(self.session.findings) == len(self.cards):
            self._compare_with_last_record()

    def _compare_with_last_record(self) -> None:
        from app.keyring_access import KeyringUnavailable
        from app.record import history
        from app.record.signing_key import SigningKey

        account, backend = self.session.identity.account_id, self.session.keyring_backend
        findings = [f.as_dict() for f in self.session.findings_in_order()]

        def compare(progress, cancelled):
            try:
                return history.drift_since_latest(account, findings, SigningKey(backend))
            except KeyringUnavailable as error:
                return [], None, f"Not compared with earlier records: {error}"

        run_task(compare, self._show_drift)

    def _show_drift(self, result: tuple) -> None:
        drift, previous, note = result
        lines = []
        if drift:
            lines.append(f"<b>Changed since the last record ({escape(drift[0].since)}):</b><ul>"
                         + "".join(f"<li>{escape(d.describe())}</li>" for d in drift) + "</ul>")
        elif previous:
            lines.append("<b>Nothing changed</b> since the last record.")
        if note:
            lines.append(f"<span style='color:#d08a00'>{escape(note)}</span>")
        self.drift.setText("".join(lines))
        self.drift.setVisible(bool(lines))

    def isComplete(self) -> bool:
        return not self.runs.busy and len(self.session.findings) == len(self.cards)
