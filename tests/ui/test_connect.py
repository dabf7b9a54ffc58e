"""The Connect page on a (simulated) real account: identity shown, wrong account refused."""
from __future__ import annotations

import pytest

from app.flow import FlowState, Mode, PageId
from app.session import WizardSession
from tests.ui.conftest import screenshot, real_wizard_on_connect

TIMEOUT = 20000


@pytest.fixture
def connect_page(qtbot, account, monkeypatch, data_home):
    wizard, _ = real_wizard_on_connect(qtbot, monkeypatch, account.admin_keys)
    assert wizard.currentId() == PageId.CONNECT
    page = wizard.currentPage()
    page.keep_wizard_alive = wizard
    return page


def test_connects_with_the_standard_chain_and_shows_who(qtbot, connect_page):
    page = connect_page
    assert page.help.isVisible() and "aws login" in page.help.text()
    page.connect_button.click()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=TIMEOUT)
    assert page.fields["Account ID"].text() == "123456789012"
    assert page.fields["Caller"].text().endswith(":user/admin")
    assert page.fields["Root user"].text() == "No"
    assert page.fields["Credentials"].text() == "long-term access key"


def test_wrong_account_is_refused(qtbot, connect_page):
    page = connect_page
    page.expected.setText("111122223333")
    page.connect_button.click()
    qtbot.waitUntil(lambda: "Wrong account" in page.status.text(), timeout=TIMEOUT)
    assert "111122223333" in page.status.text() and "123456789012" in page.status.text()
    assert not page.isComplete() and not page.who.isVisible()


def test_invalid_account_id_is_caught_before_any_call(qtbot, connect_page):
    calls: list = []
    import botocore.client

    page = connect_page
    page.expected.setText("12345")
    original = botocore.client.BaseClient._make_api_call
    botocore.client.BaseClient._make_api_call = lambda self, *a, **k: calls.append(a) or original(self, *a, **k)
    try:
        page.connect_button.click()
    finally:
        botocore.client.BaseClient._make_api_call = original
    assert "12 digits" in page.status.text() and calls == []


def test_profiles_list_shows_their_kind(tmp_path, monkeypatch):
    from app import connection

    config = tmp_path / "config"
    config.write_text("[profile corp]\nsso_session = corp\nsso_account_id = 1\n[profile fresh]\nlogin_session = arn:aws:iam::1:root\n"
                      "[profile ci]\ncredential_process = /bin/true\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    kinds = {p.name: p.kind for p in connection.aws_profiles()}
    assert kinds == {"corp": "IAM Identity Center (SSO)", "fresh": "aws login (console credentials)", "ci": "credential process"}


# -- saved profiles ------------------------------------------------------------------------------
def fill(dialog, **values):
    for name, value in values.items():
        widget = getattr(dialog, name)
        if hasattr(widget, "setCurrentText"):
            widget.setCurrentText(value)
        elif hasattr(widget, "setPlainText"):
            widget.setPlainText(value)
        elif hasattr(widget, "setChecked"):
            widget.setChecked(value)
        else:
            widget.setText(value)


def test_add_a_keyed_profile_and_connect_with_it(qtbot, connect_page, account):
    page = connect_page
    qtbot.waitUntil(lambda: "No saved profiles" in page.saved_box.message.text(), timeout=TIMEOUT)
    page.saved_box.add_button.click()
    dialog = page.saved_box.dialog
    fill(dialog, name="prod", account="123456789012", use_keys=True, key_id=account.admin_keys[0], secret=account.admin_keys[1])
    dialog.submit()
    qtbot.waitUntil(lambda: page.saved_box.list.count() == 1, timeout=TIMEOUT)
    assert "prod — account 123456789012" in page.saved_box.list.item(0).text()
    assert page.use_saved.isChecked()
    page.connect_button.click()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=TIMEOUT)
    assert page.fields["Caller"].text().endswith(":user/admin") and not page.save_button.isVisible()
    screenshot(page.window(), "60-connect-saved-profile")
    # Editing shows the key ID but never the secret; leaving it empty keeps the stored one.
    page.saved_box.edit_button.click()
    qtbot.waitUntil(lambda: page.saved_box.dialog is not dialog, timeout=TIMEOUT)
    edit = page.saved_box.dialog
    assert edit.key_id.text() == account.admin_keys[0] and edit.secret.text() == "" and edit.secret.placeholderText() == "unchanged"
    fill(edit, notes="edited")
    edit.submit()
    from app.profiles import ProfileStore

    store = ProfileStore(page.session.keyring_backend)
    qtbot.waitUntil(lambda: store.get("prod").notes == "edited", timeout=TIMEOUT)
    assert store.secret("prod")[0] == account.admin_keys[1]


