"""Console guidance for what only the AWS console can do: the steps, "Open in console", and —
in practice mode only — a clearly labelled "Simulate the console action" button."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ui.widgets.practice_button import PracticeButton


class ConsoleGuide(QGroupBox):
    def __init__(self, title: str, intro: str, steps: tuple[str, ...], url: str,
                 on_opened: Callable[[], None], simulate: Callable[[], None] | None = None,
                 simulate_label: str = "Simulate the console action") -> None:
        super().__init__(title)
        self.setAccessibleName(title)
        self.url = url
        layout = QVBoxLayout(self)
        text = QLabel(intro + "<ol>" + "".join(f"<li>{s}</li>" for s in steps) + "</ol>")
        text.setWordWrap(True)
        layout.addWidget(text)
        row = QHBoxLayout()
        self.open_button = QPushButton("Open in console")
        self.open_button.setAccessibleName(f"Open in console: {title}")
        self.open_button.setToolTip(url)
        self.open_button.clicked.connect(lambda: (QDesktopServices.openUrl(QUrl(self.url)), on_opened()))
        row.addWidget(self.open_button)
        self.simulate_button: QPushButton | None = None
        if simulate is not None:
            self.simulate_button = PracticeButton(simulate_label, simulate)
            row.addWidget(self.simulate_button)
        row.addStretch(1)
        layout.addLayout(row)

    def set_url(self, url: str) -> None:
        """Point "Open in console" at ``url`` (e.g. the account's partition's console)."""
        self.url = url
        self.open_button.setToolTip(url)
