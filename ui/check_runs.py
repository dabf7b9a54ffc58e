"""Run checks in the background and fill their cards as each finding arrives.

Owned by a page, on the UI thread. One run at a time: starting a new run cancels the old one.
A cancelled run is detached at once (its late results are dropped and its end is not reported
as ``finished``); ``finished`` fires when the current run's operation has ended.
"""
from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import QObject, Signal

from app.checks import Check
from app.model import Finding
from app.runner import run_checks
from app.session import WizardSession
from ui.tasks import TaskHandle, run_task
from ui.widgets.check_card import CheckCard


class CheckRunController(QObject):
    started = Signal()
    finished = Signal()

    def __init__(self, session: WizardSession, cards: dict[str, CheckCard], on_error: Callable[[Exception], None]) -> None:
        super().__init__()
        self.session = session
        self.cards = cards
        self._on_error = on_error
        self._handle: TaskHandle | None = None

    @property
    def busy(self) -> bool:
        return self._handle is not None and not self._handle.finished

    def run(self, checks: Iterable[Check], quiet: bool = False) -> None:
        """Re-check; ``quiet`` keeps the current results shown until new ones arrive (polling)."""
        self.cancel()
        checks = list(checks)
        if not quiet:
            for check in checks:
                if check.id in self.cards:
                    self.cards[check.id].set_loading()
        aws, settings = self.session.aws, self.session.settings

        def operation(progress, cancelled) -> None:
            findings = run_checks(aws, checks, settings=settings)
            for finding in findings:
                if cancelled():
                    findings.close()
                    return
                progress(finding)

        handle = self._handle = run_task(operation, on_failure=self._on_error, on_progress=self._arrived)
        handle.done.connect(lambda: self._ended(handle))
        self.started.emit()

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _ended(self, handle: TaskHandle) -> None:
        if handle is self._handle:
            self.finished.emit()

    def _arrived(self, finding: Finding) -> None:
        self.session.record(finding)
        card = self.cards.get(finding.id)
        if card is not None:
            card.set_finding(finding)
