"""The confirmation of a deletion of member root credentials (SPEC §12 "Fixes"): per account,
exactly what will change — as plain text, scrollable for hundreds of accounts — the CloudTrail
disclosure, and the typed confirmation ``DELETE <n>`` (n = accounts that will change). The
Delete button stays disabled until exactly that is typed. UI thread only.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from ui.plain import plain_label


class DeleteRootCredentialsDialog(QDialog):
    def __init__(self, parent: QWidget | None, preparation: Any) -> None:
        from app.org.delete import DISCLOSURE
        from app.text.org_deletion import plan_text

        super().__init__(parent)
        count = len(preparation.to_change)
        self.wanted = f"DELETE {count}"
        self.setWindowTitle("Delete member root credentials")
        self.setAccessibleName("Delete member root credentials")
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>Delete the root credentials of {count} member account{'s' if count != 1 else ''}</b>")
        layout.addWidget(heading)
        layout.addWidget(plain_label("Exactly these changes will be made, account by account (each account is audited "
                                     "again right after):"))
        self.listing = QPlainTextEdit(plan_text(preparation))
        self.listing.setReadOnly(True)
        self.listing.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.listing.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.listing.setAccessibleName("What will change")
        self.listing.setMinimumHeight(220)
        layout.addWidget(self.listing, 1)
        layout.addWidget(plain_label(DISCLOSURE))
        layout.addWidget(plain_label(f"This cannot be undone. Type {self.wanted} to confirm:"))
        self.word = QLineEdit()
        self.word.setAccessibleName(f"Type {self.wanted} to confirm")
        self.word.setPlaceholderText(self.wanted)
        layout.addWidget(self.word)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(f"Delete in {count} account{'s' if count != 1 else ''}",
                                         QDialogButtonBox.ButtonRole.DestructiveRole)
        self.ok.setEnabled(False)
        # Enter in the field means "Delete" (only once enabled), never "Cancel" by surprise.
        for button in self.buttons.buttons():
            button.setAutoDefault(False)
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.word.textChanged.connect(lambda text: self.ok.setEnabled(text.strip() == self.wanted))
        layout.addWidget(self.buttons)
        self.setMinimumSize(760, 500)

    def accept(self) -> None:
        if self.word.text().strip() == self.wanted:  # Enter in the field must not bypass the check
            super().accept()


def confirm_deletion(parent: QWidget | None, preparation: Any) -> bool:
    return DeleteRootCredentialsDialog(parent, preparation).exec() == QDialog.DialogCode.Accepted
