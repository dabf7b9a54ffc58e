"""The Organization path's readiness page, on a practice organization where nothing is enabled
yet: it says so in words, lists exactly the changes in the real confirmation, makes them, and
reads the state again."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QLabel

from app.practice.organization import PracticeOrganization
from tests.ui.conftest import screenshot
from ui.org.readiness_page import ReadinessPage


@pytest.fixture
def bare():
    practice = PracticeOrganization(features=False).start()
    yield practice
    practice.stop()


def texts(page) -> list[str]:
    return [label.text() for label in page.grid_host.findChildren(QLabel)]


def test_not_ready_then_enabled_after_the_confirmation(qtbot, bare, confirmations):
    reads = []
    page = ReadinessPage(SimpleNamespace(aws=bare.aws_context()), lambda readiness, results: reads.append((readiness, results)))
    qtbot.addWidget(page)
    page.resize(860, 640)
    page.show()
    page.initializePage()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=20000)
    shown = texts(page)
    assert shown.count("Not enabled") == 4 and "Trusted access for IAM (iam.amazonaws.com)" in shown
    assert page.enable_button.isVisible() and "Not ready: 4 setting(s)" in page.status.text()
    screenshot(page, "org-readiness-not-ready")
    page.enable_button.click()
    qtbot.waitUntil(lambda: len(reads) == 2 and page.isComplete(), timeout=20000)
    (title, listed, _), = confirmations
    assert title == "Enable centralized root access" and len(listed) == 4
    assert listed[0].startswith("1. Enable trusted access") or "iam.amazonaws.com" in listed[0]
    readiness, results = reads[-1]
    assert [r.outcome.value for r in results] == ["done"] * 4 and readiness.ready
    assert texts(page).count("Not enabled") == 0 and not page.enable_button.isVisible()
    assert page.status.text().startswith("Ready")
    screenshot(page, "org-readiness-ready")


def test_cancelling_the_confirmation_changes_nothing(qtbot, bare, real_dialogs):
    real_dialogs.accept = False
    reads = []
    page = ReadinessPage(SimpleNamespace(aws=bare.aws_context()), lambda readiness, results: reads.append(results))
    qtbot.addWidget(page)
    page.initializePage()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=20000)
    page.enable_button.click()
    assert len(real_dialogs.confirmations) == 1 and reads == [[]] and page.isComplete()
    assert not page.readiness.ready


def test_enable_waits_while_another_change_runs(qtbot, bare, real_dialogs):
    running = [True]
    page = ReadinessPage(SimpleNamespace(aws=bare.aws_context()), lambda readiness, results: None, lambda: running[0])
    qtbot.addWidget(page)
    page.initializePage()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=20000)
    page.enable_button.click()
    assert real_dialogs.confirmations == [] and "still running" in page.status.text() and not page.readiness.ready
