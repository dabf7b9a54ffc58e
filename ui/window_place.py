"""Where a second wizard window opens: cascaded from the window that opened it, so both show.

The practice account runs in its own process; the first window passes its position in the
``ROOTWARDEN_OPEN_NEAR`` environment variable ("x,y") and the new process moves its window by
``OFFSET`` down and right, kept on the screen. UI thread only.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QWidget

ENV = "ROOTWARDEN_OPEN_NEAR"
OFFSET = 40  # pixels, down and right, like a cascading window manager


def near(window: QWidget) -> str:
    """The value to hand to a window opened from ``window``."""
    position = window.frameGeometry().topLeft()
    return f"{position.x()},{position.y()}"


def place(window: QWidget, value: str | None) -> None:
    """Move ``window`` OFFSET below and right of the position in ``value``; ignore a malformed one."""
    try:
        x, y = (int(part) for part in (value or "").split(","))
    except ValueError:
        return
    target = QPoint(x + OFFSET, y + OFFSET)
    screen = window.screen().availableGeometry() if window.screen() else None
    if screen is not None:  # keep the title bar reachable
        target.setX(max(screen.left(), min(target.x(), screen.right() - 200)))
        target.setY(max(screen.top(), min(target.y(), screen.bottom() - 100)))
    window.move(target)
