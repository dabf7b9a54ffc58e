"""The Rootwarden wizard: pages keyed by ``app.flow.PageId``; ``nextId`` only asks the flow graph."""
from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QFrame, QMessageBox, QWidget, QWizard

from app.flow import PAGE_STEPS, Mode, PageId, next_page
from app.model import Step
from app.session import WizardSession
from ui.pages.checklist import ChecklistPage
from ui.pages.connect import ConnectPage
from ui.pages.done import DonePage
from ui.pages.review import ReviewPage
from ui.pages.step_page import StepPage
from ui.pages.welcome import WelcomePage
from app.org.workflow import OrgWorkflow
from ui.org.done_page import OrgDonePage
from ui.org.path import OrgPage, OrgState, next_org_page
from ui.org.readiness_page import ReadinessPage
from ui.org.results_page import ResultsPage
from ui.org.review_page import OrgReviewPage
from ui.org.scan_page import ScanPage
from ui.panels.alerts import AlertsPanel
from ui.panels.console_only import IdentityPanel, RootKeysPanel, RootMfaPanel
from ui.panels.contacts import ContactsPanel
from ui.panels.limit_use import LimitUsePanel
from ui.widgets.step_list import StepList

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
        # The Organization path (ui.org): chosen on Welcome; its readiness, audit, changes and record.
        self.org = OrgState(work=OrgWorkflow(practice=session.flow.practice))
        practice = " — practice account" if session.flow.practice else ""
        self.setWindowTitle(f"Rootwarden{practice}")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setPage(PageId.WELCOME, WelcomePage(session, self.org))
        self.setPage(PageId.CONNECT, ConnectPage(session))
        for page, step in PAGE_STEPS.items():
            self.setPage(page, StepPage(session, step, PANELS[step]))
        self.setPage(PageId.CHECKLIST, ChecklistPage(session))
        self.setPage(PageId.REVIEW, ReviewPage(session))
        self.setPage(PageId.DONE, DonePage(session))
        self.setPage(OrgPage.READINESS, ReadinessPage(session, self.org.work.record_readiness, lambda: self.org.busy))
        self.setPage(OrgPage.SCAN, ScanPage(session, self.org))
        self.setPage(OrgPage.RESULTS, ResultsPage(session, self.org))
        self.setPage(OrgPage.REVIEW, OrgReviewPage(session, self.org))
        self.setPage(OrgPage.DONE, OrgDonePage(session, self.org))
        self.setStartId(PageId.WELCOME)
        self.step_list = StepList(self)
        self.setSideWidget(self.step_list)
        holder = self.step_list.parentWidget()  # Qt's watermark label draws a black box around it
        if isinstance(holder, QFrame):
            holder.setFrameShape(QFrame.Shape.NoFrame)
        for page_id in self.pageIds():
            self.page(page_id).completeChanged.connect(self.step_list.refresh)
        self.step_list.refresh()
        self.currentIdChanged.connect(self._entered)
        self.setMinimumSize(QSize(1000, 640))
        self.resize(QSize(1200, 780))

    def _entered(self, page_id: int) -> None:
        """A step page shown again (Back, or a jump from the step list) resumes what its view asks
        for, e.g. polling; a first visit is initialized by QWizard itself."""
        page = self.page(page_id)
        if isinstance(page, StepPage):
            page._update()

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
        if self.org.chosen or self.currentId() in set(OrgPage):  # Qt may ask while leaving an org page
            following = next_org_page(self.currentId())
        else:
            following = next_page(PageId(self.currentId()), self.session.flow)
        return -1 if following is None else int(following)

    def check_management_account(self) -> None:
        """From the organization's table to the single-account re-verification of the account
        connected (the management account), on the same connection: back to Connect, then on."""
        self.org.chosen = False
        self.session.flow.mode = Mode.REVERIFY
        for _ in range(len(self.visitedIds())):
            if self.currentId() == PageId.CONNECT:
                break
            self.back()
        self.step_list.refresh()
        self.next()


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
