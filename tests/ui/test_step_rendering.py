"""Step pages render their step's description: what is offered, when polling starts and stops."""
from __future__ import annotations

from PySide6.QtGui import QDesktopServices

from app.model import Status, Step
from app.steps import Progress
from tests.ui.conftest import goto_step

TIMEOUT = 20000


def test_step1_not_root_polls_at_once_and_stops_when_the_keys_are_gone(qtbot, connected):
    wizard = connected
    page = goto_step(qtbot, wizard, 1)
    assert page.view.progress is Progress.NEEDS_ACTION
    assert page.panel.guide.isVisible() and not page.panel.delete_button.isVisible()
    assert page.poll.isActive() and "re-checking every 5 s" in page.state.text()
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    page.panel.guide.simulate_button.click()
    qtbot.waitUntil(lambda: wizard.session.findings["root.access-keys"].status is Status.PASS and not page.busy, timeout=TIMEOUT)
    assert not page.poll.isActive() and not page.panel.guide.isVisible()
    assert page.state.text() == "This step is done." and wizard.button(wizard.WizardButton.NextButton).isEnabled()


def test_step4_polls_only_once_the_console_is_opened(qtbot, connected, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    wizard = connected
    page = goto_step(qtbot, wizard, 4)
    assert page.panel.guide.isVisible() and not page.poll.isActive()
    assert not page.panel.org_button.isVisible()  # no organization: nothing to enable
    page.panel.guide.open_button.click()
    assert opened == ["https://console.aws.amazon.com/singlesignon/home"] and page.poll.isActive()
    wizard.back()  # leaving the page stops watching it
    assert not page.poll.isActive()


def test_the_skip_shows_on_the_page_and_in_its_view(qtbot, connected):
    wizard = connected
    page = goto_step(qtbot, wizard, 3)
    assert not page.isComplete()
    wizard.session.skipped[Step.LIMIT_USE] = "root used yesterday to create the account"
    page._update()
    assert page.view.progress is Progress.SKIPPED and page.isComplete()
    assert page.state.text() == "Skipped: root used yesterday to create the account"
