"""The step list beside the wizard's pages: every page of the path with its status as an icon
and a word, and a jump back to any visited page (click, or Enter on the focused entry).

It renders ``app.steps.outline`` (on the Organization path, ``ui.org.path.org_outline``); the jump is ``QWizard.back()`` repeated, so each page left is
cleaned up exactly as with the Back button. UI thread only.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWizard

from app.flow import PageId
from app.steps import Progress
from app.steps.outline import Entry, can_jump_back, outline
from app.model import Status, Step
from ui.style import STATUS_COLOURS

# (fill colour or None for an outline, symbol): the symbol carries the status without colour.
ICONS = {
    Progress.DONE: (STATUS_COLOURS[Status.PASS], "✓"),
    Progress.WARNING: (STATUS_COLOURS[Status.WARN], "!"),
    Progress.NEEDS_ACTION: (STATUS_COLOURS[Status.FAIL], "✗"),
    Progress.UNKNOWN: (STATUS_COLOURS[Status.UNKNOWN], "?"),
    Progress.SKIPPED: (STATUS_COLOURS[Status.NOT_APPLICABLE], "»"),
    Progress.FINISHES_LATER: (STATUS_COLOURS[Status.WARN], "…"),
    Progress.WAITING: (STATUS_COLOURS[Status.WARN], "…"),
    Progress.NOT_CHECKED: (None, ""),
}
ICON_SIZE = 18
STYLE = """
QListWidget { border: none; background: transparent; outline: none; }
QListWidget::item { padding: 5px 4px; border-radius: 4px; border: 2px solid transparent; }
QListWidget::item:selected { background: palette(highlight); color: palette(highlighted-text); }
QListWidget::item:focus { border: 2px solid palette(text); }
QListWidget::item:disabled { color: palette(text); }
"""


def status_icon(progress: Progress, size: int = ICON_SIZE, current: bool = False) -> QIcon:
    pixmap = QPixmap(QSize(size, size) * 2)
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(1, 1, size - 2, size - 2)
    colour, symbol = ICONS[progress]
    if colour is None and current:  # "you are here", readable on the selection highlight too
        painter.setPen(QColor("#202020"))
        painter.setBrush(QColor("white"))
        painter.drawEllipse(rect)
        painter.setBrush(QColor("#202020"))
        painter.drawEllipse(rect.adjusted(size * 0.3, size * 0.3, -size * 0.3, -size * 0.3))
    elif colour is None:
        painter.setPen(QColor("#808080"))
        painter.drawEllipse(rect)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(rect)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * 0.65))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, symbol)
    painter.end()
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)  # the symbol stays readable on the highlight
    icon.addPixmap(pixmap, QIcon.Mode.Disabled)
    return icon


class StepList(QListWidget):
    def __init__(self, wizard: QWizard) -> None:
        super().__init__()
        self.wizard = wizard
        self.entries: list[Entry] = []
        self.setAccessibleName("Steps")
        self.setAccessibleDescription("Where you are in Rootwarden. Choose a visited page to go back to it.")
        self.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(STYLE)
        self.setFrameShape(QListWidget.Shape.NoFrame)
        self.setFixedWidth(250)
        self.setWordWrap(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.itemClicked.connect(self._chosen)
        wizard.currentIdChanged.connect(lambda _: self.refresh())

    def _history(self) -> list[int]:
        return [i for i in self.wizard.visitedIds() if i >= 0]

    def _is_commit(self, page: int) -> bool:
        return self.wizard.page(int(page)).isCommitPage()

    def refresh(self) -> None:
        """Rebuild the entries from the session and the wizard's history."""
        from ui.org.path import org_outline

        session = self.wizard.session
        org = getattr(self.wizard, "org", None)
        if org is not None and org.chosen:
            self.entries = org_outline(org, self._history(), self._is_commit)
        else:
            views = {step: session.step_view(step) for step in Step}
            history = [PageId(i) for i in self._history() if i in set(PageId)]
            self.entries = outline(session.flow, views, history, self._is_commit)
        keep = self.currentRow()
        self.blockSignals(True)
        self.clear()
        for entry in self.entries:
            item = QListWidgetItem(status_icon(entry.progress, current=entry.current), f"{entry.label}\n{entry.word}")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, entry.accessible_name)
            item.setToolTip(entry.accessible_name)
            item.setData(Qt.ItemDataRole.UserRole, int(entry.page))
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if not (entry.reachable or entry.current):
                flags = Qt.ItemFlag.ItemIsSelectable  # readable by a screen reader, not clickable
            item.setFlags(flags)
            if entry.current:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.addItem(item)
        current = next((row for row, e in enumerate(self.entries) if e.current), -1)
        self.setCurrentRow(current if keep < 0 or not self.hasFocus() else min(keep, self.count() - 1))
        self.blockSignals(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter or Space jumps to the focused entry, and goes no further: the wizard's default
        button (Next) must not also take the key."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            item = self.currentItem()
            if item is not None:
                self._chosen(item)
            event.accept()
            return
        super().keyPressEvent(event)

    def _chosen(self, item: QListWidgetItem) -> None:
        self.jump_to(item.data(Qt.ItemDataRole.UserRole))

    def jump_to(self, target: int) -> bool:
        """Go back to ``target`` as the Back button would, page by page; False if not possible."""
        history = self._history()
        if not can_jump_back(history, target, self._is_commit):
            return False
        for _ in range(len(history)):
            if self.wizard.currentId() == int(target):
                break
            self.wizard.back()
        return self.wizard.currentId() == int(target)
