"""Welcome: the ways in — harden an account, re-verify it, audit an organization, or try the
practice account. In a practice window, the Organization entry runs on the practice
organization and the other two on the plain practice account (``ui.org.practice``)."""
from __future__ import annotations

import sys

from PySide6.QtCore import QProcess, QProcessEnvironment
from PySide6.QtWidgets import QCommandLinkButton, QLabel, QVBoxLayout, QWizardPage

from ui import window_place
from ui.org.path import OrgState
from ui.plain import make_plain, plain_label

from app.flow import Mode
from app.session import WizardSession


# Keyboard focus must be visible: the platform style draws none on a command link in some themes.
FOCUS_STYLE = ("QCommandLinkButton { border: 2px solid transparent; border-radius: 6px; padding: 6px; }"
               "QCommandLinkButton:focus { border: 2px solid palette(highlight); }"
               "QCommandLinkButton:hover { border: 2px solid palette(mid); }")


class WelcomePage(QWizardPage):
    def __init__(self, session: WizardSession, org: OrgState | None = None) -> None:
        super().__init__()
        self.session = session
        self.org = org if org is not None else OrgState()
        self.setTitle("Welcome to Rootwarden")
        self.setSubTitle("Secure your AWS account's root user in six steps, each checked live against the account.")
        layout = QVBoxLayout(self)
        practice = session.flow.practice
        if practice:
            banner = QLabel("<b>Practice account.</b> Everything here happens in a simulated AWS account; nothing touches a real one.")
            banner.setWordWrap(True)
            banner.setStyleSheet("border: 2px dashed #8e6bbf; padding: 8px;")
            layout.addWidget(banner)
        self.harden = QCommandLinkButton("&Harden an account", "First-time setup: walk through the six steps, fix what "
                                         "Rootwarden can, and follow the console guidance where AWS requires it.")
        self.reverify = QCommandLinkButton("&Re-verify", "Months later: every check at once, grouped by step, "
                                           "to confirm the account is still hardened.")
        self.organization = QCommandLinkButton("&Organization", "Audit every member account's root user from the "
                                               "management account." + (" Here: a simulated organization of 50 member "
                                                                        "accounts." if practice else ""))
        self.practice = QCommandLinkButton("&Practice account", "Try everything on a simulated account: no AWS account, "
                                           "credentials or network needed. Opens in a separate window.")
        for button, name in ((self.harden, "Harden an account"), (self.reverify, "Re-verify"), (self.organization, "Organization"),
                             (self.practice, "Practice account")):
            button.setAccessibleName(name)
            button.setStyleSheet(FOCUS_STYLE)
            layout.addWidget(button)
        self.harden.clicked.connect(lambda: self._choose(Mode.SETUP))
        self.reverify.clicked.connect(lambda: self._choose(Mode.REVERIFY))
        self.organization.clicked.connect(self._choose_organization)
        self.practice.clicked.connect(self._open_practice)
        self.preparing = plain_label()
        self.preparing.setAccessibleName("Practice organization status")
        self.preparing.hide()
        layout.addWidget(self.preparing)
        self.practice.setVisible(not practice)
        self.schedules = make_plain(QLabel())
        self.schedules.setWordWrap(True)
        self.schedules.setAccessibleName("Scheduled re-verification")
        layout.addWidget(self.schedules)
        if not practice:
            self.schedules.setText(schedule_summary())
        self.schedules.setVisible(bool(self.schedules.text()))
        layout.addStretch(1)
        note = QLabel("Rootwarden changes nothing without showing you exactly what it will do first.")
        note.setStyleSheet("color: gray")
        layout.addWidget(note)

    def _choose(self, mode: Mode) -> None:
        from ui.org.practice import is_organization

        if is_organization(self.session.practice) and self.org.busy:
            self._say("The organization audit is still stopping; choose again in a moment.")
            return
        self.preparing.hide()
        self.org.chosen = False
        if is_organization(self.session.practice):  # the single-account flow runs on the plain practice account
            self.session.practice.stop()
            self.session.practice = self.session.aws = self.session.identity = None
        self.session.flow.mode = mode
        self.completeChanged.emit()
        self.wizard().next()

    def _choose_organization(self) -> None:
        """On to Connect for the Organization path; a practice window first starts the practice
        organization (off the UI thread), which Connect then connects to."""
        from ui.org.practice import is_organization, switch_to_organization
        from ui.tasks import run_task

        if not self.session.flow.practice or is_organization(self.session.practice):
            self._organization_chosen()
            return
        previous = self.session.practice
        self.session.practice = self.session.aws = self.session.identity = None
        self._enable_choices(False)
        self._say("Preparing the practice organization (50 simulated member accounts)…")

        def ready(practice: object) -> None:
            self.session.practice = practice
            self.preparing.hide()
            self._enable_choices(True)
            self._organization_chosen()

        def failed(error: Exception) -> None:
            from ui.errors import message_for

            self._enable_choices(True)
            self._say(". ".join(message_for(error)), problem=True)

        run_task(lambda progress, cancelled: switch_to_organization(previous), ready, failed)

    def _say(self, text: str, problem: bool = False) -> None:
        self.preparing.setStyleSheet("color: #d64541" if problem else "")
        self.preparing.setText(text)
        self.preparing.show()

    def _enable_choices(self, enabled: bool) -> None:
        for choice in (self.harden, self.reverify, self.organization):
            choice.setEnabled(enabled)

    def _organization_chosen(self) -> None:
        self.org.chosen = True
        self.session.flow.mode = None
        self.completeChanged.emit()
        self.wizard().next()

    def _open_practice(self) -> None:
        """The practice account runs in its own process, so simulated and real AWS never mix."""
        frozen = getattr(sys, "frozen", False)  # the packaged app: sys.executable is rootwarden itself
        process = QProcess()
        process.setProgram(sys.executable)
        process.setArguments(["--demo"] if frozen else ["-m", "ui.launch", "--demo"])
        environment = QProcessEnvironment.systemEnvironment()
        environment.insert(window_place.ENV, window_place.near(self.window()))  # opens cascaded, not on top of this one
        process.setProcessEnvironment(environment)
        launch_detached(process)

    def isComplete(self) -> bool:
        return self.session.flow.mode is not None or self.org.chosen


def launch_detached(process: QProcess) -> bool:
    """Start ``process`` on its own (it outlives this window); the one place a test intercepts."""
    return bool(process.startDetached())


def schedule_summary() -> str:
    """One line per scheduled re-verification with its last outcome (small files; UI thread)."""
    from app.schedule import store

    try:
        schedules = store.load()
    except (store.ScheduleProblem, OSError) as problem:
        return f"Scheduled re-verification: {problem}"
    lines = []
    for schedule in schedules.values():
        last = store.last_outcome(schedule.name)
        if last is None:
            lines.append(f"• {schedule.name}, every {schedule.every_days} days: not run yet")
            continue
        verdict = {0: "all clear", 1: "something failed", 2: "some checks could not be judged", 3: "could not run"}.get(
            last.get("exit_code"), "unknown result")
        lines.append(f"• {schedule.name}, every {schedule.every_days} days: last run {last.get('time')}: {verdict} "
                     f"({last.get('summary')})")
    return ("Scheduled re-verification:\n" + "\n".join(lines)) if lines else ""
