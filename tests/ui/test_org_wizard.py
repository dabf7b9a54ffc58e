"""The wizard's Organization path (SPEC §12 "Wizard"), driven through the real pages on the
practice organization: Welcome → Connect → the audit (disclosure first) → the results table.
Plus the table's model/view at 10,000 synthetic accounts."""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from app.errors import Throttled
from app.flow import Mode, PageId
from app.model import Outcome, Reason, Status
from app.org import member_checks
from app.org.inventory import Member
from app.org.member_audit import MemberAuditor
from app.org.scan import DISCLOSURE, MemberResult, ScanRequest
from app.org.summary import member_row
from app.practice import organization as practice_org
from app.text_safety import for_terminal
from ui.org.path import OrgPage
from ui.org.table_model import ID, NAME, OU, ROW_ROLE, VERDICT, MemberFilter, MemberTableModel

TIMEOUT = 30000
MEMBERS = practice_org.MEMBER_COUNT + 1  # the 50 members and the management account
FAILING = set(practice_org.PASSWORD_AND_MFA + practice_org.PASSWORD_NO_MFA + practice_org.ACTIVE_ROOT_KEY
              + (practice_org.INACTIVE_ROOT_KEY,) + practice_org.SIGNING_CERTIFICATES
              + practice_org.MISSING_SECURITY_CONTACT + (practice_org.NO_CONTACTS,))
UNKNOWN = {practice_org.SCP_DENIES_ROOT, practice_org.HOSTILE}  # an SCP keeps one out; one has a contact name AWS would refuse
CLEAR = 26  # credential-free, all three contacts


def shot(widget, name: str) -> Path:
    """A screenshot among the others (tests/screenshots/, not kept in git)."""
    from tests.ui.conftest import screenshot

    path = screenshot(widget, f"org-{name}")
    assert path.exists()
    return path


def shown_rows(page) -> list:
    proxy = page.proxy
    return [proxy.data(proxy.index(r, 0), ROW_ROLE) for r in range(proxy.rowCount())]


def column_texts(page, column: int) -> list[str]:
    proxy = page.proxy
    return [proxy.data(proxy.index(r, column)) for r in range(proxy.rowCount())]


def on_scan_page(qtbot, wizard):
    """Welcome → Organization → Connect (the practice organization) → the scan page."""
    wizard.currentPage().organization.click()
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.CONNECT and wizard.session.identity is not None, timeout=TIMEOUT)
    wizard.next()
    assert wizard.currentId() == OrgPage.READINESS  # read at once: the practice organization is ready
    qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=TIMEOUT)
    assert wizard.currentPage().readiness.ready
    wizard.next()
    assert wizard.currentId() == OrgPage.SCAN
    return wizard.currentPage()


def scanned(qtbot, wizard):
    page = on_scan_page(qtbot, wizard)
    page.start_button.click()
    qtbot.waitUntil(page.isComplete, timeout=TIMEOUT)
    wizard.next()
    assert wizard.currentId() == OrgPage.RESULTS
    return wizard.currentPage()


def step_words(wizard) -> list[str]:
    steps = wizard.step_list
    return [steps.item(row).text().replace("\n", ": ") for row in range(steps.count())]


# -- Welcome, Connect, disclosure ------------------------------------------------------------------

def test_the_organization_entry_leads_through_connect_to_the_audit(qtbot, practice_wizard):
    wizard = practice_wizard
    welcome = wizard.currentPage()
    assert welcome.organization.isVisible() and welcome.organization.isEnabled()
    assert "member account's root user" in welcome.organization.description()
    shot(wizard, "01-welcome-organization-entry")
    page = on_scan_page(qtbot, wizard)
    assert isinstance(wizard.session.practice, practice_org.PracticeOrganization)
    assert wizard.session.identity.account_id == "123456789012"  # the practice organization's management account
    assert step_words(wizard) == ["Welcome: Done", "Connect: Done", "Readiness: Done", "Audit the members: Current", "Member accounts & fixes: Not yet", "Review & sign: Not yet", "Done: Not yet"]
    assert not page.isComplete()


