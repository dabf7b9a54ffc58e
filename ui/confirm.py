"""The confirmation every change needs: exactly what will be created, changed or deleted."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.fixes.base import Change
from ui.plain import escape, plain_label


class ConfirmChanges(QDialog):
    def __init__(self, parent: QWidget | None, title: str, changes: list[Change], typed_word: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.typed_word = typed_word
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{escape(title)}</b><br>Rootwarden will make these changes in your account, in this order:"))
        # Each change as plain text: a description holding "<…>" or "<!--" (a contact name, an
        # e-mail) shows exactly as typed and can hide nothing after it.
        self.items = [plain_label(f"{n}. {c.describe()}  ({c.action})") for n, c in enumerate(changes, 1)]
        for item in self.items:
            item.setContentsMargins(12, 0, 0, 0)
            layout.addWidget(item)
        layout.addWidget(QLabel("Each change is recorded in this session's audit log."))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton("Make these changes", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setAccessibleName("Make these changes")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        if typed_word:
            layout.addWidget(QLabel(f"This cannot be undone. Type <b>{escape(typed_word)}</b> to confirm:"))
            self.word = QLineEdit()
            self.word.setAccessibleName(f"Type {typed_word} to confirm")
            self.word.textChanged.connect(lambda text: self.ok.setEnabled(text.strip() == typed_word))
            layout.addWidget(self.word)
            self.ok.setEnabled(False)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)


def confirm_changes(parent: QWidget | None, title: str, changes: list[Change], typed_word: str | None = None) -> bool:
    return ConfirmChanges(parent, title, changes, typed_word).exec() == QDialog.DialogCode.Accepted
