"""Render the wizard's Welcome and Step 5 pages and the MFA dialog to PNG at 1280×800 (used by the accessibility test).

Usage: python render_pages.py OUT_PREFIX   (env: QT_SCALE_FACTOR, ROOTWARDEN_TEST_DARK=1)
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def write_text_boxes(window, path: str) -> None:
    """Where the window's visible text labels are, in the grabbed image's pixels (for the
    contrast test): [{"text", "x", "y", "w", "h"}]."""
    import json

    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QLabel

    ratio = window.devicePixelRatioF()
    boxes = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text().strip() or label.pixmap() is not None and not label.pixmap().isNull():
            continue
        corner = label.mapTo(window, QPoint(0, 0))
        visible = label.visibleRegion().boundingRect()
        if visible.width() < 8 or visible.height() < 8:
            continue
        boxes.append({"text": label.text()[:60], "x": int((corner.x() + visible.x()) * ratio),
                      "y": int((corner.y() + visible.y()) * ratio),
                      "w": int(visible.width() * ratio), "h": int(visible.height() * ratio)})
    Path(path).write_text(json.dumps(boxes))


def main(prefix: str) -> None:
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication, QStyleFactory

    from app.flow import FlowState, Mode
    from app.session import WizardSession
    from ui.wizard import RootwardenWizard

    app = QApplication([])
    if os.environ.get("ROOTWARDEN_TEST_DARK"):
        app.setStyle(QStyleFactory.create("Fusion"))
        dark = QPalette()
        for role, colour in ((QPalette.ColorRole.Window, "#1e1e1e"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
                             (QPalette.ColorRole.Base, "#2a2a2a"), (QPalette.ColorRole.Text, "#e6e6e6"),
                             (QPalette.ColorRole.Button, "#333333"), (QPalette.ColorRole.ButtonText, "#e6e6e6"),
                             (QPalette.ColorRole.Mid, "#777777"), (QPalette.ColorRole.Link, "#7ab7ff")):
            dark.setColor(role, QColor(colour))
        app.setPalette(dark)
    session = WizardSession(flow=FlowState(Mode.SETUP, practice=True))
    wizard = RootwardenWizard(session)
    wizard.resize(1280, 800)
    wizard.show()
    app.processEvents()
    wizard.grab().save(f"{prefix}-welcome.png")
    wizard.next()
    deadline = time.monotonic() + 60
    while session.identity is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    from app.model import Step

    for step in (Step.ACCESS_KEYS, Step.MFA, Step.LIMIT_USE, Step.IDENTITY):
        session.skipped[step] = "rendering test"
    for _ in range(5):
        wizard.next()
    page = wizard.currentPage()
    while (page.busy or not session.step_findings(Step.CONTACTS)) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
    wizard.grab().save(f"{prefix}-step5.png")
    write_text_boxes(wizard, f"{prefix}-step5.json")

    from ui.mfa_dialog import MfaEnrollmentDialog

    dialog = MfaEnrollmentDialog(session)
    dialog.show()
    dialog.start_button.click()
    while (dialog.busy or dialog.stack.currentIndex() != 1) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()
    dialog.grab().save(f"{prefix}-mfa.png")
    dialog.reject()
    session.practice.stop()


if __name__ == "__main__":
    main(sys.argv[1])
