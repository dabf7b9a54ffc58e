"""Scheduled re-verification in the wizard: the Done page's "Re-verify every … days" and each
schedule's last outcome on the Welcome page."""
from __future__ import annotations


import pytest

from app.flow import FlowState, Mode
from app.session import WizardSession
from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import screenshot

TIMEOUT = 20000


@pytest.fixture
def homes(tmp_path, monkeypatch, data_home):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("ROOTWARDEN_NO_SYSTEMCTL", "1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    (tmp_path / "aws-config").write_text("[profile corp]\nsso_session = c\n[sso-session c]\nsso_start_url = https://x.awsapps.com/start\n")
    return tmp_path


def _box(qtbot, saved_profile):
    from app import profiles
    from ui.widgets.schedule_box import ScheduleBox

    keyring = MemoryKeyring()
    store = profiles.ProfileStore(keyring)
    store.add(profiles.Profile("prod", "123456789012", "eu-west-1", access_key_id="AKIAIOSFODNN7EXAMPLE"), "s" * 40)
    store.add(profiles.Profile("corp", "123456789012", "eu-west-1", aws_profile="corp"))
    session = WizardSession(flow=FlowState(Mode.SETUP), keyring_backend=keyring, saved_profile=saved_profile)
    box = ScheduleBox(session)
    qtbot.addWidget(box)
    box.refresh()
    box.show()
    return box


def test_done_page_schedules_the_saved_profile(qtbot, homes):
    from app.schedule import store

    box = _box(qtbot, "prod")
    box.days.setValue(14)
    box.schedule_button.click()
    qtbot.waitUntil(lambda: "Re-verifying prod" in box.message.text(), timeout=TIMEOUT)
    assert "every 14 days" in box.message.text() and "systemctl --user" in box.message.text()
    assert store.load()["prod"].every_days == 14
    assert (homes / "config" / "systemd" / "user" / "rootwarden-verify-prod.timer").exists()
    box.resize(720, box.heightForWidth(720) if box.hasHeightForWidth() else box.sizeHint().height())
    screenshot(box, "done-schedule-box")


def test_a_profile_that_cannot_run_unattended_is_refused_with_the_reason(qtbot, homes):
    from app.schedule import store

    box = _box(qtbot, "corp")
    box.schedule_button.click()
    qtbot.waitUntil(lambda: "cannot run unattended" in box.message.text(), timeout=TIMEOUT)
    assert "IAM Identity Center" in box.message.text() and store.load() == {}


def test_without_a_saved_profile_the_box_says_how_to_get_one(qtbot, homes):
    box = _box(qtbot, None)
    assert not box.schedule_button.isEnabled() and "Save as a profile" in box.message.text()


def test_welcome_shows_each_schedules_last_outcome_as_text(qtbot, homes, data_home):
    from app.schedule import store
    from ui.pages.welcome import WelcomePage

    store.save({"prod": store.Schedule("prod", "prod", 30)})
    store.record_outcome({"schedule": "prod", "time": "2026-11-27T09:12:00Z", "exit_code": 1, "summary": "<b>2 fail</b>, 9 pass"})
    page = WelcomePage(WizardSession(flow=FlowState(None)))
    qtbot.addWidget(page)
    text = page.schedules.text()
    assert "prod, every 30 days: last run 2026-11-27T09:12:00Z: something failed (<b>2 fail</b>, 9 pass)" in text
    assert page.schedules.textFormat().name == "PlainText"
    (data_home / "rootwarden" / "schedules.json").write_text("{broken")
    assert "damaged" in WelcomePage(WizardSession(flow=FlowState(None))).schedules.text()
