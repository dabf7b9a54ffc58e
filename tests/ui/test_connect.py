"""The Connect page on a (simulated) real account: identity shown, wrong account refused."""
from __future__ import annotations

import pytest

from app.flow import FlowState, Mode, PageId
from app.session import WizardSession

TIMEOUT = 20000


@pytest.fixture
def connect_page(qtbot, account, monkeypatch, data_home):
    from ui.wizard import RootwardenWizard

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", account.admin_keys[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", account.admin_keys[1])
    session = WizardSession(flow=FlowState(Mode.SETUP))
    wizard = RootwardenWizard(session)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
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
