"""One hardening step: a card per check, the step's own panel (fix, console guidance, practice
simulation), Re-check, and Skip for now with a required reason.

The page decides nothing about the account itself: it renders the step's Qt-free description
(``app.steps``), evaluated on the session as a ``StepView``. ``_update`` is the one place that
derives what the page shows, whether Next is enabled and whether to poll, from that view and the
busy state of the page's components (the check run, changes, the panel). UI thread only;
everything slow runs off it (ui.tasks).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QScrollArea, QVBoxLayout, QWidget, QWizardPage

from app.checks import BY_ID
from app.fixes.base import Fix
from app.model import Step
from app.session import WizardSession
from app.steps import ActionKind, PollStart, Progress, StepView
from app.steps.base import POLL_SECONDS
from app.steps_text import INTROS
from ui import confirm as confirm_module
from ui import errors
from ui.check_runs import CheckRunController
from ui.plain import make_plain
from ui.tasks import TaskHandle, change_pool, run_task
from ui.widgets.check_card import CheckCard
from ui.widgets.controls import button
from ui.widgets.skip_dialog import ask_skip_reason

POLL_MS = POLL_SECONDS * 1000

STATE_TEXT = {
    Progress.NOT_CHECKED: "Not checked yet.",
    Progress.NEEDS_ACTION: "Fix what fails, or skip this step for now.",
    Progress.UNKNOWN: "A check could not be judged: grant what it names and re-check, or skip this step for now.",
    Progress.FINISHES_LATER: "The root access key this session uses will be deleted at the very end.",
    Progress.WAITING: "Waiting for your confirmation (see above); you may go on meanwhile.",
    Progress.WARNING: "This step is done; read the warning above.",
    Progress.DONE: "This step is done.",
}


class StepPanel(QWidget):
    """Base of a step's own panel. It shows the widget of each action the view offers
    (``self.offers``) and may add text from the findings' data; it decides nothing itself."""

    def __init__(self, page: "StepPage") -> None:
        super().__init__()
        self.page = page
        self.offers: dict = {}  # Action → the widget that offers it

    @property
    def session(self) -> WizardSession:
        return self.page.session

    @property
    def busy(self) -> bool:
        """The panel's own background work (a lookup before a confirmation) is running."""
        return False

    def skip_example(self) -> str:
        """An example reason for the skip dialog's placeholder (never filled in for the user)."""
        return ""

    def activate(self) -> None:
        """Called each time the page is entered (the session is connected by then)."""

    def render(self, view: StepView) -> None:
        """Called on the UI thread whenever the view may have changed."""
        for action, widget in self.offers.items():
            if widget is not None:
                widget.setVisible(view.offers(action))


class StepPage(QWizardPage):
    def __init__(self, session: WizardSession, step: Step, panel: Callable[["StepPage"], StepPanel] | None = None) -> None:
        super().__init__()
        self.session = session
        self.step = step
        self.setTitle(f"Step {int(step)} of 6 — {step.title}")
        self.setSubTitle(INTROS[step])
        self.cards = {c.id: CheckCard(c.info) for c in session.checks_for(step)}
        self.runs = CheckRunController(session, self.cards, self.run_failed)
        self.runs.finished.connect(self._update)
        self._changes: list[TaskHandle] = []  # fixes and simulated console actions still running
        self._console_opened = False
        self.view: StepView = session.step_view(step)
        self.poll = QTimer(self, interval=POLL_MS)
        self.poll.timeout.connect(self._poll)

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
        self.state.setWordWrap(True)
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
        if self.panel:
            self.panel.render(self.view)

    # -- QWizardPage -------------------------------------------------------------------------
    def initializePage(self) -> None:
        self._console_opened = False
        if self.panel:
            self.panel.activate()
        self.recheck()

    def cleanupPage(self) -> None:
        self.runs.cancel()
        self.poll.stop()

    def validatePage(self) -> bool:
        self.poll.stop()  # leaving forward: nothing to watch from a page nobody sees
        return True

    def isComplete(self) -> bool:
        return not self.busy and self.view.can_go_on

    # -- components' state -------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.runs.busy or self.changing or bool(self.panel and self.panel.busy)

    @property
    def changing(self) -> bool:
        self._changes = [h for h in self._changes if not h.finished]
        return bool(self._changes)

    # -- actions ----------------------------------------------------------------------------
    def recheck(self, quiet: bool = False) -> None:
        self.runs.run(self.session.checks_for(self.step), quiet=quiet)
        self._update()

    def cancel(self) -> None:
        self.runs.cancel()
        for handle in list(self._changes):
            handle.cancel()  # the change already sent completes; nothing further is started
        self._update()

    def skip(self) -> None:
        example = self.panel.skip_example() if self.panel else ""
        reason = ask_skip_reason(self, self.step.title, example)
        if reason is None:
            return
        self.session.skipped[self.step] = reason
        self._update()
        self.wizard().next()

    def console_opened(self) -> None:
        """The user opened the AWS console from this page: a poll that waits for that starts."""
        self._console_opened = True
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

        handle = run_task(lambda progress, cancelled: fix.apply(aws, audit, account), done, failed, pool=change_pool())
        # a cancelled change still runs to its real end; then the page re-checks what it did
        handle.done.connect(lambda handle=handle: self.recheck() if handle.cancelled else None)
        self._track(handle)
        return True

    def simulate(self, action: Callable[[], object], then: Callable[[], None] | None = None) -> None:
        """Practice mode: perform a simulated console action off the UI thread, then re-check."""

        def done(_: object) -> None:
            self.recheck()
            if then:
                then()

        self._track(run_task(lambda progress, cancelled: action(), done, self.run_failed, pool=change_pool()))

    def run_failed(self, error: Exception) -> None:
        errors.show_error(self, error)

    # -- the one place that derives the page's state -------------------------------------------
    def _track(self, handle: TaskHandle) -> None:
        self._changes.append(handle)
        handle.done.connect(self._update)
        self._update()

    def _poll(self) -> None:
        plan = self.view.poll
        if plan is None:
            self.poll.stop()
        elif not self.busy and self._is_current():
            self.runs.run([BY_ID[i] for i in plan.checks], quiet=True)
            self._update()

    def _is_current(self) -> bool:
        wizard = self.wizard()
        return wizard is not None and wizard.currentPage() is self

    def _update(self) -> None:
        self.view = view = self.session.step_view(self.step)
        busy = self.busy
        plan = view.poll
        if plan is not None and self._is_current() and (plan.start is PollStart.NOW or self._console_opened):
            self.poll.setInterval(plan.every_seconds * 1000)
            if not self.poll.isActive():
                self.poll.start()
        elif plan is None or not self._is_current():
            self.poll.stop()
        if self.panel:
            self.panel.render(view)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.recheck_button.setEnabled(not busy)
        if busy and not self.poll.isActive():
            self.state.setText("Checking the account…" if self.runs.busy else "Applying the change…")
        elif self.poll.isActive():
            self.state.setText(f"Waiting for the change in AWS; re-checking every {plan.every_seconds} s…")
        elif view.progress is Progress.NEEDS_ACTION and view.actions and all(a.kind is ActionKind.ADVICE for a in view.actions):
            self.state.setText("Nothing can make this pass today (see above): skip this step for now with a reason.")
        elif view.progress is Progress.SKIPPED:
            self.state.setText(f"Skipped: {self.session.skipped[self.step]}")
        else:
            self.state.setText(STATE_TEXT[view.progress])
        self.completeChanged.emit()