def test_outside_practice_the_entry_goes_to_connect_and_starts_no_simulation(qtbot, data_home):
    from app.flow import FlowState
    from app.session import WizardSession
    from tests.memory_keyring import MemoryKeyring
    from ui.wizard import RootwardenWizard

    session = WizardSession(flow=FlowState(), keyring_backend=MemoryKeyring())
    wizard = RootwardenWizard(session)
    qtbot.addWidget(wizard)
    wizard.show()
    welcome = wizard.currentPage()
    assert [b.isVisible() for b in (welcome.harden, welcome.reverify, welcome.organization, welcome.practice)] == [True] * 4
    assert "simulated" not in welcome.organization.description()
    shot(wizard, "00-welcome-organization-entry-real")
    welcome.organization.click()
    assert wizard.currentId() == PageId.CONNECT and session.practice is None and session.identity is None
    assert wizard.currentPage().connect_button.isVisible()  # the real Connect page, waiting for the user
    assert step_words(wizard) == ["Welcome: Done", "Connect: Current", "Readiness: Not yet", "Audit the members: Not yet", "Member accounts & fixes: Not yet", "Review & sign: Not yet", "Done: Not yet"]


def test_the_disclosure_is_shown_and_nothing_runs_before_start(qtbot, practice_wizard, monkeypatch):
    from ui.org import scan_page

    wizard = practice_wizard
    called = []
    monkeypatch.setattr(scan_page, "scan", lambda *a, **k: called.append(a))  # any audit would land here
    page = on_scan_page(qtbot, wizard)
    aws_calls = []
    real_call = wizard.session.aws.call
    monkeypatch.setattr(wizard.session.aws, "call", lambda *a, **k: (aws_calls.append(a), real_call(*a, **k))[1])
    QApplication.processEvents()  # let any queued work show itself
    assert page.disclosure.isVisible() and DISCLOSURE in page.disclosure.text()
    assert page.disclosure.textFormat() == Qt.TextFormat.PlainText
    assert page.start_button.isVisible() and page.start_button.isEnabled()
    assert not page.progress.isVisible() and not page.cancel_button.isVisible()
    assert called == [] and aws_calls == [] and not page.busy
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    shot(wizard, "02-scan-before-start")


# -- a full practice audit and its table -----------------------------------------------------------

def test_a_full_practice_audit_fills_the_table_exceptions_first(qtbot, practice_wizard):
    wizard = practice_wizard
    page = scanned(qtbot, wizard)
    scan_page = wizard.page(OrgPage.SCAN)
    assert scan_page.progress.value() == 48 and "Done." in scan_page.status.text()
    assert page.model.rowCount() == MEMBERS and page.proxy.rowCount() == MEMBERS
    assert page.coverage.text() == "Reached 48 of 49 active member accounts."
    assert page.coverage.isVisible()
    verdicts = [row.verdict for row in shown_rows(page)]
    assert verdicts[:len(FAILING)] == [Status.FAIL] * len(FAILING)  # exceptions first by default
    assert verdicts[len(FAILING)] == Status.UNKNOWN
    assert [v for v in verdicts if v is Status.NOT_APPLICABLE] == verdicts[-2:]  # management, suspended
    assert {row.account_id for row in shown_rows(page) if row.verdict is Status.FAIL} == {practice_org.member_id(n) for n in FAILING}
    scp = next(row for row in shown_rows(page) if row.account_id == practice_org.member_id(practice_org.SCP_DENIES_ROOT))
    assert scp.not_passed == "All five: Unknown" and "service control policy" in scp.unreached
    by_id = {row.account_id: row for row in shown_rows(page)}
    assert by_id[practice_org.member_id(8)].not_passed == "Fail: Password, Access keys, MFA, Credential-free"
    assert by_id[practice_org.member_id(10)].not_passed == "Fail: Credential-free; Warning: Signing certificates"
    assert by_id[practice_org.member_id(CLEAR)].not_passed == "" and by_id[practice_org.member_id(CLEAR)].verdict is Status.PASS
    assert page.showing.text() == f"{MEMBERS} accounts"
    assert step_words(wizard)[2:] == ["Readiness: Done", "Audit the members: Done", "Member accounts & fixes: Needs action",
                                      "Review & sign: Not yet", "Done: Not yet"]

    icon = page.proxy.data(page.proxy.index(0, VERDICT), Qt.ItemDataRole.DecorationRole)
    assert not icon.isNull() and page.proxy.data(page.proxy.index(0, VERDICT)) == "Fail"  # colour and word
    page.table.selectRow(0)
    text = page.details.toPlainText()
    assert text.count("\n    ") == 8 and "Fail: Member root user has no password (root-password)" in text
    shot(wizard, "04-results-unfiltered")


