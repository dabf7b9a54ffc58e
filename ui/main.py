"""Start the wizard: one QApplication, one session, the error hook, and a clean exit."""
from __future__ import annotations

import sys

from app.flow import FlowState
from app.session import WizardSession


UI_SWITCH_INTERVAL = 0.001  # seconds


def create_app() -> "QApplication":  # noqa: F821
    """The QApplication with Rootwarden's name, icon, fonts and error hook. UI thread only.

    Workers (boto3, and moto in practice mode) run Python code that competes for the GIL; a
    1 ms switch interval (Python's default is 5 ms) hands the GIL back to the UI thread sooner,
    which keeps its event loop responsive while checks run (see `make bench-ui`).
    """
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    import resources
    from ui.errors import install_excepthook
    from ui.fonts import register_fonts

    sys.setswitchinterval(UI_SWITCH_INTERVAL)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Rootwarden")
    app.setDesktopFileName("dev.rootwarden.Rootwarden")
    app.setWindowIcon(QIcon(str(resources.path("icons", "rootwarden.svg"))))
    register_fonts()
    install_excepthook()
    return app


def run_wizard(demo: bool = False) -> int:
    """Open the wizard and run until it closes. ROOTWARDEN_SMOKE_SECONDS=N closes it after N
    seconds (the packaging smoke test)."""
    import os

    from PySide6.QtCore import QTimer

    from ui.wizard import RootwardenWizard

    app = create_app()
    session = WizardSession(flow=FlowState(practice=demo))
    wizard = RootwardenWizard(session)
    from ui import window_place

    window_place.place(wizard, os.environ.pop(window_place.ENV, None))  # a practice window opened from another
    wizard.show()
    if os.environ.get("ROOTWARDEN_SMOKE_SECONDS"):
        QTimer.singleShot(int(float(os.environ["ROOTWARDEN_SMOKE_SECONDS"]) * 1000), app.quit)
    code = app.exec()
    from ui.tasks import wait_for_all

    wait_for_all()
    if session.practice is not None:
        session.practice.stop()
    return code
