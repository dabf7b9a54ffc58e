"""Step 5's panel: a validated form per missing alternate contact. Nothing reaches AWS until
every field is valid; then the change is confirmed and applied."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QPushButton, QVBoxLayout

from app.errors import InvalidInput
from app.fixes.contacts import TYPES, Contact, SetAlternateContact
from app.model import Step
from app.steps import Action, StepView, describe
from ui.pages.step_page import StepPanel

FIELDS = (("Name", "name", 64), ("Title", "title", 50), ("E-mail", "email", 254), ("Phone", "phone", 25))


class ContactForm(QGroupBox):
    def __init__(self, panel: "ContactsPanel", contact_type: str) -> None:
        super().__init__(f"{contact_type.capitalize()} contact")
        self.panel, self.contact_type = panel, contact_type
        self.setAccessibleName(f"{contact_type.capitalize()} contact form")
        grid = QGridLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        team = contact_type.lower()
        titles = {"SECURITY": "Security team", "BILLING": "Finance team", "OPERATIONS": "Operations team"}
        placeholders = {"name": "Alex Rivera", "title": titles.get(contact_type, "Team"),
                        "email": f"{team}@example.com", "phone": "+1 206 555 0100"}
        for index, (label, key, limit) in enumerate(FIELDS):
            edit = QLineEdit(maxLength=limit, placeholderText=placeholders[key])
            edit.setAccessibleName(f"{contact_type.capitalize()} contact {label.lower()}")
            caption = QLabel(f"{label}:")
            caption.setBuddy(edit)
            row, col = divmod(index, 2)
            grid.addWidget(caption, row, col * 2)
            grid.addWidget(edit, row, col * 2 + 1)
            self.edits[label] = edit
        self.error = QLabel()
        self.error.setStyleSheet("color: #d64541")
        self.error.setAccessibleName(f"{contact_type.capitalize()} contact error")
        self.save = QPushButton(f"Save {contact_type.lower()} contact…")
        self.save.setAccessibleName(f"Save {contact_type.lower()} contact")
        self.save.clicked.connect(self.submit)
        grid.addWidget(self.error, 2, 0, 1, 3)
        grid.addWidget(self.save, 2, 3, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

    def contact(self) -> Contact:
        e = self.edits
        return Contact(self.contact_type, e["Name"].text(), e["Title"].text(), e["E-mail"].text(), e["Phone"].text())

    def submit(self) -> None:
        try:
            contact = self.contact().validate()
        except InvalidInput as error:
            self.error.setText(str(error))
            self.edits[error.field].setFocus()
            return
        self.error.clear()
        self.panel.page.apply_fix(SetAlternateContact(contact), f"Set the {self.contact_type.lower()} contact")


class ContactsPanel(StepPanel):
    def __init__(self, page) -> None:
        super().__init__(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.forms = {t: ContactForm(self, t) for t in TYPES}
        for form in self.forms.values():
            form.hide()
            layout.addWidget(form)

    def render(self, view: StepView) -> None:
        missing = describe(Step.CONTACTS).missing(self.session.step_facts(Step.CONTACTS))
        for contact_type, form in self.forms.items():
            form.setVisible(view.offers(Action.SET_CONTACTS) and contact_type in missing)