def test_filters_by_verdict_ou_and_text(qtbot, practice_wizard):
    wizard = practice_wizard
    page = scanned(qtbot, wizard)
    verdicts = page.verdict_filter
    verdicts.setCurrentIndex(verdicts.findText("Fail"))
    assert {row.verdict for row in shown_rows(page)} == {Status.FAIL} and page.proxy.rowCount() == len(FAILING)
    assert page.showing.text() == f"Showing {len(FAILING)} of {MEMBERS} accounts"
    verdicts.setCurrentIndex(verdicts.findText("Needs attention"))
    assert page.proxy.rowCount() == len(FAILING) + len(UNKNOWN)
    verdicts.setCurrentIndex(verdicts.findText("Not applicable"))
    assert sorted(column_texts(page, ID)) == ["123456789012", practice_org.member_id(practice_org.SUSPENDED)]
    verdicts.setCurrentIndex(0)

    ous = page.ou_filter
    assert [ous.itemText(i) for i in range(ous.count())] == ["All OUs", "Root", "Root/Sandbox", "Root/Security", "Root/Workloads",
                                                             "Root/Workloads/Dev", "Root/Workloads/Prod"]
    ous.setCurrentIndex(ous.findText("Root/Workloads"))  # an OU and everything below it
    assert sorted(column_texts(page, ID)) == [practice_org.member_id(n) for n in range(1, 31)]
    ous.setCurrentIndex(ous.findText("Root"))
    assert page.proxy.rowCount() == MEMBERS
    ous.setCurrentIndex(0)

    qtbot.keyClicks(page.text_filter, "MEMBER-0")  # case does not matter
    assert sorted(column_texts(page, NAME)) == [f"practice-member-0{n}" for n in range(1, 10)]
    verdicts.setCurrentIndex(verdicts.findText("Fail"))  # filters combine
    assert page.proxy.rowCount() == 9 and page.showing.text() == f"Showing 9 of {MEMBERS} accounts"
    shot(wizard, "05-results-filtered")
    page.text_filter.clear()
    qtbot.keyClicks(page.text_filter, practice_org.member_id(42))
    assert column_texts(page, ID) == [] and page.showing.text() == f"Showing 0 of {MEMBERS} accounts"  # 42 passes
    verdicts.setCurrentIndex(0)
    assert column_texts(page, ID) == [practice_org.member_id(42)]


def test_sorting_by_clicking_the_headers(qtbot, practice_wizard):
    wizard = practice_wizard
    page = scanned(qtbot, wizard)
    header = page.table.horizontalHeader()

    def click(column: int) -> None:
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                         pos=header.rect().center().__class__(header.sectionViewportPosition(column) + 10, 5))

    click(ID)
    ids = column_texts(page, ID)
    assert ids == sorted(ids) and header.sortIndicatorSection() == ID
    click(ID)
    assert column_texts(page, ID) == sorted(ids, reverse=True)
    click(NAME)
    names = column_texts(page, NAME)
    assert names == sorted(names, key=str.casefold)
    click(VERDICT)
    ranks = [row.rank for row in shown_rows(page)]
    assert ranks == sorted(ranks)


