"""The clearly labelled button for a simulated console action. It exists only in practice mode."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QPushButton

STYLE = "QPushButton { border: 2px dashed #8e6bbf; padding: 4px 10px; }"


class PracticeButton(QPushButton):
    def __init__(self, label: str, on_click: Callable[[], object]) -> None:
        super().__init__(f"{label} (practice account)")
        self.setAccessibleName(label)
        self.setStyleSheet(STYLE)
        self.setToolTip("Only in the practice account: does what you would do in the AWS console or your mailbox.")
        self.clicked.connect(lambda: on_click())
