"""One hardening step: a card per check, the step's own panel (fix or console guidance),
Re-check, and Skip for now with a required reason.

Gating: Next is enabled when no run or fix is busy and the step is done (no fail, no unknown)
or skipped. Everything slow runs off the UI thread (ui.tasks).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QHBoxLayout, QInputDialog, QLabel, QProgressBar, QScrollArea, QVBoxLayout,
                               QWidget, QWizardPage)

from app.fixes.base import Fix
from app.model import Status, Step
from app.session import WizardSession
from app.steps_text import INTROS
from ui import confirm as confirm_module
from ui import errors
from ui.check_runs import CheckRunController
from ui.tasks import TaskHandle, change_pool, run_task
from ui.widgets.controls import button
from ui.widgets.check_card import CheckCard
from ui.plain import make_plain

POLL_MS = 5000


class StepPanel(QWidget):
    """Base of a step's own panel. ``page`` gives access to the session, fixes and re-checks."""

    def __init__(self, page: "StepPage") -> None:
        super().__init__()
        self.page = page

    @property
    def session(self) -> WizardSession:
        return self.page.session

    def activate(self) -> None:
        """Called each time the page is entered (the session is connected by then)."""

    def refresh(self) -> None:
        """Called on the UI thread whenever the step's findings change."""


class StepPage(QWizardPage):
    def __init__(self, session: WizardSession, step: Step, panel: Callable[["StepPage"], StepPanel] | None = None) -> None:
        super().__init__()
        self.session = session
        self.step = step
        self.setTitle(f"Step {int(step)} of 6 — {step.title}")
        self.setSubTitle(INTROS[step])
        self.cards = {c.id: CheckCard(c.info) for c in session.checks_for(step)}
        self.runs = CheckRunController(session, self.cards, self.run_failed)
        self.runs.finished.connect(self._after_run)
        self._fix: TaskHandle | None = None
        self.poll = QTimer(self, interval=POLL_MS)
        self.poll.timeout.connect(self._poll)
        self._poll_until: Callable[[], bool] = lambda: self.session.step_done(self.step)

        body = QWidget()
        column = QVBoxLayout(body)
        for card in self.cards.values():
            column.addWidget(card)
        self.panel = panel(self) if panel else None
        if self.panel:
            column.addWidget(self.panel)
        column.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.progress = QProgressBar(maximum=0)
        self.progress.setMaximumWidth(120)
        self.progress.setAccessibleName("Working")
        self.progress.hide()
        self.state = make_plain(QLabel())  # may show the skip reason the user typed
        self.state.setAccessibleName("Step state")
        self.recheck_button = button("&Re-check", "Re-check this step", self.recheck)
        self.cancel_button = button("Cancel", "Cancel the running check", self.cancel)
        self.cancel_button.hide()
        self.skip_button = button("S&kip for now…", "Skip this step for now", self.skip)
        bar = QHBoxLayout()
        bar.addWidget(self.progress)
        bar.addWidget(self.state, 1)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.recheck_button)
        bar.addWidget(self.skip_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(bar)

    # -- QWizardPage -------------------------------------------------------------------------
    def initializePage(self) -> None:
        if self.panel:
            self.panel.activate()
        self.recheck()

    def cleanupPage(self) -> None:
        self.runs.cancel()
        self.poll.stop()

    def isComplete(self) -> bool:
        return not self.busy and (self.session.step_done(self.step) or self.step in self.session.skipped
                                  or self._only_deferred_key_left())

    def _only_deferred_key_left(self) -> bool:
        """Step 1 as root: the key in use is deleted at the very end, so it may remain until then."""
        from app.fixes.root_keys import DeleteKeyInUse

        return self.step is Step.ACCESS_KEYS and any(isinstance(f, DeleteKeyInUse) for f in self.session.deferred) \
            and all(f.status is not Status.UNKNOWN for f in self.session.step_findings(self.step))

    # -- actions ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.runs.busy or (self._fix is not None and not self._fix.finished)

    def recheck(self, quiet: bool = False) -> None:
        self.runs.run(self.session.checks_for(self.step), quiet=quiet)
        self._update()

    def cancel(self) -> None:
        self.runs.cancel()
        if self._fix is not None:
            self._fix.cancel()  # the change already sent completes; nothing further is started
        self._update()

    def skip(self) -> None:
        reason, ok = QInputDialog.getText(self, "Skip for now", f"Why skip “{self.step.title}”? (recorded in the review and the record)")
        if ok and reason.strip():
            self.session.skipped[self.step] = reason.strip()
            self._update()
            self.wizard().next()
        elif ok:
            errors.show_error(self, errors.InvalidInput("Reason", "is required to skip a step"))

    def start_polling(self, until: Callable[[], bool] | None = None) -> None:
        """Re-check every few seconds until ``until()`` holds (default: the step is done) — for
        changes made outside Rootwarden: console actions, confirmation e-mails."""
        self._poll_until = until or (lambda: self.session.step_done(self.step))
        if not self.poll.isActive() and not self._poll_until():
            self.poll.start()
        self._update()

    def apply_fix(self, fix: Fix, title: str, typed_word: str | None = None, then: Callable[[], None] | None = None,
                  confirmed: bool = False) -> bool:
        """Confirm (unless already ``confirmed``), then apply on the one-thread change pool;
        re-check afterwards, success or not."""
        if not confirmed and not confirm_module.confirm_changes(self, title, fix.plan(), typed_word):
            return False
        aws, audit, account = self.session.aws, self.session.audit, self.session.identity.account_id

        def done(_: object) -> None:
            if then:
                then()
            self.recheck()

        def failed(error: Exception) -> None:
            errors.show_error(self, error)
            self.recheck()

        self._fix = run_task(lambda progress, cancelled: fix.apply(aws, audit, account), done, failed, pool=change_pool())
        self._fix.done.connect(lambda handle=self._fix: self.recheck() if handle.cancelled else self._update())
        self._update()
        return True

    def simulate(self, action: Callable[[], object], then: Callable[[], None] | None = None) -> None:
        """Practice mode: perform a simulated console action off the UI thread, then re-check."""

        def done(_: object) -> None:
            self.recheck()
            if then:
                then()

        run_task(lambda progress, cancelled: action(), done, self.run_failed, pool=change_pool())

    # -- internals --------------------------------------------------------------------------
    def _poll(self) -> None:
        if self._poll_until():
            self.poll.stop()
        elif not self.busy and self.isVisible():
            self.recheck(quiet=True)

    def run_failed(self, error: Exception) -> None:
        errors.show_error(self, error)

    def _after_run(self) -> None:
        if self._poll_until():
            self.poll.stop()
        if self.panel:
            self.panel.refresh()
        self._update()

    def _update(self) -> None:
        busy = self.busy
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.recheck_button.setEnabled(not busy)
        if busy and not self.poll.isActive():
            self.state.setText("Checking the account…" if self.runs.busy else "Applying the change…")
        elif self.poll.isActive():
            self.state.setText(f"Waiting for the change in AWS; re-checking every {POLL_MS // 1000} s…")
        elif self.session.step_done(self.step):
            self.state.setText("<b>This step is done.</b>")
        elif self._only_deferred_key_left():
            self.state.setText("The root access key this session uses will be deleted at the very end.")
        elif self.step in self.session.skipped:
            self.state.setText(f"Skipped: {self.session.skipped[self.step]}")
        else:
            self.state.setText("Fix what fails, or skip this step for now.")
        self.completeChanged.emit()