def test_a_hostile_account_name_shows_as_its_characters(qtbot, practice_wizard):
    wizard = practice_wizard
    page = scanned(qtbot, wizard)
    qtbot.keyClicks(page.text_filter, practice_org.member_id(practice_org.HOSTILE))
    assert page.proxy.rowCount() == 1
    literal = for_terminal(practice_org.HOSTILE_NAME)
    assert literal == "<b>ALL PASSED</b>\\x1b[2J\\x07\\u202e evil"
    cell = page.proxy.index(0, NAME)
    assert page.proxy.data(cell) == literal
    assert page.table.itemDelegate().displayText(page.proxy.data(cell), QLocale()) == literal  # what the cell draws
    tooltip = QTextDocument()
    tooltip.setHtml(page.proxy.data(cell, Qt.ItemDataRole.ToolTipRole))  # tooltips are read as rich text: escaped
    assert tooltip.toPlainText() == literal
    page.table.selectRow(0)
    assert page.details.toPlainText().startswith(literal + " — ")
    assert "\x1b" not in page.details.toPlainText() and "\u202e" not in page.details.toPlainText()


def test_the_management_account_links_to_the_single_account_checks(qtbot, practice_wizard):
    wizard = practice_wizard
    page = scanned(qtbot, wizard)
    management = next(row for row in shown_rows(page) if row.is_management)
    assert management.verdict is Status.NOT_APPLICABLE and "rootwarden verify" in management.unreached
    identity = wizard.session.identity
    assert page.management_button.isVisible()
    page.management_button.click()
    assert wizard.currentId() == PageId.CHECKLIST and wizard.session.flow.mode is Mode.REVERIFY
    assert wizard.session.identity is identity  # the same connection
    assert step_words(wizard)[:3] == ["Welcome: Done", "Connect: Done", "Re-verification checklist: Current"]
    checklist = wizard.currentPage()
    qtbot.waitUntil(lambda: not checklist.runs.busy, timeout=TIMEOUT)


def test_the_single_account_practice_flow_stays_on_the_plain_practice_account(qtbot, practice_wizard):
    from app.practice.account import PracticeAccount

    wizard = practice_wizard
    on_scan_page(qtbot, wizard)
    wizard.back()
    wizard.back()
    wizard.back()
    assert wizard.currentId() == PageId.WELCOME
    wizard.currentPage().harden.click()
    qtbot.waitUntil(lambda: wizard.session.identity is not None, timeout=TIMEOUT)
    assert type(wizard.session.practice) is PracticeAccount and not wizard.org.chosen
    assert step_words(wizard)[2].startswith("Step 1")


# -- cancel ---------------------------------------------------------------------------------------

class GatedAuditor:
    """The real auditor for the first ``free`` accounts; later ones wait for ``gate``. The last
    free account to arrive is throttled once first, so AWS's throttling shows (for a few seconds)
    when the progress stops at ``free``."""

    def __init__(self, context, free: int) -> None:
        self.real = MemberAuditor(context)
        self.free = free
        self.gate = threading.Event()
        self.lock = threading.Lock()
        self.started: list[str] = []
        self.throttled_once = False

    def audit(self, account_id: str):
        with self.lock:
            if len(self.started) == self.free - 1 and not self.throttled_once:
                self.throttled_once = True
                raise Throttled("AWS throttled sts:AssumeRoot.", "sts:AssumeRoot", "Throttling")
            self.started.append(account_id)
            wait = len(self.started) > self.free
        if wait:
            assert self.gate.wait(TIMEOUT / 1000), "the test never opened the gate"
        return self.real.audit(account_id)


