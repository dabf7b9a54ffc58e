"""An attacker's second look at the Organization path's wizard (pytest-qt, offscreen, the real
pages and dialogs on the practice organization)."""
from __future__ import annotations

from app.practice import moto_org
from app.practice import organization as practice_org
from tests.ui.test_org_wizard import TIMEOUT, scanned
from tests.ui.test_org_wizard_fixes import TypedDeletion, filter_to
from ui.org.path import OrgPage

NO_MFA = practice_org.member_id(practice_org.PASSWORD_NO_MFA[0])


def test_no_new_audit_starts_while_a_deletion_runs(qtbot, practice_wizard):
    """Back from the table while the deletion runs, then *Audit again*: a second AWS task would
    run beside the deletion, and the deletion's end would clear ``busy`` under the running audit
    (the practice organization could then be stopped under it). The audit must wait."""
    wizard = practice_wizard
    page = scanned(qtbot, wizard)
    filter_to(page, NO_MFA)
    assert page.with_root_credentials() == [NO_MFA]
    moto_org.faults(NO_MFA).latency = 0.3  # the deletion takes a moment: long enough to press Back
    answer = TypedDeletion()
    page.delete_button.click()
    qtbot.waitUntil(lambda: bool(answer.listings) and wizard.org.busy and "Deleting" in page.fix_state.text(), timeout=TIMEOUT)
    answer.timer.stop()
    wizard.back()
    assert wizard.currentId() == OrgPage.SCAN
    scan_page = wizard.currentPage()
    scan_page.start_button.click()
    started = scan_page.task is not None
    qtbot.waitUntil(lambda: not wizard.org.busy and scan_page.task is None, timeout=TIMEOUT)
    moto_org.faults(NO_MFA).latency = 0.0
    assert not started, "an audit was started while the deletion was still running"
