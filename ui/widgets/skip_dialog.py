""""Skip for now": the reason is required. OK stays disabled, and the dialog says why, until the
reason has more than whitespace; the reason goes into the review and the record as typed
(trimmed). UI thread only."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.plain import plain_label

NEEDED = "A reason is needed to skip a step."


class SkipDialog(QDialog):
    def __init__(self, parent: QWidget | None, step_title: str, example: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Skip for now")
        self.setAccessibleName("Skip for now")
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(f"Why skip “{step_title}”? The reason is recorded in the review and the signed record."))
        self.reason = QLineEdit(placeholderText=example or "e.g. waiting for the security team's decision")
        self.reason.setAccessibleName("Reason for skipping")
        self.reason.setMaxLength(500)
        layout.addWidget(self.reason)
        self.hint = QLabel(NEEDED)
        self.hint.setAccessibleName("Skip reason hint")
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton("Skip this step", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setAccessibleName("Skip this step")
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._changed)
        self._changed("")
        self.setMinimumWidth(560)

    def _changed(self, text: str) -> None:
        given = bool(text.strip())
        self.ok.setEnabled(given)
        self.hint.setVisible(not given)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter accepts a reason and never anything else: with OK disabled, QDialog would
        otherwise press another button (Cancel) and close the dialog."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)

    def accept(self) -> None:
        if self.reason.text().strip():
            super().accept()
        else:  # the dialog stays open and says why
            self.hint.show()
            self.reason.setFocus()

    def text(self) -> str:
        return self.reason.text().strip()


def ask_skip_reason(parent: QWidget | None, step_title: str, example: str = "") -> str | None:
    """The reason typed, or None when the user cancelled."""
    dialog = SkipDialog(parent, step_title, example)
    return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
