"""The Identity Center sign-in in the wizard, driven as a person would: the real dialog, a local
fake of SSO OIDC and the portal, then the role's credentials against a moto server."""
from __future__ import annotations

import copy
import os

import pytest

from app.flow import FlowState, Mode, PageId
from app.session import WizardSession
from tests.identity_center_fake import SECRET_MARK, FakeIdentityCenter
from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import screenshot

pytestmark = pytest.mark.server
TIMEOUT = 20000
ACCOUNTS = [{"accountId": "123456789012", "accountName": "prod", "emailAddress": "aws-prod@example.com", "roles": ["AdministratorAccess", "SecurityAudit"]},
            {"accountId": "210987654321", "accountName": "dev", "emailAddress": "dev@example.com", "roles": ["AdministratorAccess"]}]


@pytest.fixture
def connect_page(qtbot, endpoint, monkeypatch, tmp_path, data_home):
    from ui.wizard import RootwardenWizard

    with FakeIdentityCenter(copy.deepcopy(ACCOUNTS)) as fake:  # tests change accounts: never the shared list
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", fake.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", fake.url)
        (tmp_path / "config").write_text("[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
                                         "sso_region = eu-west-1\n")
        session = WizardSession(flow=FlowState(Mode.SETUP), keyring_backend=MemoryKeyring())
        wizard = RootwardenWizard(session)
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.next()
        assert wizard.currentId() == PageId.CONNECT
        page = wizard.currentPage()
        page.keep_wizard_alive = wizard
        yield page, fake, session


def in_dialog(qtbot, page, steps):
    from PySide6.QtCore import QTimer

    done: list = []

    def poll():
        dialog = page.identity_center_dialog
        if dialog is not None and dialog.isVisible():
            try:
                steps(dialog)
                done.append(True)
            except BaseException as failure:  # close the modal dialog, then fail the test with this
                done.append(f"{failure!r}; dialog said: {dialog.message.text()}")
                dialog.reject()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return done


def test_sign_in_shows_code_and_qr_then_accounts_and_roles_then_connects(qtbot, connect_page, tmp_path):
    import zxingcpp  # decodes the QR code back
    import numpy as np

    page, fake, session = connect_page
    seen: dict = {}

    def walk(dialog):
        assert dialog.portals.itemText(0) == "corp — https://d-1234567890.awsapps.com/start (eu-west-1)"
        screenshot(dialog, "identity-center-1-portal")
        dialog.also_cli.setChecked(True)
        dialog.start_button.click()
        qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 1, timeout=TIMEOUT)
        seen["code"] = dialog.user_code.text()
        assert "expires in" in dialog.waiting.text()
        image = dialog.qr.grab().toImage().convertToFormat(dialog.qr.grab().toImage().Format.Format_Grayscale8)
        pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())[:, :image.width()]
        seen["qr"] = sorted({r.text for r in zxingcpp.read_barcodes(pixels)})  # one symbol may be reported twice
        screenshot(dialog, "identity-center-2-code")
        fake.approve(seen["code"])
        qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2 and dialog.roles.count() == 1, timeout=TIMEOUT)
        assert [dialog.accounts.item(i).text() for i in range(dialog.accounts.count())] == [
            "dev — 210987654321 (dev@example.com)", "prod — 123456789012 (aws-prod@example.com)"]
        dialog.accounts.setCurrentRow(1)
        qtbot.waitUntil(lambda: dialog.roles.count() == 2 and dialog.roles.item(1).text() == "SecurityAudit", timeout=TIMEOUT)
        dialog.roles.setCurrentRow(1)
        screenshot(dialog, "identity-center-3-choose")
        seen["note"] = dialog.message.text()
        dialog.use_role()

    done = in_dialog(qtbot, page, walk)
    page.identity_center_button.click()
    assert done == [True], done
    qtbot.waitUntil(lambda: page.isComplete(), timeout=TIMEOUT)
    assert seen["qr"] == [f"https://device.sso.eu-west-1.amazonaws.com/?user_code={seen['code']}"]
    assert page.fields["Account ID"].text() == "123456789012" and page.fields["Credentials"].text() == "temporary credentials"
    assert "~/.aws/sso/cache" not in seen["note"] and str(tmp_path / ".aws" / "sso" / "cache") in seen["note"]
    assert page.save_button.isVisible() and "IAM Identity Center with the role SecurityAudit" in page.status.text()
    screenshot(page, "identity-center-4-connected")
    # Nothing secret is shown anywhere on the page.
    from PySide6.QtWidgets import QLabel

    assert not [w.text() for w in page.findChildren(QLabel) if SECRET_MARK in w.text()]


def test_cancel_while_waiting_stops_polling_and_connects_nothing(qtbot, connect_page):
    page, fake, session = connect_page

    def cancel(dialog):
        dialog.start_button.click()
        qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 1, timeout=TIMEOUT)
        dialog.cancel_button.click()

    done = in_dialog(qtbot, page, cancel)
    page.identity_center_button.click()
    assert done == [True] and not page.isComplete()
    from ui.tasks import wait_for_all

    assert wait_for_all(5000)  # the polling task ends (a request already on the wire may still land)
    polls = len(fake.poll_times())
    qtbot.wait(2500)  # longer than the fake's 1-second interval: a live poller would have asked again
    assert len(fake.poll_times()) == polls


