"""Fixtures for the wizard under pytest-qt (offscreen)."""
from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


@pytest.fixture(autouse=True)
def no_task_outlives_its_test(qapp):
    """Every background task finishes before the next test (and before Qt is torn down)."""
    yield
    from ui.tasks import wait_for_all

    assert wait_for_all(20000), "a background task was still running 20 s after the test"


@pytest.fixture(autouse=True)
def leave_without_a_question(request, monkeypatch):
    """Tests end their sessions as a person leaving without a record would, so no test ends
    with the modal "Leave Rootwarden?" question waiting; test_session_protection drives the
    real question instead."""
    if request.module.__name__.endswith("test_session_protection"):
        return
    from ui import wizard

    monkeypatch.setattr(wizard, "ask_before_leaving", lambda parent, changes: "leave")


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    """Records go to a temporary user data directory."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def real_dialogs(qapp):
    """Answers the real confirmation and error dialogs (tests/ui/dialogs.py): confirmations are
    accepted through their own button (typing the required word), error dialogs read and closed."""
    from tests.ui.dialogs import RealDialogs

    dialogs = RealDialogs()
    yield dialogs
    dialogs.stop()


@pytest.fixture
def confirmations(real_dialogs):
    """Accept every confirmation dialog (the real one), keeping what each one listed."""
    return real_dialogs.confirmations


@pytest.fixture
def shown_errors(real_dialogs):
    """The (title, text) of each error dialog shown (the real one, read and closed)."""
    return real_dialogs.errors


@pytest.fixture
def practice_wizard(qtbot, data_home):
    from app.flow import FlowState
    from app.session import WizardSession
    from ui.wizard import RootwardenWizard

    from tests.memory_keyring import MemoryKeyring

    session = WizardSession(flow=FlowState(practice=True), keyring_backend=MemoryKeyring())
    wizard = RootwardenWizard(session)
    qtbot.addWidget(wizard)
    wizard.show()
    yield wizard
    from ui.tasks import wait_for_all

    wait_for_all(20000)  # no task may reach past the simulated account
    if session.practice is not None:
        session.practice.stop()


def real_wizard_on_connect(qtbot, monkeypatch, keys: tuple[str, str], connect: bool = False):
    """A first-time setup wizard on a real (moto, not practice) account, on its Connect page,
    with ``keys`` in the standard chain; connected through the page's own button if asked."""
    from app.flow import FlowState, Mode
    from app.session import WizardSession
    from tests.memory_keyring import MemoryKeyring
    from ui.wizard import RootwardenWizard

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", keys[1])
    session = WizardSession(flow=FlowState(Mode.SETUP), keyring_backend=MemoryKeyring())
    wizard = RootwardenWizard(session)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    if connect:
        wizard.currentPage().connect_button.click()
        qtbot.waitUntil(lambda: session.identity is not None, timeout=20000)
    return wizard, session


def screenshot(widget, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path


@pytest.fixture
def connected(qtbot, practice_wizard):
    """The practice wizard in first-time setup, connected, on the Connect page."""
    wizard = practice_wizard
    wizard.currentPage().harden.click()
    qtbot.waitUntil(lambda: wizard.session.identity is not None, timeout=20000)
    return wizard


def goto_step(qtbot, wizard, step: int):
    """Advance to step N, skipping the steps before it with a reason."""
    from app.model import Step

    wizard.next()
    for earlier in range(1, step):
        page = wizard.currentPage()
        qtbot.waitUntil(lambda: not page.busy, timeout=20000)
        wizard.session.skipped[Step(earlier)] = "tested elsewhere"
        page._update()
        wizard.next()
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: not page.busy and len(wizard.session.step_findings(page.step)) == len(page.cards), timeout=20000)
    return page
