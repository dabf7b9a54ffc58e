"""The member-accounts table as a model/view pair (SPEC §12: smooth at 10,000 rows).

``MemberTableModel`` holds ``app.org.summary.MemberRow``s — every cell's text computed once —
so ``data()`` is a list lookup; rows arrive in one reset or in batches (one
``beginInsertRows`` per batch), never one widget per row. Sorting happens in the model: one
Python ``sorted`` over precomputed keys (a proxy's own sort would call ``data()`` from C++
n·log n times: half a second at 10,000 rows). ``MemberFilter`` hands sorting to the model and
filters by verdict, by OU (the OU and those below it) and by text in the account ID or name. Names from AWS are data: shown as plain text,
tooltips escaped (``ui.plain.plain_tooltip``). UI thread only.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRectF, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from app.model import Status
from app.org.summary import MemberRow
from app.text_safety import for_terminal
from ui.plain import plain_tooltip
from ui.style import STATUS_COLOURS, STATUS_SYMBOLS

COLUMNS = ("Account ID", "Name", "OU", "State", "Verdict", "Checks not passed", "Why not reached")
ID, NAME, OU, STATE, VERDICT, NOT_PASSED, UNREACHED = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the MemberRow itself
NO_OU = "(not read)"
Index = QModelIndex | QPersistentModelIndex


def verdict_icon(status: Status, size: int = 14) -> QIcon:
    """A filled circle in the status colour with its symbol: the verdict reads without colour too."""
    pixmap = QPixmap(QSize(size, size) * 2)
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(0.5, 0.5, size - 1, size - 1)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(STATUS_COLOURS[status])
    painter.drawEllipse(rect)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.7))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, STATUS_SYMBOLS[status])
    painter.end()
    return QIcon(pixmap)


class MemberTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[MemberRow] = []
        self._cells: list[tuple[str, ...]] = []
        self._keys: list[tuple[Any, ...]] = []
        self._icons = {status: verdict_icon(status) for status in Status}
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    # -- filling ------------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[MemberRow]) -> None:
        """Replace every row (one reset)."""
        self.beginResetModel()
        self._rows, self._cells, self._keys = [], [], []
        self._append(rows)
        self._apply_sort()
        self.endResetModel()

    def add_rows(self, rows: list[MemberRow], resort: bool = True) -> None:
        """Append one batch (one insertion for the whole batch). ``resort=False`` leaves the new
        rows at the end until the last batch sorts (each sort makes the view re-filter every row)."""
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._append(rows)
            self.endInsertRows()
        if resort and self._sorted_by is not None:
            self.sort(*self._sorted_by)

    def _append(self, rows: Iterable[MemberRow]) -> None:
        for row in rows:
            self._rows.append(row)
            self._cells.append((row.account_id, row.name, row.ou or NO_OU, row.state, row.verdict_word, row.not_passed,
                                row.unreached))
            self._keys.append((row.account_id, row.name.casefold(), row.ou.casefold(), row.state, row.rank,
                               row.not_passed, row.unreached))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the rows by ``column`` (ties by account ID), keeping selections."""
        if not 0 <= column < len(COLUMNS):
            return
        self._sorted_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        moved = self._apply_sort()
        old = self.persistentIndexList()
        self.changePersistentIndexList(old, [self.index(moved[i.row()], i.column()) for i in old])
        self.layoutChanged.emit()

    def _apply_sort(self) -> list[int]:
        """Sort the lists in place; returns old row → new row."""
        if self._sorted_by is None:
            return list(range(len(self._rows)))
        column, order = self._sorted_by
        keys = self._keys
        ordered = sorted(range(len(keys)), key=lambda i: (keys[i][column], keys[i][ID]), reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = [self._rows[i] for i in ordered]
        self._cells = [self._cells[i] for i in ordered]
        self._keys = [keys[i] for i in ordered]
        moved = [0] * len(ordered)
        for new, old in enumerate(ordered):
            moved[old] = new
        return moved

    def row(self, number: int) -> MemberRow:
        return self._rows[number]

    @property
    def rows(self) -> list[MemberRow]:
        return self._rows

    # -- the model ----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[row][column]
        if role == SORT_ROLE:
            return self._keys[row][column]
        if role == Qt.ItemDataRole.DecorationRole and column == VERDICT:
            return self._icons[self._rows[row].verdict]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(self._rows[row], column)
        if role == ROW_ROLE:
            return self._rows[row]
        return None

    def _tooltip(self, row: MemberRow, column: int) -> str | None:
        """Built on hover only: the whole value, escaped, never read as markup."""
        member = row.result.member
        text = {NAME: for_terminal(member.name), OU: for_terminal(member.ou) if member.ou else NO_OU,
                VERDICT: f"{row.verdict_word}: {row.not_passed}" if row.not_passed else row.verdict_word,
                NOT_PASSED: row.not_passed, UNREACHED: row.unreached}.get(column, self._cells_text(row, column))
        return plain_tooltip(text) if text else None

    @staticmethod
    def _cells_text(row: MemberRow, column: int) -> str:
        return (row.account_id, row.name, row.ou, row.state)[column] if column < VERDICT else ""


class MemberFilter(QSortFilterProxyModel):
    """Sorting and filtering over ``MemberTableModel``: verdicts, an OU subtree, a text."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._verdicts: frozenset[Status] | None = None  # None: every verdict
        self._ou: str | None = None  # None: every OU
        self._text = ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The model sorts (fast); this proxy keeps the model's order and only filters."""
        self.sourceModel().sort(column, order)

    def set_verdicts(self, verdicts: Iterable[Status] | None) -> None:
        self._refilter(lambda: setattr(self, "_verdicts", None if verdicts is None else frozenset(verdicts)))

    def set_ou(self, ou: str | None) -> None:
        self._refilter(lambda: setattr(self, "_ou", ou))

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text.strip().casefold()))

    def _refilter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 and later
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        row = self.sourceModel().row(source_row)  # type: ignore[attr-defined]
        if self._verdicts is not None and row.verdict not in self._verdicts:
            return False
        if self._ou is not None:
            ou = row.result.member.ou
            if not (ou == self._ou or (self._ou and ou.startswith(self._ou + "/"))):
                return False
        return not self._text or self._text in row.search_text
