"""Signed in as root with a root access key: Step 1 deletes the other root keys now and the key
in use last, at Done, and says so."""
from __future__ import annotations


import pytest

from app.flow import PageId
from app.model import Step
from tests.ui.conftest import real_wizard_on_connect

TIMEOUT = 20000
IN_USE = "AKIAROOTKEYINUSE0001"
OTHER = "AKIAROOTKEYOTHER0001"


@pytest.fixture
def root_wizard(qtbot, account, monkeypatch, data_home):

    account.add_root_key(key_id=IN_USE, last_used_days=0)
    account.add_root_key(key_id=OTHER, active=False)
    wizard, _ = real_wizard_on_connect(qtbot, monkeypatch, (IN_USE, "r" * 40), connect=True)
    return wizard


def test_root_deletes_its_keys_in_use_last(qtbot, root_wizard, account, confirmations, shown_errors):
    wizard, session = root_wizard, root_wizard.session
    connect = wizard.currentPage()
    assert connect.fields["Root user"].text() == "Yes"
    assert "long-term root access key" in connect.warning.text()
    wizard.next()
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: not page.busy and "root.access-keys" in session.findings, timeout=TIMEOUT)
    assert page.panel.delete_button.isVisible() and not page.panel.guide.isVisible()
    page.panel.delete_button.click()
    qtbot.waitUntil(lambda: bool(confirmations) and not page.busy and bool(session.audit.entries()), timeout=TIMEOUT)
    title, changes, typed = confirmations[0]
    assert typed == "DELETE" and len(changes) == 3 and "the one this session used" in changes[-1]
    assert [k.access_key_id for k in account.root.access_keys] == [IN_USE]  # the key in use is still there
    assert page.isComplete() and "very end" in page.state.text()
    for step in (Step.MFA, Step.LIMIT_USE, Step.IDENTITY, Step.CONTACTS, Step.ALERTS):
        session.skipped[step] = "root-flow test"
    for _ in range(6):
        wizard.next()
    assert wizard.currentId() == PageId.REVIEW
    review = wizard.currentPage()
    qtbot.waitUntil(lambda: not review.runs.busy, timeout=TIMEOUT)
    assert "After saving: Delete root access key" in review.state.text()
    review.operator.setText("Root Operator")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.DONE, timeout=TIMEOUT)
    done = wizard.currentPage()
    qtbot.waitUntil(lambda: "has been deleted" in done.deferred.text(), timeout=TIMEOUT)
    assert account.root.access_keys == []
    assert shown_errors == []
    saved = _predicate(session)
    assert [e["action"] for e in saved["audit_log"]] == ["iam:UpdateAccessKey", "iam:DeleteAccessKey"]
    assert "the one this session used" in saved["pending_changes"][0]
    assert IN_USE not in session.saved_path.read_text() and OTHER not in session.saved_path.read_text()  # masked


def _predicate(session) -> dict:
    from app.record.completion import read, verify_bytes
    from app.record.signing_key import SigningKey

    return verify_bytes(read(session.saved_path), SigningKey(session.keyring_backend).public_key()).predicate