def test_saved_profile_pinned_to_another_account_is_refused(qtbot, connect_page, account):
    from app.profiles import Profile, ProfileStore

    page = connect_page
    ProfileStore(page.session.keyring_backend).add(Profile("other", "111122223333", "us-east-1", access_key_id=account.admin_keys[0]),
                                                   account.admin_keys[1])
    page.saved_box.load()
    qtbot.waitUntil(lambda: page.saved_box.list.count() == 1, timeout=TIMEOUT)
    page.connect_button.click()
    qtbot.waitUntil(lambda: "Wrong account" in page.status.text(), timeout=TIMEOUT)
    assert not page.isComplete()


def test_every_profile_field_is_validated_in_the_dialog(qtbot, connect_page):
    page = connect_page
    page.saved_box.add_button.click()
    dialog = page.saved_box.dialog
    screenshot(dialog, "61-profile-dialog")
    good = dict(name="prod", account="123456789012", region="us-east-1", use_keys=True, key_id="AKIAIOSFODNN7EXAMPLE", secret="s" * 40)
    for bad, words in ((dict(name="has space"), "Name"), (dict(account="1234"), "Account ID"), (dict(region="moon-1"), "Region"),
                       (dict(key_id="AKIA"), "Access key ID"), (dict(secret="short"), "Secret access key"),
                       (dict(key_id="ASIAIOSFODNN7EXAMPLE"), "Session token"), (dict(notes="n" * 501), "Notes")):
        fill(dialog, **{**good, "notes": "", **bad})
        dialog.submit()
        assert dialog.error.text().startswith(words) and dialog.result_value is None
    assert page.session.keyring_backend.entries == {}


def test_save_a_working_connection_as_a_profile(qtbot, connect_page):
    page = connect_page
    page.connect_button.click()
    qtbot.waitUntil(lambda: page.save_button.isVisible(), timeout=TIMEOUT)
    page.save_button.click()
    dialog = page.saved_box.dialog
    assert dialog.account.text() == "123456789012" and dialog.use_aws_profile.isChecked()
    fill(dialog, name="from-chain")
    dialog.submit()
    qtbot.waitUntil(lambda: page.saved_box.list.count() == 1, timeout=TIMEOUT)


def test_no_keyring_explains_and_keeps_other_ways_in(qtbot, account, monkeypatch, data_home):
    from keyring.backends import fail

    from ui.wizard import RootwardenWizard

    session = WizardSession(flow=FlowState(Mode.SETUP), keyring_backend=fail.Keyring())
    wizard = RootwardenWizard(session)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: "No usable OS keyring" in page.saved_box.message.text(), timeout=TIMEOUT)
    assert not page.saved_box.add_button.isEnabled() and page.chain.isChecked() and "still work" in page.saved_box.message.text()


def test_connect_with_an_aws_config_profile(qtbot, account, tmp_path, monkeypatch, data_home):
    from tests.memory_keyring import MemoryKeyring
    from ui.wizard import RootwardenWizard

    (tmp_path / "config").write_text("[profile prod-admin]\nregion = eu-west-1\n")
    (tmp_path / "credentials").write_text(
        f"[prod-admin]\naws_access_key_id = {account.admin_keys[0]}\naws_secret_access_key = {account.admin_keys[1]}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    session = WizardSession(flow=FlowState(Mode.SETUP), keyring_backend=MemoryKeyring())
    wizard = RootwardenWizard(session)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.currentPage()
    assert page.profiles.itemText(0) == "prod-admin — access key"
    page.use_profile.setChecked(True)
    page.expected.setText("1234-5678-9012")  # the console's dashed form is accepted
    page.connect_button.click()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=TIMEOUT)
    assert session.aws.session.profile_name == "prod-admin"


