"""The member accounts: coverage, then a sortable, filterable table, exceptions first.

The table is ``ui.org.table_model`` (a model/view, smooth at 10,000 rows); selecting a row
shows its five findings in the details pane, as plain text. The management account is not
audited through a root session: a button takes this connection to the single-account
re-verification of its root user. The last page of the Organization path for now. UI thread only.
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
from ui.widgets.controls import button

NEEDS_ATTENTION = (Status.FAIL, Status.UNKNOWN, Status.WARN)
VERDICT_CHOICES: tuple[tuple[str, tuple[Status, ...] | None], ...] = (
    ("All verdicts", None), ("Needs attention", NEEDS_ATTENTION),
    *((status.label, (status,)) for status in (Status.FAIL, Status.UNKNOWN, Status.WARN, Status.PASS, Status.NOT_APPLICABLE)))
WIDTHS = (105, 150, 80, 80, 100, 210)  # "Why not reached" takes what is left
NO_SELECTION = "Select an account to see its five checks and what each found."


class ResultsPage(QWizardPage):
    def __init__(self, session: WizardSession, org: OrgState) -> None:
        super().__init__()
        self.session, self.org = session, org
        self.shown: OrgScan | None = None
        self.setTitle("Member accounts")
        self.setSubTitle("Exceptions first. Nothing here is saved yet: for a file, run `rootwarden org verify --format json`.")
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
        self.model.set_rows(rows(result))
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

    def _filter(self, change) -> None:  # type: ignore[no-untyped-def]
        change()
        self._count()

    def _count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.showing.setText(f"Showing {shown} of {total} accounts" if shown != total else f"{total} accounts")

    def _selected(self, current: QModelIndex, previous: QModelIndex) -> None:
        row = self.proxy.data(current, ROW_ROLE) if current.isValid() else None
        self.details.setPlainText(details(row.result) if row is not None else "")

    def check_management_account(self) -> None:
        """Leave the table for the single-account re-verification, on the same connection."""
        wizard = self.wizard()
        wizard.check_management_account()  # type: ignore[attr-defined]
