"""The Rootwarden wizard: pages keyed by ``app.flow.PageId``; ``nextId`` only asks the flow graph."""
from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWizard

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

    def nextId(self) -> int:
        following = next_page(PageId(self.currentId()), self.session.flow)
        return -1 if following is None else int(following)
