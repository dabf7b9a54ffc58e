"""A small bar chart of root activity per day over 90 days; sign-ins stacked in a darker tone."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.root_activity import RootActivity


class RootTimeline(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.activity: RootActivity | None = None
        self.message = "Loading root activity from CloudTrail…"
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Root activity over the last 90 days")

    def sizeHint(self) -> QSize:
        return QSize(600, 120)

    def set_activity(self, activity: RootActivity) -> None:
        self.activity = activity
        days = sorted(activity.per_day)
        self.setAccessibleDescription(f"{activity.total} root events on {len(days)} days in the last 90 days")
        self.update()

    def set_message(self, message: str) -> None:
        self.activity, self.message = None, message
        self.update()

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        painter.setPen(text)
        area = QRectF(self.rect()).adjusted(4, 4, -4, -22)
        if self.activity is None:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
            return
        days = self.activity.days()
        peak = max(self.activity.per_day.values(), default=1)
        width = area.width() / len(days)
        painter.setPen(Qt.PenStyle.NoPen)
        for i, day in enumerate(days):
            count = self.activity.per_day.get(day, 0)
            if not count:
                continue
            height = max(3.0, area.height() * count / peak)
            bar = QRectF(area.left() + i * width, area.bottom() - height, max(2.0, width - 1), height)
            painter.setBrush(QColor("#d08a00"))
            painter.drawRect(bar)
            sign_ins = self.activity.sign_ins.get(day, 0)
            if sign_ins:
                h = height * sign_ins / count
                painter.setBrush(QColor("#d64541"))
                painter.drawRect(QRectF(bar.left(), bar.bottom() - h, bar.width(), h))
        painter.setPen(text)
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        label = QRectF(area.left(), area.bottom() + 2, area.width(), 18)
        painter.drawText(label, Qt.AlignmentFlag.AlignLeft, _fmt(days[0]))
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter,
                         f"{self.activity.total} root events · red: console sign-ins · amber: API calls")
        painter.drawText(label, Qt.AlignmentFlag.AlignRight, "today")


def _fmt(day: date) -> str:
    return day.strftime("%d %b")
