"""Audit the members: the CloudTrail disclosure first, then *Start audit*, then progress.

Nothing calls AWS before *Start audit*. The audit (``app.org.scan.scan``) runs through
``ui.tasks`` on a pool thread; its progress arrives here only through the task's signals.
*Cancel* keeps what was done: accounts not audited come back Unknown (cancelled), and the page
stays busy until the accounts in flight have ended. UI thread only.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QProgressBar, QVBoxLayout, QWizardPage

from app.org.pool import Progress
from app.org.scan import DISCLOSURE, OrgScan, ScanRequest, scan
from app.org.summary import coverage_line
from app.session import WizardSession
from ui.errors import message_for
from ui.org.path import OrgState
from ui.plain import plain_label
from ui.tasks import TaskHandle, run_task
from ui.widgets.controls import button

WHAT_IT_DOES = ("Rootwarden opens a short sts:AssumeRoot session in each active member account with the audit-only task "
                "policy (IAMAuditRootUserCredentials) and reads the root user's password, access keys, signing "
                "certificates and MFA devices. It changes nothing.")


class AuditStarted:
    """Sent through the progress signal once the inventory is read: ``count`` accounts to audit."""

    def __init__(self, count: int) -> None:
        self.count = count


class _Cancel(threading.Event):
    """Set by *Cancel*, or by the task runner asking every task to stop (closing the window)."""

    def __init__(self) -> None:
        super().__init__()
        self._also: Callable[[], bool] = lambda: False

    def follow(self, cancelled: Callable[[], bool]) -> None:
        """Also count as set once ``cancelled()`` is True (the task's own flag)."""
        self._also = cancelled

    def is_set(self) -> bool:
        return super().is_set() or self._also()


class ScanPage(QWizardPage):
    def __init__(self, session: WizardSession, org: OrgState, auditor: Any = None) -> None:
        super().__init__()
        self.session, self.org = session, org
        self.auditor = auditor  # None: the real MemberAuditor; tests may pass their own
        self.request = ScanRequest()
        self.task: TaskHandle | None = None
        self._cancel: _Cancel | None = None
        self.setTitle("Audit the member accounts")
        self.setSubTitle("Every member account's root user, read from the management account; no role is needed in the members.")
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        box = QFrame()
        box.setObjectName("disclosure")
        box.setStyleSheet("QFrame#disclosure { border: 2px solid #d08a00; border-radius: 6px; }")
        inside = QVBoxLayout(box)
        heading = plain_label("Before you start: this audit shows up in CloudTrail")
        heading.setStyleSheet("font-weight: bold")
        self.disclosure = plain_label(DISCLOSURE)
        self.disclosure.setAccessibleName("CloudTrail disclosure")
        inside.addWidget(heading)
        inside.addWidget(self.disclosure)
        layout.addWidget(box)
        what = plain_label(WHAT_IT_DOES)
        what.setAccessibleName("What the audit does")
        layout.addWidget(what)
        bar = QHBoxLayout()
        self.start_button = button("&Start audit", "Start the audit of the member accounts", self.start)
        self.start_button.setDefault(True)
        self.start_button.setMinimumWidth(140)
        self.cancel_button = button("Cancel audit", "Cancel the audit, keeping what was done", self.cancel)
        self.cancel_button.hide()
        bar.addWidget(self.start_button)
        bar.addWidget(self.cancel_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Accounts audited")
        self.progress.setFormat("%v of %m accounts")
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = plain_label()
        self.status.setAccessibleName("Audit status")
        layout.addWidget(self.status)
        self.throttling = plain_label()
        self.throttling.setAccessibleName("Throttling")
        self.throttling.setStyleSheet("color: #b06f00; font-weight: bold")
        self.throttling.hide()
        layout.addWidget(self.throttling)
        layout.addStretch(1)

    @property
    def busy(self) -> bool:
        return self.task is not None

    def initializePage(self) -> None:
        if self.org.result is not None and not self.busy:
            self._show_result(self.org.result)

    def cleanupPage(self) -> None:
        """Back: stop the audit (its result is dropped once it ends)."""
        if self.task is not None:
            self.task.cancel()

    def isComplete(self) -> bool:
        return self.org.result is not None and not self.busy

    def start(self) -> None:
        context, request, auditor = self.session.aws, self.request, self.auditor  # read here: the worker never touches the page
        if self.session.flow.practice:  # the simulation has no AWS quota: its contacts are read faster
            from dataclasses import replace

            from app.practice.organization import CONTACT_READS_PER_SECOND

            request = replace(request, contacts_rate=CONTACT_READS_PER_SECOND)
        if context is None:
            return
        if self.org.busy:  # a change started on the table is still running (Back was pressed meanwhile)
            self.status.setText("A change on the member accounts is still running: audit again once it has finished.")
            return
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel audit")
        self.cancel_button.show()
        self.progress.setRange(0, 0)  # busy until the inventory is read
        self.progress.show()
        self.throttling.hide()
        self.status.setStyleSheet("")
        self.status.setText("Reading the organization and its member accounts…")

        stop = self._cancel = _Cancel()

        def operation(progress: Callable[[Any], None], cancelled: Callable[[], bool]) -> OrgScan:
            stop.follow(cancelled)
            return scan(context, request, on_progress=progress, cancel=stop, auditor=auditor,
                        on_audit_start=lambda count: progress(AuditStarted(count)))

        self.org.busy = True
        self.task = run_task(operation, self._finished, self._failed, self._progressed)
        self.task.done.connect(self._ended)
        self.completeChanged.emit()

    def cancel(self) -> None:
        """Stop starting accounts; the ones in flight finish, the rest come back Unknown."""
        if self._cancel is not None:
            self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
        self.status.setText("Cancelling: waiting for the accounts already being audited…")

    def _progressed(self, item: Any) -> None:
        if isinstance(item, AuditStarted):
            self.progress.setRange(0, max(1, item.count))
            self.progress.setValue(0)
            self.status.setText(f"Auditing {item.count} member accounts…")
            return
        if not isinstance(item, Progress) or (self._cancel is not None and self._cancel.is_set()):
            return
        self.progress.setRange(0, max(1, item.total))
        self.progress.setValue(item.done)
        left = f" · about {_duration(item.eta_seconds)} left" if item.eta_seconds is not None and item.done < item.total else ""
        self.status.setText(f"{item.done} of {item.total} accounts audited{left} · up to {item.workers} at once")
        self.throttling.setText(f"AWS is throttling: slowing down to {item.workers} at once")
        self.throttling.setVisible(item.throttled)

    def _finished(self, result: OrgScan) -> None:
        self.org.result = result
        self._show_result(result)

    def _show_result(self, result: OrgScan) -> None:
        reached, total = result.coverage
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(reached)
        self.progress.show()
        self.status.setStyleSheet("")
        ending = "Cancelled" if result.cancelled else "Done"
        self.status.setText(f"{ending}. {coverage_line(result)} Next shows every account.")

    def _failed(self, error: Exception) -> None:
        title, text = message_for(error)
        self.progress.hide()
        self.status.setStyleSheet("color: #d64541")
        self.status.setText(f"{title}. {text}")

    def _ended(self) -> None:
        """The audit has really ended (finished, failed, or cancelled by Back)."""
        self.task, self._cancel = None, None
        self.org.busy = False
        self.cancel_button.hide()
        self.throttling.hide()
        self.start_button.setEnabled(True)
        self.start_button.setText("Audit &again")
        self.completeChanged.emit()


def _duration(seconds: float) -> str:
    seconds = max(1, round(seconds))
    return f"{seconds} s" if seconds < 90 else f"{round(seconds / 60)} min"
