"""Start the wizard: one QApplication, one session, the error hook, and a clean exit."""
from __future__ import annotations

import sys

from app.flow import FlowState
from app.session import WizardSession


def run_wizard(demo: bool = False) -> int:
    from PySide6.QtWidgets import QApplication

    from ui.errors import install_excepthook
    from ui.wizard import RootwardenWizard

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Rootwarden")
    app.setDesktopFileName("rootwarden")
    install_excepthook()
    session = WizardSession(flow=FlowState(practice=demo))
    wizard = RootwardenWizard(session)
    wizard.show()
    code = app.exec()
    if session.practice is not None:
        session.practice.stop()
    return code