def test_cancel_keeps_what_was_done_and_the_rest_is_unknown(qtbot, practice_wizard, monkeypatch):
    from app.org import pool
    from ui.stall_meter import StallMeter

    monkeypatch.setattr(pool, "THROTTLE_MEMORY", 600.0)  # a slow machine must not outlast "throttled recently"
    wizard = practice_wizard
    page = on_scan_page(qtbot, wizard)
    auditor = page.auditor = GatedAuditor(wizard.session.aws, free=5)
    page.request = ScanRequest(workers=4, start_workers=4, backoff=0.01)
    meter = StallMeter()
    try:
        page.start_button.click()
        qtbot.waitUntil(lambda: page.progress.value() == 5 and page.throttling.isVisible(), timeout=TIMEOUT)
        assert page.throttling.text().startswith("AWS is throttling: slowing down to ")
        assert page.progress.maximum() == 49 and page.status.text().startswith("5 of 49 accounts audited")
        shot(wizard, "03-scan-in-progress")
        page.cancel_button.click()
        meter.start()
        assert page.cancel_button.text() == "Cancelling…" and not page.cancel_button.isEnabled()
        ticks = []  # the event loop keeps running while the accounts in flight are waited for
        timer = QTimer(interval=5, timeout=lambda: ticks.append(1))
        timer.start()
        qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=TIMEOUT)
        timer.stop()
        assert page.busy and not page.isComplete() and not page.start_button.isEnabled()
    finally:
        auditor.gate.set()
    qtbot.waitUntil(lambda: not page.busy, timeout=TIMEOUT)
    assert meter.stop() < 500  # ms; the event loop kept running
    result = wizard.org.result
    assert result.cancelled
    in_flight = len(auditor.started)
    reached = len(set(auditor.started) - {practice_org.member_id(practice_org.SCP_DENIES_ROOT)})
    cancelled = [m for m in result.members if m.reason == "cancelled"]
    assert len(cancelled) == 49 - in_flight > 0
    assert all(f.status is Status.UNKNOWN for m in cancelled for f in m.findings)
    wizard.next()
    results = wizard.currentPage()
    assert results.coverage.text() == (f"Reached {reached} of 49 active member accounts — the audit was cancelled; "
                                       f"{len(cancelled)} accounts not audited (Unknown).")
    rows = {row.account_id: row for row in shown_rows(results)}
    for member in cancelled:
        row = rows[member.member.id]
        assert row.verdict_word == "Unknown" and row.unreached.startswith("The run was cancelled")


# -- the model at 10,000 rows ---------------------------------------------------------------------

def synthetic(n: int) -> MemberResult:
    """Account ``n``: verdicts cycle fail, unknown, warn, pass, not applicable; OUs in a tree."""
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    member = Member(f"{400000000000 + n}", f"account-{n:05d}", "ACTIVE", "CREATED", ou=f"Root/Team{n % 4}/Env{n % 3}")
    kind = n % 5
    if kind == 1:
        outcomes = member_checks.same_for_all(Status.UNKNOWN, Reason.ASSUME_ROOT_DENIED, "denied")
        return MemberResult(member, member_checks.findings(outcomes, now), False, reason="assume-root-denied")
    if kind == 4:
        outcomes = member_checks.same_for_all(Status.NOT_APPLICABLE, Reason.SUSPENDED_ACCOUNT, "suspended")
        return MemberResult(member, member_checks.findings(outcomes, now), False, reason="suspended-account")
    status = {0: Status.FAIL, 2: Status.WARN, 3: Status.PASS}[kind]
    outcomes = [(info, Outcome(Status.PASS if i else status, "x", {}, Reason.COMPLIANT if status is Status.PASS and not i
                               else Reason.NON_COMPLIANT if i == 0 else Reason.COMPLIANT))
                for i, info in enumerate(member_checks.MEMBER_CHECKS)]
    return MemberResult(member, member_checks.findings(outcomes, now), True)


