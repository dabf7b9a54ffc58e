"""One check as a card: status badge, title, status word, summary, expandable evidence, references."""
from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPlainTextEdit, QToolButton, QWidget

from app.model import CheckInfo, Finding
from ui.style import STATUS_COLOURS, STATUS_WORDS, readable_on
from ui.widgets.status_badge import StatusBadge
from ui.plain import escape, make_plain


class CheckCard(QFrame):
    def __init__(self, info: CheckInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info = info
        self.finding: Finding | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"card-{info.id}")
        self.setAccessibleName(f"Check {info.title}")
        self.badge = StatusBadge(self)
        self.title = QLabel(f"<b>{escape(info.title)}</b> <span style='color: gray'>· {escape(info.id)}</span>")
        self.title.setWordWrap(True)  # long titles wrap beside the step list instead of widening the page
        self.status_word = QLabel("Checking…")
        self.status_word.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.summary = make_plain(QLabel("Asking AWS…"))  # AWS data: never markup
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.toggle = QToolButton(text="Show evidence")
        self.toggle.setCheckable(True)
        self.toggle.setAccessibleName(f"Show evidence for {info.title}")
        self.toggle.toggled.connect(self._toggle_evidence)
        self.evidence = QPlainTextEdit(readOnly=True)
        self.evidence.setAccessibleName(f"Evidence for {info.title}")
        self.evidence.setMaximumHeight(160)
        self.evidence.hide()
        refs = info.references
        links = [*refs.cis, *(f"Security Hub {c}" for c in refs.security_hub), *(f"<a href='{u}'>AWS docs</a>" for u in refs.docs[:1])]
        self.references = QLabel(" · ".join(links))
        self.references.setOpenExternalLinks(True)
        self.references.setStyleSheet("color: gray")
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.addWidget(self.badge, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.title, 0, 1)
        grid.addWidget(self.status_word, 0, 2)
        grid.addWidget(self.summary, 1, 1, 1, 2)
        grid.addWidget(self.toggle, 2, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.references, 2, 2, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.evidence, 3, 1, 1, 2)
        grid.setColumnStretch(1, 1)

    def set_loading(self) -> None:
        self.finding = None
        self.badge.set_status(None)
        self.status_word.setText("Checking…")
        self.status_word.setStyleSheet("")

    def set_finding(self, finding: Finding) -> None:
        self.finding = finding
        self.badge.set_status(finding.status)
        self.status_word.setText(f"<b>{STATUS_WORDS[finding.status]}</b>")
        background = self.status_word.palette().color(self.status_word.backgroundRole())
        self.status_word.setStyleSheet(f"color: {readable_on(STATUS_COLOURS[finding.status], background).name()}")
        self.summary.setText(finding.summary)
        self.evidence.setPlainText(json.dumps(finding.evidence, indent=2, default=str))
        self.setAccessibleDescription(f"{STATUS_WORDS[finding.status]}: {finding.summary}")

    def _toggle_evidence(self, shown: bool) -> None:
        self.evidence.setVisible(shown)
        self.toggle.setText("Hide evidence" if shown else "Show evidence")
