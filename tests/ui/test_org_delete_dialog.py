"""The deletion confirmation of organization mode, driven as a person would: it lists exactly
what changes per account (names as their characters), and only the exact `DELETE <n>` lets the
Delete button act — Enter in the field included."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.org.delete import prepare
from app.org.scan import ScanRequest
from app.practice.organization import HOSTILE, PASSWORD_AND_MFA, SCP_DENIES_ROOT, member_id
from app.practice import moto_gaps
from tests.ui.conftest import screenshot
from ui.org.delete_dialog import DeleteRootCredentialsDialog


def test_listing_and_typed_confirmation(qtbot, organization):
    moto_gaps.extras(member_id(HOSTILE)).root.password = True
    accounts = tuple(member_id(n) for n in (PASSWORD_AND_MFA[0], HOSTILE, SCP_DENIES_ROOT, 20))
    preparation = prepare(organization.aws_context(), ScanRequest(accounts=accounts, backoff=0.01, contacts_rate=500.0))
    dialog = DeleteRootCredentialsDialog(None, preparation)
    qtbot.addWidget(dialog)
    dialog.show()
    listing = dialog.listing.toPlainText()
    assert "Will change 2 account(s)" in listing and member_id(PASSWORD_AND_MFA[0]) in listing
    assert "<b>ALL PASSED</b>\\x1b[2J" in listing and "\x1b" not in listing  # the hostile name, as its characters
    assert "could not be reached, nothing will change (scp-denies-root-session)" in listing
    assert "unassigned" in listing  # the virtual MFA device that stays
    assert dialog.wanted == "DELETE 2" and not dialog.ok.isEnabled()
    for wrong in ("DELETE 3", "delete 2", "DELETE２", "DELETE"):
        dialog.word.setText(wrong)
        assert not dialog.ok.isEnabled()
        qtbot.keyClick(dialog.word, Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    dialog.word.clear()
    qtbot.keyClicks(dialog.word, "DELETE 2")
    assert dialog.ok.isEnabled()
    screenshot(dialog, "org-delete-confirmation")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
