"""Putting a missing alternate contact onto member accounts (SPEC §12 "put missing contacts from
one form onto selected accounts"): one form (type, name, title, e-mail, phone) validated as Step 5
validates it before anything reaches AWS, then a confirmation listing per account exactly what
will be added (plain text, scrollable). Only missing contacts are added; contacts already set
are kept. UI thread only.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QVBoxLayout, QWidget)

from app.fixes.contacts import Contact
from ui.panels.contacts import ERROR_STYLE, FIELDS, TEAMS
from ui.plain import plain_label


class ContactFormDialog(QDialog):
    """The one form. ``contact`` holds the validated contact once accepted."""

    def __init__(self, parent: QWidget | None, accounts: int) -> None:
        super().__init__(parent)
        self.contact: Contact | None = None
        self.setWindowTitle("Add a missing alternate contact")
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(f"Added to each of the {accounts} shown account(s) that does not have this contact yet; "
                                     "accounts that have it keep theirs."))
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.setAccessibleName("Contact type")
        for contact_type in ("SECURITY", "BILLING", "OPERATIONS"):
            self.kind.addItem(contact_type.capitalize(), contact_type)
        form.addRow("&Contact:", self.kind)
        self.edits: dict[str, QLineEdit] = {}
        for label, key, _, limit in FIELDS:
            edit = QLineEdit(maxLength=limit)
            edit.setAccessibleName(f"Contact {label.lower()}")
            self.edits[label] = edit
            edit.textChanged.connect(lambda _text: self.problems.hide())  # the message was about the old text
            form.addRow(f"{label}:", edit)
        self.kind.currentIndexChanged.connect(self._placeholders)
        self._placeholders()
        layout.addLayout(form)
        self.problems = plain_label()
        self.problems.setStyleSheet(ERROR_STYLE)
        self.problems.setAccessibleName("Problems with the contact")
        self.problems.hide()
        layout.addWidget(self.problems)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton("Review the changes…", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _placeholders(self) -> None:
        kind = self.kind.currentData()
        samples = {"Name": "Alex Rivera", "Title": TEAMS[kind], "E-mail": f"{kind.lower()}@example.com", "Phone": "+1 206 555 0100"}
        for label, edit in self.edits.items():
            edit.setPlaceholderText(samples[label])

    def accept(self) -> None:
        contact = Contact(self.kind.currentData(), *(self.edits[label].text() for label, *_ in FIELDS)).trimmed()
        problems = contact.problems()
        if problems:
            self.problems.setText("\n".join(str(p) for p in problems))  # "E-mail: is not a valid address …"
            self.problems.show()
            return
        self.contact = contact
        super().accept()


class ListingConfirmation(QDialog):
    """A confirmation that shows a long listing as plain text; ``ok_text`` names the change."""

    def __init__(self, parent: QWidget | None, title: str, listing: str, ok_text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{title}</b>")
        layout.addWidget(heading)
        self.listing = QPlainTextEdit(listing, readOnly=True)
        self.listing.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.listing.setAccessibleName("What will change")
        layout.addWidget(self.listing, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumSize(720, 420)


def confirm_listing(parent: QWidget | None, title: str, listing: str, ok_text: str) -> bool:
    return ListingConfirmation(parent, title, listing, ok_text).exec() == QDialog.DialogCode.Accepted


def ask_contact(parent: QWidget | None, accounts: int) -> Any:
    dialog = ContactFormDialog(parent, accounts)
    return dialog.contact if dialog.exec() == QDialog.DialogCode.Accepted else None
