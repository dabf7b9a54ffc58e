"""The confirmation every change needs: exactly what will be created, changed or deleted."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.fixes.base import Change


class ConfirmChanges(QDialog):
    def __init__(self, parent: QWidget | None, title: str, changes: list[Change], typed_word: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.typed_word = typed_word
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{title}</b><br>Rootwarden will make these changes in your account, in this order:"))
        items = "".join(f"<li>{c.describe()} <span style='color: gray'>({c.action})</span></li>" for c in changes)
        listing = QLabel(f"<ol>{items}</ol>")
        listing.setWordWrap(True)
        layout.addWidget(listing)
        layout.addWidget(QLabel("Each change is recorded in this session's audit log."))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton("Make these changes", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setAccessibleName("Make these changes")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        if typed_word:
            layout.addWidget(QLabel(f"This cannot be undone. Type <b>{typed_word}</b> to confirm:"))
            self.word = QLineEdit()
            self.word.setAccessibleName(f"Type {typed_word} to confirm")
            self.word.textChanged.connect(lambda text: self.ok.setEnabled(text.strip() == typed_word))
            layout.addWidget(self.word)
            self.ok.setEnabled(False)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)


def confirm_changes(parent: QWidget | None, title: str, changes: list[Change], typed_word: str | None = None) -> bool:
    return ConfirmChanges(parent, title, changes, typed_word).exec() == QDialog.DialogCode.Accepted
