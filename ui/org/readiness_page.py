"""Organization readiness (SPEC §12): who is connected, trusted access for IAM and Account
Management, RootCredentialsManagement, RootSessions, and IAM's delegated administrator (for
information). *Enable what is missing…* lists exactly the changes, asks, makes them and reads
the state again. A page of words: state, title, what it means. UI thread only; AWS calls run
through ``ui.tasks`` and reach the page through the task's signals.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget, QWizardPage

from app.model import Status
from app.org.readiness import State, apply, plan_enable, read_readiness
from ui.errors import message_for
from ui.plain import plain_label
from ui.style import STATUS_COLOURS, readable_on
from ui.tasks import TaskHandle, run_task
from ui.widgets.controls import button

_AS_STATUS = {State.ENABLED: Status.PASS, State.DISABLED: Status.FAIL, State.UNKNOWN: Status.UNKNOWN}
_WORDS = {State.ENABLED: "Enabled", State.DISABLED: "Not enabled", State.UNKNOWN: "Unknown"}


class _Listed:
    """A readiness change as the confirmation dialog lists it."""

    def __init__(self, change: Any) -> None:
        self.change, self.action = change, change.action

    def describe(self) -> str:
        return f"{self.change.description} — {self.change.target}"


class ReadinessPage(QWizardPage):
    """``on_read(readiness, results)`` gets each readiness read and the changes made before it."""

    def __init__(self, session: Any, on_read: Callable[[Any, list[Any]], None],
                 other_change_running: Callable[[], bool] = lambda: False) -> None:
        super().__init__()
        self.session, self.on_read = session, on_read
        self.other_change_running = other_change_running  # an audit or fix elsewhere on the path
        self.readiness: Any = None
        self.task: TaskHandle | None = None
        self.setTitle("Is the organization ready?")
        self.setSubTitle("Centralized root access must be on before member accounts can be audited through root sessions.")
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.status = plain_label("Reading the organization's settings…")
        self.status.setAccessibleName("Readiness status")
        layout.addWidget(self.status)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(8)
        self.grid.setColumnStretch(1, 1)
        layout.addWidget(self.grid_host)
        bar = QHBoxLayout()
        self.enable_button = button("&Enable what is missing…", "Enable the missing organization settings", self.enable)
        self.enable_button.hide()
        self.recheck_button = button("&Read again", "Read the organization's settings again", self.read)
        bar.addWidget(self.enable_button)
        bar.addWidget(self.recheck_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.addStretch(1)

    @property
    def busy(self) -> bool:
        return self.task is not None

    def initializePage(self) -> None:
        if self.readiness is None and not self.busy:
            self.read()

    def isComplete(self) -> bool:
        return self.readiness is not None and not self.busy

    def read(self, results: list[Any] | None = None) -> None:
        context = self.session.aws
        if context is None or self.busy:
            return
        done = list(results or [])
        self._busy("Reading the organization's settings…")
        self._start(lambda progress, cancelled: read_readiness(context), lambda r: self._shown(r, done))

    def enable(self) -> None:
        from ui.confirm import confirm_changes

        if self.other_change_running():
            self.status.setText("An audit or a change is still running: enable these settings once it has ended.")
            return
        plan = plan_enable(self.readiness) if self.readiness is not None else []
        if not plan or not confirm_changes(self, "Enable centralized root access", [_Listed(c) for c in plan]):
            return
        context = self.session.aws
        self._busy("Enabling…")
        self._start(lambda progress, cancelled: apply(context, plan), self._applied)

    def _start(self, operation: Callable[..., Any], on_success: Callable[[Any], None]) -> None:
        handle = self.task = run_task(operation, on_success, self._failed)
        handle.done.connect(lambda: self._ended(handle))

    def _applied(self, results: list[Any]) -> None:
        self.task = None  # this task has delivered; the read below is the page's task now
        self.read(results)

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        self.enable_button.setEnabled(False)
        self.recheck_button.setEnabled(False)
        self.completeChanged.emit()

    def _shown(self, readiness: Any, results: list[Any]) -> None:
        self.readiness = readiness
        self.on_read(readiness, results)
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.setParent(None)  # gone from the page now, not at the next event loop turn
                widget.deleteLater()
        background = self.palette().window().color()
        for row, item in enumerate(readiness.items):
            status = Status.NOT_APPLICABLE if item.info else _AS_STATUS[item.state]
            word = QLabel("Information" if item.info else _WORDS[item.state])
            word.setStyleSheet(f"color: {readable_on(STATUS_COLOURS[status], background).name()}; font-weight: bold")
            word.setAccessibleName(f"{item.title}: {word.text()}")
            title = plain_label(item.title)
            title.setStyleSheet("font-weight: bold")
            meaning = plain_label(item.meaning)
            self.grid.addWidget(word, row * 2, 0)
            self.grid.addWidget(title, row * 2, 1)
            self.grid.addWidget(meaning, row * 2 + 1, 1)
        plan = plan_enable(readiness)
        self.enable_button.setVisible(bool(plan))
        if readiness.ready:
            self.status.setText("Ready: member accounts can be audited through root sessions. Next: the audit (it starts only when you say so).")
        elif plan:
            self.status.setText(f"Not ready: {len(plan)} setting(s) can be enabled from here. You can also audit now; "
                                "accounts that cannot be reached come back Unknown with the reason.")
        else:
            self.status.setText("Not ready, and Rootwarden cannot change this from this identity (see each item). "
                                "You can still audit; unreachable accounts come back Unknown with the reason.")

        failed = [r for r in results if r.outcome.value == "failed"]
        if failed:
            made = [r.target for r in results if r.outcome.value == "done"]
            missed = [r.target for r in results if r.outcome.value in ("failed", "not-attempted")]
            self.status.setText(f"Stopped: {failed[0].target} could not be enabled ({failed[0].error_code}): "
                                f"{failed[0].message} Made: {', '.join(made) or 'nothing'}. Not made: {', '.join(missed)}.")

    def _failed(self, error: Exception) -> None:
        title, text = message_for(error)
        self.status.setText(f"{title}. {text}")

    def _ended(self, handle: TaskHandle) -> None:
        if self.task is not handle:
            return  # an earlier task; a newer one is running
        self.task = None
        self.enable_button.setEnabled(True)
        self.recheck_button.setEnabled(True)
        self.completeChanged.emit()
