"""The Rootwarden wizard: pages keyed by ``app.flow.PageId``; ``nextId`` only asks the flow graph."""
from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from app.flow import PAGE_STEPS, PageId, next_page
from app.model import Step
from app.session import WizardSession
from ui.pages.checklist import ChecklistPage
from ui.pages.connect import ConnectPage
from ui.pages.done import DonePage
from ui.pages.review import ReviewPage
from ui.pages.step_page import StepPage
from ui.pages.welcome import WelcomePage
from ui.panels.alerts import AlertsPanel
from ui.panels.console_only import IdentityPanel, RootKeysPanel, RootMfaPanel
from ui.panels.contacts import ContactsPanel
from ui.panels.limit_use import LimitUsePanel

PANELS = {
    Step.ACCESS_KEYS: RootKeysPanel,
    Step.MFA: RootMfaPanel,
    Step.LIMIT_USE: LimitUsePanel,
    Step.IDENTITY: IdentityPanel,
    Step.CONTACTS: ContactsPanel,
    Step.ALERTS: AlertsPanel,
}


class RootwardenWizard(QWizard):
    def __init__(self, session: WizardSession) -> None:
        super().__init__()
        self.session = session
        self._leaving = False  # a save-then-leave is running
        practice = " — practice account" if session.flow.practice else ""
        self.setWindowTitle(f"Rootwarden{practice}")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setPage(PageId.WELCOME, WelcomePage(session))
        self.setPage(PageId.CONNECT, ConnectPage(session))
        for page, step in PAGE_STEPS.items():
            self.setPage(page, StepPage(session, step, PANELS[step]))
        self.setPage(PageId.CHECKLIST, ChecklistPage(session))
        self.setPage(PageId.REVIEW, ReviewPage(session))
        self.setPage(PageId.DONE, DonePage(session))
        self.setStartId(PageId.WELCOME)
        self.setMinimumSize(QSize(880, 620))
        self.resize(QSize(1100, 780))

    def reject(self) -> None:
        """Cancel, Esc and closing the window: after changes to the account that no record holds
        yet, ask first and offer to save them (signed if the keyring works)."""
        if self._leaving:
            return
        changes = len(self.session.audit.entries())
        if not changes or self.session.saved_path is not None:
            super().reject()
            return
        choice = ask_before_leaving(self, changes)
        if choice == "leave":
            super().reject()
        elif choice == "save":
            self._save_then_leave()

    def _save_then_leave(self) -> None:
        from ui import errors
        from ui.pages.review import sign_or_keep_unsigned
        from ui.tasks import change_pool, run_task

        self.session.notes = (self.session.notes + "\n" if self.session.notes else "") + "Session ended before Review & sign."
        predicate = self.session.predicate()
        self.session.saved_predicate = predicate
        self._leaving = True

        def saved(result: tuple) -> None:
            self.session.signed_record, self.session.saved_path, self.session.unsigned_reason = result
            self._leaving = False
            QWizard.reject(self)

        def failed(error: Exception) -> None:
            self._leaving = False
            errors.show_error(self, error)

        run_task(lambda p, c: sign_or_keep_unsigned(predicate, self.session.keyring_backend), saved, failed, pool=change_pool())

    def nextId(self) -> int:
        following = next_page(PageId(self.currentId()), self.session.flow)
        return -1 if following is None else int(following)


def ask_before_leaving(parent: QWidget, changes: int) -> str:
    """"save", "leave" or "stay": the question asked before a session with changes ends."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Leave Rootwarden?",
                      f"This session made {changes} change{'s' if changes != 1 else ''} in the account, and no record of "
                      f"{'them' if changes != 1 else 'it'} is saved yet. Save a record of what was done before leaving?",
                      QMessageBox.StandardButton.NoButton, parent)
    save = box.addButton("Save a record and leave", QMessageBox.ButtonRole.AcceptRole)
    leave = box.addButton("Leave without a record", QMessageBox.ButtonRole.DestructiveRole)
    stay = box.addButton("Stay", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(stay)
    box.setAccessibleName("Leave Rootwarden?")
    box.exec()
    clicked = box.clickedButton()
    return "save" if clicked is save else "leave" if clicked is leave else "stay"
