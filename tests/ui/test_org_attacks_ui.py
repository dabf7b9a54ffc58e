"""An attacker's second look at the Organization path's wizard (pytest-qt, offscreen, the real
pages and dialogs on the practice organization)."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication

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


def test_contacts_put_reach_the_change_log_even_when_the_read_back_fails(qtbot, practice_wizard, monkeypatch):
    """The contacts are put, then the wizard reads them back for the table. If that read fails as
    a whole (here DescribeOrganization is refused by then), the page said "Changes made before
    it are kept in the change log" — but the puts that AWS did make were dropped: the signed
    record would not show them."""
    from moto.organizations.responses import OrganizationsResponse

    from tests.ui.test_org_wizard_fixes import AnswerContactDialogs
    from ui import errors

    wizard = practice_wizard
    page = scanned(qtbot, wizard)
    page.verdict_filter.setCurrentIndex(page.verdict_filter.findText("Fail"))
    filter_to(page, practice_org.member_id(practice_org.NO_CONTACTS))
    (target,) = [m.id for m in page.shown_members()]
    shown_errors: list[Exception] = []
    monkeypatch.setattr(errors, "show_error", lambda parent, error: shown_errors.append(error))

    class RefuseAfterConfirming(AnswerContactDialogs):
        def _look(self) -> None:
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, self.listing_type) and dialog.isVisible() and not getattr(dialog, "_answered", False):
                def refused(this):
                    raise moto_org._service_error("AccessDeniedException", "You don't have permissions to access this resource.")
                monkeypatch.setattr(OrganizationsResponse, "describe_organization", refused)
            super()._look()

    answers = RefuseAfterConfirming()
    page.contact_button.click()
    qtbot.waitUntil(lambda: bool(answers.listings) and not wizard.org.busy, timeout=TIMEOUT)
    answers.timer.stop()
    account = wizard.session.aws.client("account")
    assert account.get_alternate_contact(AccountId=target, AlternateContactType="SECURITY")["AlternateContact"]["Name"]
    log = [e for e in wizard.org.work.change_log if e["kind"] == "put-alternate-contact"]
    assert [(e["account_id"], e["outcome"]) for e in log] == [(target, "done")], "a contact AWS now has is not in the change log"