def _wizard_on_connect(qtbot, tmp_path, monkeypatch, config: str, credentials: str = ""):
    from tests.memory_keyring import MemoryKeyring
    from ui.wizard import RootwardenWizard

    (tmp_path / "config").write_text(config)
    (tmp_path / "credentials").write_text(credentials)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    session = WizardSession(flow=FlowState(Mode.SETUP), keyring_backend=MemoryKeyring())
    wizard = RootwardenWizard(session)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.currentPage()
    page.keep_wizard_alive = wizard
    return session, page


MFA_CONFIG = """[profile ops]
role_arn = arn:aws:iam::123456789012:role/ops
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/alice
region = eu-west-2
[profile base]
region = ap-southeast-2
"""


def _in_mfa_dialog(qtbot, page, steps):
    """Run ``steps(dialog)`` once the real MFA code dialog is open (it is modal)."""
    from PySide6.QtCore import QTimer

    done: list[bool] = []

    def poll():
        if page.mfa_dialog is not None and page.mfa_dialog.isVisible():
            steps(page.mfa_dialog)
            done.append(True)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return done


def test_mfa_role_asks_for_the_code_in_a_dialog_and_uses_the_profiles_region(qtbot, account, tmp_path, monkeypatch, data_home):
    session, page = _wizard_on_connect(qtbot, tmp_path, monkeypatch, MFA_CONFIG,
                                       f"[base]\naws_access_key_id = {account.admin_keys[0]}\naws_secret_access_key = {account.admin_keys[1]}\n")
    assert page.profiles.itemText(0) == "base — access key" and page.profiles.itemText(1) == "ops — assume role with MFA"
    page.profiles.setCurrentIndex(1)
    assert page.region.currentText() == "eu-west-2 (the profile's region)"
    seen: list[str] = []

    def type_codes(dialog):
        seen.append(dialog.intro.text())
        dialog.field.setText("12345")
        dialog.accept()  # refused: five digits
        seen.append(dialog.problem.text())
        assert dialog.isVisible()
        screenshot(dialog, "connect-mfa-code-dialog")
        dialog.field.setText("123 456")
        dialog.accept()

    done = _in_mfa_dialog(qtbot, page, type_codes)
    page.connect_button.click()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=TIMEOUT)
    assert done and "arn:aws:iam::123456789012:mfa/alice" in seen[0] and "6 digits" in seen[1]
    assert ":assumed-role/ops/" in page.fields["Caller"].text()
    assert session.aws.region == "eu-west-2"


def test_cancelling_the_mfa_code_tries_nothing(qtbot, account, tmp_path, monkeypatch, data_home):
    import botocore.client

    session, page = _wizard_on_connect(qtbot, tmp_path, monkeypatch, MFA_CONFIG)
    page.profiles.setCurrentIndex(1)
    calls: list = []
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", lambda self, *a, **k: calls.append(a))
    done = _in_mfa_dialog(qtbot, page, lambda dialog: dialog.reject())
    page.connect_button.click()
    assert done and "cancelled" in page.status.text() and not calls and not page.isComplete()


def test_a_region_picked_by_the_user_wins_over_the_profiles(qtbot, account, tmp_path, monkeypatch, data_home):
    session, page = _wizard_on_connect(qtbot, tmp_path, monkeypatch, "[profile base]\nregion = ap-southeast-2\n",
                                       f"[base]\naws_access_key_id = {account.admin_keys[0]}\naws_secret_access_key = {account.admin_keys[1]}\n")
    assert page.chain.isChecked() and page.region.currentText() == "us-east-1 (no region set in the profile)"
    page.use_profile.setChecked(True)
    assert page.region.currentText() == "ap-southeast-2 (the profile's region)"
    page.region.setCurrentText("eu-central-1")
    page.connect_button.click()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=TIMEOUT)
    assert session.aws.region == "eu-central-1"


def test_connect_page_errors_use_the_wizards_words(qtbot, tmp_path, monkeypatch, data_home):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    session, page = _wizard_on_connect(qtbot, tmp_path, monkeypatch, "")
    page.connect_button.click()
    qtbot.waitUntil(lambda: "No AWS credentials" in page.status.text(), timeout=TIMEOUT)
    assert "--" not in page.status.text() and "Identity Center" in page.status.text()