def test_a_bad_start_url_is_refused_in_the_form(qtbot, connect_page):
    page, fake, session = connect_page

    def bad(dialog):
        dialog.portals.setCurrentIndex(dialog.portals.count() - 1)
        dialog.start_url.setText("http://<b>phish</b>")
        dialog.start_button.click()
        bad.text = dialog.message.text()
        dialog.reject()

    done = in_dialog(qtbot, page, bad)
    page.identity_center_button.click()
    assert done == [True] and "Start URL" in bad.text and fake.operations() == []


def test_saving_the_sign_in_as_a_profile_keeps_only_refresh_material_and_reconnects_without_a_browser(qtbot, connect_page):
    page, fake, session = connect_page

    def walk(dialog):
        dialog.start_button.click()
        qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 1, timeout=TIMEOUT)
        fake.approve()
        qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2 and dialog.roles.count() == 1, timeout=TIMEOUT)
        dialog.accounts.setCurrentRow(1)
        qtbot.waitUntil(lambda: dialog.roles.count() == 2, timeout=TIMEOUT)
        dialog.use_role()

    done = in_dialog(qtbot, page, walk)
    page.identity_center_button.click()
    assert done == [True], done
    qtbot.waitUntil(lambda: page.isComplete(), timeout=TIMEOUT)
    page.save_button.click()
    form = page.saved_box.dialog
    assert "IAM Identity Center role AdministratorAccess via https://d-1234567890.awsapps.com/start" in form.sso_label.text()
    assert not form.secret.isVisible() and not form.use_keys.isVisible()
    form.name.setText("prod-sso")
    screenshot(form, "identity-center-5-save-profile")
    form.submit()
    qtbot.waitUntil(lambda: page.saved_box.list.count() == 1, timeout=TIMEOUT)
    assert "IAM Identity Center role AdministratorAccess" in page.saved_box.list.item(0).text()
    keyring = session.keyring_backend
    assert SECRET_MARK not in keyring.get_password("rootwarden", "profiles/prod-sso")
    before = fake.operations().count("StartDeviceAuthorization")
    page.saved_box.list.setCurrentRow(0)
    page.use_saved.setChecked(True)
    page.connect_now()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=TIMEOUT)
    assert page.fields["Account ID"].text() == "123456789012"
    assert fake.operations().count("StartDeviceAuthorization") == before  # renewed with the refresh token, no browser


def test_a_hostile_role_name_is_shown_as_text(qtbot, connect_page):
    page, fake, session = connect_page
    hostile = '<h1 style="color:red">Owned</h1>'
    fake.accounts[0]["roles"] = [hostile]
    fake.accounts[1]["accountName"] = "sandbox\nproduction — 999999999999 (root@corp.example)"  # prod, second in the list by name

    def walk(dialog):
        dialog.start_button.click()
        qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 1, timeout=TIMEOUT)
        fake.approve()
        qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2 and dialog.accounts.count() == 2, timeout=TIMEOUT)
        prod = next(i for i in range(2) if dialog.accounts.item(i).text().startswith("prod —"))
        dialog.accounts.setCurrentRow(prod)
        qtbot.waitUntil(lambda: dialog.roles.count() == 1 and dialog.roles.item(0).text() == hostile, timeout=TIMEOUT)
        assert all("\n" not in dialog.accounts.item(i).text() for i in range(dialog.accounts.count()))
        dialog.use_role()

    done = in_dialog(qtbot, page, walk)
    page.identity_center_button.click()
    assert done == [True], done
    qtbot.waitUntil(lambda: page.isComplete(), timeout=TIMEOUT)
    assert "&lt;h1" in page.status.text() and "<h1" not in page.status.text()
    assert session.saved_profile is None


def test_a_renewed_sign_in_the_keyring_refuses_to_keep_is_connected_and_said(qtbot, connect_page):
    """Attacker review #9 in the wizard: connected, and the page says the renewal was not saved."""
    from keyring.errors import KeyringLocked

    from app import profiles
    from tests.test_identity_center import signed_in

    page, fake, session = connect_page
    store = profiles.ProfileStore(session.keyring_backend)
    store.add(profiles.Profile("prod-sso", "123456789012", "eu-west-1", sso_start_url="https://d-1234567890.awsapps.com/start",
                               sso_region="eu-west-1", sso_session="corp", sso_role="AdministratorAccess"),
              profiles.sso_material(signed_in(fake)))

    def locked(service, username, password):
        raise KeyringLocked("locked")

    session.keyring_backend.set_password = locked
    page.saved_box.load()
    qtbot.waitUntil(lambda: page.saved_box.list.count() == 1, timeout=TIMEOUT)
    page.saved_box.list.setCurrentRow(0)
    page.use_saved.setChecked(True)
    page.connect_now()
    qtbot.waitUntil(lambda: page.isComplete() or page.connect_button.isEnabled(), timeout=TIMEOUT)
    assert page.isComplete(), page.status.text()
    assert page.warning.isVisible() and "could not be saved in the keyring" in page.warning.text()
    assert "prod-sso" in page.warning.text() and "sign in with IAM Identity Center again" in page.warning.text()
    screenshot(page, "connect-renewal-not-saved")
