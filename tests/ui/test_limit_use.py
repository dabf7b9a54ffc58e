"""Step 3 on a real account on day one: root was used recently, so the page explains the 30-day
rule and the only way on is a skip with a reason the dialog truly requires."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.flow import PageId
from app.model import Status, Step
from tests.ui.conftest import screenshot, real_wizard_on_connect

TIMEOUT = 20000


def answer_skip(qtbot, text: str, then_cancel: bool = False) -> list[tuple[bool, bool]]:
    """When the skip dialog opens: type ``text``, note (OK enabled, hint shown), press Enter, and
    cancel if it is still open. Returns the notes."""
    seen: list[tuple[bool, bool]] = []

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.windowTitle() != "Skip for now":
            QTimer.singleShot(20, act)
            return
        QTest.keyClicks(dialog.reason, text)
        seen.append((dialog.ok.isEnabled(), dialog.hint.isVisible()))
        QTest.keyClick(dialog.reason, "\r")  # Enter: accepts only with a reason
        if then_cancel:
            assert dialog.isVisible(), "an empty reason closed the dialog"
            dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()

    QTimer.singleShot(0, act)
    return seen


@pytest.fixture
def real_wizard(qtbot, account, monkeypatch, data_home):
    """A real (not practice) first-time setup: root signed in to the console two days ago."""
    account.root.password_last_used = datetime.now(timezone.utc) - timedelta(days=2)
    wizard, session = real_wizard_on_connect(qtbot, monkeypatch, account.admin_keys, connect=True)
    wizard.next()
    for step in (Step.ACCESS_KEYS, Step.MFA):
        page = wizard.currentPage()
        qtbot.waitUntil(lambda: not page.busy, timeout=TIMEOUT)
        session.skipped[step] = "tested elsewhere"
        page._update()
        wizard.next()
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: not page.busy and "root.recent-use" in session.findings, timeout=TIMEOUT)
    return wizard


def test_day_one_explains_the_30_day_rule_and_offers_no_simulation(qtbot, real_wizard):
    wizard = real_wizard
    page = wizard.currentPage()
    assert wizard.currentId() == PageId.STEP_3
    assert wizard.session.findings["root.recent-use"].status is Status.FAIL
    panel = page.panel
    assert panel.advice_box.isVisible() and panel.simulate_button is None
    advice = " ".join(label.text() for label in panel.advice)
    last = (datetime.now(timezone.utc) - timedelta(days=2)).date().isoformat()
    assert "within the last 30 days" in advice and f"last on {last}" in advice
    assert "passes once 30 days go by without any root sign-in" in advice and "Re-verify" in advice
    assert "legitimate" in advice
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    assert page.state.text().startswith("Nothing can make this pass today") and "skip this step" in page.state.text()
    screenshot(wizard, "14-step3-day-one")


def test_skip_with_an_empty_reason_stays_open_and_says_a_reason_is_needed(qtbot, real_wizard):
    wizard = real_wizard
    page = wizard.currentPage()
    seen = answer_skip(qtbot, "  ", then_cancel=True)
    page.skip()
    assert seen == [(False, True)]
    assert Step.LIMIT_USE not in wizard.session.skipped and wizard.currentId() == PageId.STEP_3
    answer_skip(qtbot, "Root set up the account on day one; re-verify in 30 days")
    page.skip()
    assert wizard.session.skipped[Step.LIMIT_USE] == "Root set up the account on day one; re-verify in 30 days"
    assert wizard.currentId() == PageId.STEP_4


def test_the_skip_dialog_suggests_a_reason_but_never_fills_it_in(qtbot, real_wizard):
    from ui.widgets.skip_dialog import NEEDED, SkipDialog

    page = real_wizard.currentPage()
    dialog = SkipDialog(page, Step.LIMIT_USE.title, page.panel.skip_example())
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.reason.text() == "" and "re-verify after 30 days" in dialog.reason.placeholderText()
    assert dialog.hint.text() == NEEDED and not dialog.ok.isEnabled()
    dialog.accept()  # even called directly, a blank reason does not close it
    assert dialog.isVisible() and dialog.result() == 0
    screenshot(dialog, "15-skip-dialog")
