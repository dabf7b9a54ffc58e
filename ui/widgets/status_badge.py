"""A round status badge: colour plus a symbol, so it reads in grayscale too."""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QWidget

from app.model import Status
from ui.style import STATUS_COLOURS, STATUS_SYMBOLS, STATUS_WORDS


class StatusBadge(QWidget):
    def __init__(self, parent: QWidget | None = None, diameter: int = 26) -> None:
        super().__init__(parent)
        self._status: Status | None = None
        self._diameter = diameter
        self.setFixedSize(QSize(diameter, diameter))
        self.setAccessibleName("Status: checking")

    def set_status(self, status: Status | None) -> None:
        self._status = status
        self.setAccessibleName(f"Status: {STATUS_WORDS[status]}" if status else "Status: checking")
        self.setToolTip(STATUS_WORDS[status] if status else "Checking…")
        self.update()

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(1, 1, self._diameter - 2, self._diameter - 2)
        if self._status is None:
            painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
            painter.drawEllipse(rect)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "…")
            return
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(STATUS_COLOURS[self._status])
        painter.drawEllipse(rect)
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(int(self._diameter * 0.6))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, STATUS_SYMBOLS[self._status])
