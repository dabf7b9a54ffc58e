"""The member accounts: coverage, then a sortable, filterable table, exceptions first.

The table is ``ui.org.table_model`` (a model/view, smooth at 10,000 rows); selecting a row
shows its five findings in the details pane, as plain text. The management account is not
audited through a root session: a button takes this connection to the single-account
re-verification of its root user. *Delete root credentials in the shown accounts…* audits those
accounts again, shows the deletion confirmation (``ui.org.delete_dialog``) and runs the deletion;
the table then shows each account's re-audit. UI thread only.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit,
                               QTableView, QVBoxLayout, QWizardPage)

from app.model import Status
from app.org.scan import OrgScan
from app.org.summary import coverage_line, details, rows
from app.session import WizardSession
from app.text_safety import for_terminal
from ui.org.path import OrgState
from ui.org.table_model import NO_OU, ROW_ROLE, UNREACHED, VERDICT, MemberFilter, MemberTableModel
from ui.plain import plain_label
from ui.tasks import change_pool, run_task
from ui.widgets.controls import button

CREDENTIAL_FREE = "member.root-credential-free"
FILL_BATCH = 500  # rows added per turn of the event loop when an organization is large

NEEDS_ATTENTION = (Status.FAIL, Status.UNKNOWN, Status.WARN)
VERDICT_CHOICES: tuple[tuple[str, tuple[Status, ...] | None], ...] = (
    ("All verdicts", None), ("Needs attention", NEEDS_ATTENTION),
    *((status.label, (status,)) for status in (Status.FAIL, Status.UNKNOWN, Status.WARN, Status.PASS, Status.NOT_APPLICABLE)))
WIDTHS = (105, 140, 140, 70, 85, 200)  # "Why not reached" takes what is left
NO_SELECTION = "Select an account to see its checks and what each found."


class ResultsPage(QWizardPage):
    def __init__(self, session: WizardSession, org: OrgState) -> None:
        super().__init__()
        self.session, self.org = session, org
        self.shown: OrgScan | None = None
        self.setTitle("Member accounts")
        self.setSubTitle("Exceptions first. Filter, then fix the shown accounts; Next reviews and signs the record.")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.coverage = plain_label()
        self.coverage.setAccessibleName("Coverage")
        self.coverage.setStyleSheet("font-weight: bold; font-size: 11pt")
        self.showing = QLabel()
        self.showing.setAccessibleName("Accounts shown")
        self.showing.setMinimumWidth(self.showing.fontMetrics().horizontalAdvance("Showing 100000 of 100000 accounts"))
        self.showing.setAlignment(Qt.AlignmentFlag.AlignRight)
        top.addWidget(self.coverage, 1)
        top.addWidget(self.showing, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(top)

        bar = QHBoxLayout()
        self.verdict_filter = QComboBox()
        self.verdict_filter.setAccessibleName("Show verdict")
        self.verdict_filter.setToolTip("Needs attention: Fail, Unknown or Warning")
        for text, verdicts in VERDICT_CHOICES:
            self.verdict_filter.addItem(text, verdicts)
        self.ou_filter = QComboBox()
        self.ou_filter.setAccessibleName("Show organizational unit")
        self.ou_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.text_filter = QLineEdit(placeholderText="Account ID or name")
        self.text_filter.setAccessibleName("Filter by account ID or name")
        self.text_filter.setClearButtonEnabled(True)
        for caption, widget in (("&Verdict:", self.verdict_filter), ("&OU:", self.ou_filter), ("&Find:", self.text_filter)):
            label = QLabel(caption)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget, 1 if widget is self.text_filter else 0)
        layout.addLayout(bar)

        self.model = MemberTableModel(self)
        self.proxy = MemberFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setAccessibleName("Member accounts")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        for column, width in enumerate(WIDTHS):
            header.resizeSection(column, width)
        header.setSectionResizeMode(UNREACHED, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.sortByColumn(VERDICT, Qt.SortOrder.AscendingOrder)  # exceptions first
        layout.addWidget(self.table, 1)

        self.details = QPlainTextEdit(readOnly=True)  # plain text by construction
        self.details.setAccessibleName("Account details")
        self.details.setPlaceholderText(NO_SELECTION)
        self.details.setMaximumHeight(self.details.fontMetrics().lineSpacing() * 9)
        layout.addWidget(self.details)

        fixes = QHBoxLayout()
        self.delete_button = button("&Delete root credentials in the shown accounts…",
                                    "Delete root credentials in the accounts shown", self.delete_shown)
        self.delete_button.setToolTip("Audits the shown accounts that still have root credentials again, lists exactly what "
                                      "will be deleted in each, and asks you to type DELETE and the number of accounts.")
        self.fix_state = plain_label()
        self.fix_state.setAccessibleName("Fix status")
        self.contact_button = button("Add a missing &contact in the shown accounts…",
                                     "Add a missing alternate contact in the accounts shown", self.add_contact)
        fixes.addWidget(self.delete_button)
        fixes.addWidget(self.contact_button)
        fixes.addWidget(self.fix_state, 1)
        layout.addLayout(fixes)

        footer = QHBoxLayout()
        self.management_button = button("Check the &management account's root user…",
                                        "Check the management account's root user", self.check_management_account)
        self.management_note = plain_label()
        self.management_note.setStyleSheet("color: gray")
        footer.addWidget(self.management_button)
        footer.addWidget(self.management_note, 1)
        layout.addLayout(footer)

        self.verdict_filter.currentIndexChanged.connect(lambda _: self._filter(lambda: self.proxy.set_verdicts(
            self.verdict_filter.currentData())))
        self.ou_filter.currentIndexChanged.connect(lambda _: self._filter(lambda: self.proxy.set_ou(self.ou_filter.currentData())))
        self.text_filter.textChanged.connect(lambda text: self._filter(lambda: self.proxy.set_text(text)))
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset, self.proxy.layoutChanged):
            signal.connect(self._count)

    def initializePage(self) -> None:
        if self.org.result is not None and self.org.result is not self.shown:
            self.show_result(self.org.result)

    def show_result(self, result: OrgScan) -> None:
        self.shown = result
        self.coverage.setText(coverage_line(result))
        self._fill(result)
        self.ou_filter.blockSignals(True)
        self.ou_filter.clear()
        self.ou_filter.addItem("All OUs", None)
        paths = {m.member.ou for m in result.members}
        # Every enclosing OU too (Root/Workloads holds Root/Workloads/Prod): the filter takes an OU and all below it.
        paths |= {"/".join(ou.split("/")[:n]) for ou in paths if ou for n in range(1, ou.count("/") + 1)}
        for ou in sorted(paths):
            self.ou_filter.addItem(for_terminal(ou) if ou else NO_OU, ou)
        self.ou_filter.blockSignals(False)
        self.proxy.set_ou(None)
        self.details.clear()
        self._count()
        identity = self.session.identity
        here = identity is not None and identity.account_id == result.management_account_id
        self.management_button.setVisible(here)
        self.management_note.setText(
            "The management account is not audited through a root session: this opens the single-account "
            "re-verification on this connection." if here else
            f"The management account ({result.management_account_id}) is not audited through a root session: connect "
            "with it and choose Re-verify to check its root user.")

    def _fill(self, result: OrgScan) -> None:
        """The rows: at once for a small organization; for a large one in batches, one per turn
        of the event loop, so the UI never stalls while 10,000 rows arrive (bench-org measures it)."""
        from PySide6.QtCore import QTimer

        from app.org.summary import member_row

        self._filling = getattr(self, "_filling", 0) + 1  # a newer result stops an older fill
        generation = self._filling
        if len(result.members) <= FILL_BATCH:
            self.model.set_rows(rows(result))
            return
        # A large audit is a large, long-lived object graph: Python's full garbage collections
        # would walk all of it, again and again, each a pause of 100 ms and more on the UI thread
        # (bench-org measured it). Freezing moves what exists now out of the collector's view;
        # reference counting still frees it when the audit is replaced.
        import gc

        gc.freeze()
        self.model.set_rows([])
        members = iter(result.members)

        def more() -> None:
            if generation != self._filling:
                return
            batch = [member_row(m, result.management_account_id) for _, m in zip(range(FILL_BATCH), members)]
            last = len(batch) < FILL_BATCH
            self.model.add_rows(batch, resort=last)  # sorted once, when all are in
            self._count()
            if not last:
                QTimer.singleShot(0, more)

        more()

    def _filter(self, change) -> None:  # type: ignore[no-untyped-def]
        change()
        self._count()

    def _count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.showing.setText(f"Showing {shown} of {total} accounts" if shown != total else f"{total} accounts")

    def _selected(self, current: QModelIndex, previous: QModelIndex) -> None:
        row = self.proxy.data(current, ROW_ROLE) if current.isValid() else None
        self.details.setPlainText(details(row.result) if row is not None else "")

    # -- deleting member root credentials ------------------------------------------------------------
    def with_root_credentials(self) -> list[str]:
        """The shown accounts whose root user still has credentials (reached, credential-free failing)."""
        found = []
        for row_number in range(self.proxy.rowCount()):
            row = self.proxy.data(self.proxy.index(row_number, 0), ROW_ROLE)
            if row is not None and row.result.reached and any(
                    f.id == CREDENTIAL_FREE and f.status == Status.FAIL for f in row.result.findings):
                found.append(row.result.member.id)
        return found

    def delete_shown(self) -> None:
        from app.org.delete import prepare
        from app.org.scan import ScanRequest

        accounts, context = self.with_root_credentials(), self.session.aws
        if not accounts:
            self.fix_state.setText("No shown account has root credentials left to delete.")
            return
        if context is None or self.org.busy:
            return
        self._busy(f"Auditing {len(accounts)} account(s) again to list exactly what would be deleted…")
        request = ScanRequest(accounts=tuple(accounts), contacts=False)
        run_task(lambda p, c: prepare(context, request), self._prepared, self._fix_failed, pool=change_pool())

    def _prepared(self, preparation: object) -> None:
        from ui.org.delete_dialog import confirm_deletion

        self.org.busy = False
        self.org.work.record_preparation(preparation)  # its audit's root sessions belong in the record, confirmed or not
        if not preparation.to_change:  # type: ignore[attr-defined]
            self._idle("Nothing to delete: the accounts were audited again and have no root credentials that can be deleted now.")
            return
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is not self:  # the user left the table while it was planned
            self._idle("Not asked: you left the table before the plan was ready; nothing was changed.")
            return
        if not confirm_deletion(self, preparation):
            self._idle("Not confirmed: nothing was changed.")
            return
        from app.org.delete import execute

        context, plans = self.session.aws, preparation.to_change  # type: ignore[attr-defined]
        self._busy(f"Deleting root credentials in {len(plans)} account(s), then auditing each again…")
        run_task(lambda p, c: execute(context, plans), self._deleted, self._fix_failed, pool=change_pool())

    def _deleted(self, run: object) -> None:
        self.org.work.record_deletion(run)
        accounts = run.accounts  # type: ignore[attr-defined]
        free = sum(1 for a in accounts if any(f.id == CREDENTIAL_FREE and f.status == Status.PASS for f in a.findings))
        failed = sum(1 for a in accounts if a.failed or a.reason)
        self.show_result(self.org.result)  # type: ignore[arg-type]
        self._idle(f"{free} of {len(accounts)} account(s) now credential-free"
                   + (f"; {failed} with a change that did not complete (see the account's details)" if failed else "")
                   + ". Every change is in the record's change log.")

    # -- alternate contacts ------------------------------------------------------------------------
    def shown_members(self) -> list[object]:
        """The shown member accounts a contact can be put on: ACTIVE, not the management account."""
        found = []
        for row_number in range(self.proxy.rowCount()):
            row = self.proxy.data(self.proxy.index(row_number, 0), ROW_ROLE)
            if row is not None and row.result.member.active and self.shown is not None \
                    and row.result.member.id != self.shown.management_account_id:
                found.append(row.result.member)
        return found

    def add_contact(self) -> None:
        from ui.org.contacts_dialog import ask_contact

        members, context = self.shown_members(), self.session.aws
        if not members:
            self.fix_state.setText("No shown account can take a contact (only ACTIVE member accounts can).")
            return
        if context is None or self.org.busy:
            return
        contact = ask_contact(self, len(members))
        if contact is None:
            return
        reads, puts = self._contact_rates()
        self._busy(f"Reading the {contact.contact_type.lower()} contact of {len(members)} account(s)…")

        def planned(progress: object, cancelled: object) -> object:
            from app.org import contacts_put
            from app.org.contacts import AccountCaller
            from app.org.rate import RateLimiter

            return contacts_put.plan(AccountCaller(context, RateLimiter(reads)), members, [contact], overwrite=False)

        run_task(planned, lambda plans: self._contact_planned(plans, puts), self._fix_failed, pool=change_pool())

    def _contact_rates(self) -> tuple[float, float]:
        from app.org.rate import CONTACT_PUTS, CONTACT_READS

        if self.session.flow.practice:  # the simulation has no AWS quota
            from app.practice.organization import CONTACT_READS_PER_SECOND

            return CONTACT_READS_PER_SECOND, CONTACT_READS_PER_SECOND
        return CONTACT_READS, CONTACT_PUTS

    def _contact_planned(self, plans: list, puts: float) -> None:
        from app.org import contacts_put
        from app.text.org_contacts import contact_listing
        from ui.org.contacts_dialog import confirm_listing

        self.org.busy = False
        changes = [p for p in plans if p.action == contacts_put.PUT]
        if not changes:
            self._idle("Nothing to add: every shown account has this contact already (or it could not be read).")
            return
        if not confirm_listing(self, f"Add the contact in {len(changes)} account(s)", contact_listing(plans, overwrite_hint=False),
                               f"Add in {len(changes)} account(s)"):
            self._idle("Not confirmed: nothing was changed.")
            return
        context, reads = self.session.aws, self._contact_rates()[0]
        management = self.shown.management_account_id if self.shown is not None else None
        self._busy(f"Adding the contact in {len(changes)} account(s), then reading each back…")

        def applied(progress: object, cancelled: object) -> object:
            import threading

            from app.errors import RootwardenError
            from app.org.contacts import AccountCaller, read_member_contacts
            from app.org.rate import RateLimiter

            reader = AccountCaller(context, RateLimiter(reads))
            results = contacts_put.apply(AccountCaller(context, RateLimiter(puts)), reader, plans, threading.Event())
            changed = sorted({r.planned.member.id for r in results})
            try:  # the puts are made: a failed read-back must not lose them from the change log
                findings = read_member_contacts(context, changed, RateLimiter(reads),
                                                management_account_id=management) if changed else {}
            except RootwardenError:
                findings = {}  # the table keeps the contacts as last read; each put's own read-back is in its outcome
            return results, findings

        run_task(applied, self._contact_applied, self._fix_failed, pool=change_pool())

    def _contact_applied(self, outcome: tuple) -> None:
        from app.org import contacts_put

        results, findings = outcome
        self.org.work.record_contacts(contacts_put.change_log(results), {k: tuple(v) for k, v in findings.items()})
        done = sum(1 for r in results if r.result == contacts_put.DONE)
        self.show_result(self.org.result)  # type: ignore[arg-type]
        self._idle(f"Contact added in {done} of {len(results)} account(s)"
                   + ("; see the accounts' details for the others." if done < len(results) else ".")
                   + " Every change is in the record's change log.")

    def _fix_failed(self, error: Exception) -> None:
        from ui import errors

        self._idle("Stopped: see the message. Changes made before it are kept in the change log.")
        errors.show_error(self, error)

    def _busy(self, text: str) -> None:
        self.org.busy = True
        self.fix_state.setText(text)
        self.delete_button.setEnabled(False)
        self.contact_button.setEnabled(False)
        self.completeChanged.emit()

    def _idle(self, text: str) -> None:
        self.org.busy = False
        self.fix_state.setText(text)
        self.delete_button.setEnabled(True)
        self.contact_button.setEnabled(True)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.org.busy

    def check_management_account(self) -> None:
        """Leave the table for the single-account re-verification, on the same connection."""
        wizard = self.wizard()
        wizard.check_management_account()  # type: ignore[attr-defined]