class CountingModel(MemberTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        self.calls += 1
        return super().data(index, role)


@pytest.fixture(scope="module")
def ten_thousand():
    return [member_row(synthetic(n), "none") for n in range(10_000)]


def test_ten_thousand_rows_in_batches_sort_and_filter(qtbot, ten_thousand):
    from PySide6.QtWidgets import QTableView

    model, proxy = CountingModel(), MemberFilter()
    proxy.setSourceModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(VERDICT, Qt.SortOrder.AscendingOrder)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    inserted = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append(last - first + 1))
    for start in range(0, 10_000, 1000):
        model.add_rows(ten_thousand[start:start + 1000])
    assert inserted == [1000] * 10 and model.rowCount() == proxy.rowCount() == 10_000

    ranks = [proxy.data(proxy.index(r, 0), ROW_ROLE).rank for r in range(proxy.rowCount())]
    assert ranks == sorted(ranks) and ranks[0] == 0 and ranks[-1] == 4  # kept sorted as batches arrived
    model.calls = 0
    view.sortByColumn(ID, Qt.SortOrder.DescendingOrder)
    QApplication.processEvents()  # painting the visible rows counts too
    assert 0 < model.calls < 3000  # a sort reads no cell of 10,000 rows: only what is painted
    ids = [proxy.data(proxy.index(r, ID)) for r in range(10_000)]
    assert ids == sorted((row.account_id for row in ten_thousand), reverse=True)
    view.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
    assert proxy.data(proxy.index(0, NAME)) == "account-00000" and proxy.data(proxy.index(9999, NAME)) == "account-09999"

    proxy.set_verdicts([Status.WARN])
    assert proxy.rowCount() == 2000 and all(proxy.data(proxy.index(r, VERDICT)) == "Warning" for r in range(2000))
    proxy.set_verdicts(None)
    proxy.set_ou("Root/Team1")  # the OU and the OUs below it
    assert proxy.rowCount() == 2500
    assert {proxy.data(proxy.index(r, OU)) for r in range(2500)} == {"Root/Team1/Env0", "Root/Team1/Env1", "Root/Team1/Env2"}
    proxy.set_ou("Root/Team1/Env2")
    assert proxy.rowCount() == len([n for n in range(10_000) if n % 4 == 1 and n % 3 == 2])
    proxy.set_ou("Root/Team")  # not an OU: no prefix match inside a name
    assert proxy.rowCount() == 0
    proxy.set_ou(None)
    proxy.set_text("ACCOUNT-0999")
    assert proxy.rowCount() == 10 and proxy.data(proxy.index(0, NAME)) == "account-09990"
    proxy.set_text("400000009999")
    assert proxy.rowCount() == 1
    proxy.set_text("")
    assert proxy.rowCount() == 10_000


def test_a_selection_follows_its_row_when_sorted(qtbot, ten_thousand):
    from PySide6.QtWidgets import QTableView

    model, proxy = MemberTableModel(), MemberFilter()
    proxy.setSourceModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    model.set_rows(ten_thousand[:100])
    view.sortByColumn(ID, Qt.SortOrder.AscendingOrder)
    view.selectRow(3)
    chosen = proxy.data(view.currentIndex(), ROW_ROLE).account_id
    view.sortByColumn(ID, Qt.SortOrder.DescendingOrder)
    assert proxy.data(view.currentIndex(), ROW_ROLE).account_id == chosen and view.currentIndex().row() == 96


def test_the_simulation_is_not_switched_while_an_audit_is_still_stopping(qtbot, practice_wizard):
    from app.practice.account import PracticeAccount

    wizard = practice_wizard
    page = on_scan_page(qtbot, wizard)
    auditor = page.auditor = GatedAuditor(wizard.session.aws, free=0)
    auditor.throttled_once = True
    organization = wizard.session.practice
    try:
        page.start_button.click()
        qtbot.waitUntil(lambda: len(auditor.started) > 0, timeout=TIMEOUT)
        wizard.back()  # stops the audit; the accounts in flight still run on the simulation
        wizard.back()
        wizard.back()
        welcome = wizard.currentPage()
        welcome.harden.click()
        assert wizard.currentId() == PageId.WELCOME and wizard.session.practice is organization
        assert welcome.preparing.isVisible() and "still stopping" in welcome.preparing.text()
    finally:
        auditor.gate.set()
    qtbot.waitUntil(lambda: not wizard.org.busy, timeout=TIMEOUT)
    assert wizard.org.result is None  # a run left by Back delivers nothing
    welcome.harden.click()
    qtbot.waitUntil(lambda: wizard.session.identity is not None, timeout=TIMEOUT)
    assert type(wizard.session.practice) is PracticeAccount and not welcome.preparing.isVisible()