def test_a_saved_identity_center_profile_never_asks_for_the_default_profiles_mfa_code(qtbot, tmp_path, monkeypatch, data_home):
    """Attacker review #13: the default profile assumes a role with MFA; connecting with a saved
    Identity Center profile must not open an MFA dialog for that unrelated device."""
    from app.profiles import Profile, ProfileStore

    session, page = _wizard_on_connect(qtbot, tmp_path, monkeypatch,
                                       "[default]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\n"
                                       "mfa_serial = arn:aws:iam::123456789012:mfa/default-device\n[profile base]\n")
    material = '{"refresh_token": "r", "client_id": "c", "client_secret": "s", "registration_expires_at": "2099-01-01T00:00:00Z"}'
    ProfileStore(session.keyring_backend).add(Profile("corp-sso", "123456789012", "eu-west-1", sso_start_url="https://d-1234567890.awsapps.com/start",
                                                      sso_region="eu-west-1", sso_role="Admin"), material)
    page.saved_box.load()
    qtbot.waitUntil(lambda: page.saved_box.list.count() == 1, timeout=TIMEOUT)
    page.saved_box.list.setCurrentRow(0)
    page.use_saved.setChecked(True)
    opened = _in_mfa_dialog(qtbot, page, lambda dialog: dialog.reject())
    page.connect_button.click()
    qtbot.waitUntil(lambda: page.connect_button.isEnabled(), timeout=TIMEOUT)
    assert not opened and "cancelled" not in page.status.text()


def test_a_typed_region_survives_changing_the_profile(qtbot, account, tmp_path, monkeypatch, data_home):
    """Attacker review #16: typing a region, then picking another profile, kept the profile's region."""
    session, page = _wizard_on_connect(qtbot, tmp_path, monkeypatch, "[profile a]\nregion = ap-southeast-2\n[profile b]\nregion = eu-west-2\n",
                                       f"[a]\naws_access_key_id = {account.admin_keys[0]}\naws_secret_access_key = {account.admin_keys[1]}\n"
                                       f"[b]\naws_access_key_id = {account.admin_keys[0]}\naws_secret_access_key = {account.admin_keys[1]}\n")
    page.use_profile.setChecked(True)
    assert page.region.currentText() == "ap-southeast-2 (the profile's region)"
    page.region.lineEdit().selectAll()
    qtbot.keyClicks(page.region.lineEdit(), "eu-central-1")
    page.profiles.setCurrentIndex(1)
    assert page.region.currentText() == "eu-central-1"
    assert page.region.itemText(0) == "eu-west-2 (the profile's region)"
    page.connect_button.click()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=TIMEOUT)
    assert session.aws.region == "eu-central-1" and session.aws.session.profile_name == "b"


def test_a_role_chain_with_two_mfa_devices_asks_a_code_for_each_in_one_dialog(qtbot, account, tmp_path, monkeypatch, data_home):
    """Attacker review #4 in the wizard."""
    config = MFA_CONFIG + ("[profile ops-twice]\nrole_arn = arn:aws:iam::123456789012:role/outer\nsource_profile = ops\n"
                           "mfa_serial = arn:aws:iam::123456789012:mfa/bob\nregion = eu-west-2\n")
    session, page = _wizard_on_connect(qtbot, tmp_path, monkeypatch, config,
                                       f"[base]\naws_access_key_id = {account.admin_keys[0]}\naws_secret_access_key = {account.admin_keys[1]}\n")
    page.profiles.setCurrentIndex(page.profiles.findData("ops-twice"))
    seen: list = []

    def type_codes(dialog):
        seen.append([field.accessibleName() for field in dialog.fields])
        dialog.fields[0].setText("111111")
        dialog.accept()  # refused: the second device's code is missing
        seen.append(dialog.problem.text())
        screenshot(dialog, "connect-mfa-two-devices")
        dialog.fields[1].setText("222222")
        dialog.accept()

    done = _in_mfa_dialog(qtbot, page, type_codes)
    page.connect_button.click()
    qtbot.waitUntil(lambda: page.isComplete() or page.connect_button.isEnabled(), timeout=TIMEOUT)
    assert done and page.isComplete(), page.status.text()
    assert seen[0] == ["MFA code 1 for arn:aws:iam::123456789012:mfa/alice", "MFA code 2 for arn:aws:iam::123456789012:mfa/bob"]
    assert "code 2" in seen[1]
    assert ":assumed-role/outer/" in page.fields["Caller"].text()
