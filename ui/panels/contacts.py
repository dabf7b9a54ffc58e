"""Step 5's panel: one form for all three alternate contacts, as the console edits them.

Missing contacts must be filled in; contacts already set are shown as AWS has them and are
written only if changed. Every field of every contact to be written is validated before
anything reaches AWS; then one confirmation lists exactly what will be written.
"""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from app.errors import InvalidInput
from app.fixes.contacts import TYPES, Contact, SetAlternateContacts
from app.model import Step
from app.steps import Action, StepView, describe
from app.steps.contacts import check_id
from ui.pages.step_page import StepPanel
from ui.plain import make_plain

# (label, Contact field, AWS evidence key, the most AWS accepts)
FIELDS = (("Name", "name", "Name", 64), ("Title", "title", "Title", 50), ("E-mail", "email", "EmailAddress", 254),
          ("Phone", "phone", "PhoneNumber", 25))
TEAMS = {"SECURITY": "Security team", "BILLING": "Finance team", "OPERATIONS": "Operations team"}
ERROR_COLOUR = "#d64541"
ERROR_STYLE = f"color: {ERROR_COLOUR}"


class ContactColumn:
    """One contact's fields in the form: AWS's values when it has the contact, else empty."""

    def __init__(self, grid: QGridLayout, column: int, contact_type: str) -> None:
        self.contact_type = contact_type
        kind = contact_type.capitalize()
        self.heading = make_plain(QLabel(kind))
        grid.addWidget(self.heading, 0, column)
        self.edits: dict[str, QLineEdit] = {}
        placeholders = {"name": "Alex Rivera", "title": TEAMS[contact_type], "email": f"{contact_type.lower()}@example.com",
                        "phone": "+1 206 555 0100"}
        for row, (label, key, _, limit) in enumerate(FIELDS, 1):
            edit = QLineEdit(maxLength=limit, placeholderText=placeholders[key])
            edit.setAccessibleName(f"{kind} contact {label.lower()}")
            grid.addWidget(edit, row, column)
            self.edits[label] = edit
        self.error = make_plain(QLabel())  # shown below the grid, full width, so it wraps freely
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setAccessibleName(f"{kind} contact error")
        self.error.hide()
        self.existing: tuple[str, ...] | None = None  # what AWS has, as last filled in
        self.state = "unknown"

    def fill(self, state: str, evidence: dict | None = None) -> None:
        """``state``: "missing", "set" (with the passing check's ``evidence``) or "unknown" (AWS's
        answer could not be read). AWS's values replace the fields only when they change."""
        values = tuple(str((evidence or {}).get(key) or "") for _, _, key, _ in FIELDS) if state == "set" else None
        if state != "unknown" and values != self.existing:
            for (label, *_), value in zip(FIELDS, values or ("",) * len(FIELDS)):
                self.edits[label].setText(value)
            self.existing = values
        self.state = state
        words = {"missing": "not set", "set": "set in AWS", "unknown": "could not be read"}
        self.heading.setText(f"{self.contact_type.capitalize()} — {words[state]}")

    def show_problems(self, problems: list[InvalidInput]) -> None:
        """Mark each bad field (a red frame and its message as the accessible description)."""
        bad = {p.field: str(p) for p in problems}
        for label, edit in self.edits.items():
            edit.setStyleSheet(f"border: 2px solid {ERROR_COLOUR}; padding: 1px; background: palette(base); color: palette(text);"
                               if label in bad else "")
            edit.setAccessibleDescription(bad.get(label, ""))
        kind = self.contact_type.capitalize()
        self.error.setText("\n".join(f"{kind} — {message}" for message in bad.values()))
        self.error.setVisible(bool(bad))

    def values(self) -> tuple[str, ...]:
        return tuple(self.edits[label].text() for label, *_ in FIELDS)

    def contact(self) -> Contact:
        return Contact(self.contact_type, *self.values())

    @property
    def to_write(self) -> bool:
        """A missing contact always; one AWS has only if a field was changed; one that could not
        be read only if something was typed into it."""
        typed = tuple(v.strip() for v in self.values())
        if self.state == "missing":
            return True
        if self.state == "set" and self.existing is not None:
            return typed != tuple(v.strip() for v in self.existing)
        return any(typed)


class ContactsPanel(StepPanel):
    def __init__(self, page) -> None:
        super().__init__(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.box = QGroupBox("Alternate contacts")
        self.box.setAccessibleName("Alternate contacts form")
        column = QVBoxLayout(self.box)
        intro = QLabel("Fill in the contacts that are not set. Contacts already set show what AWS has; change one only if it "
                       "is wrong. Prefer a team mailbox to one person's address.")
        intro.setWordWrap(True)
        column.addWidget(intro)
        grid = QGridLayout()
        for row, (label, *_) in enumerate(FIELDS, 1):
            grid.addWidget(QLabel(f"{label}:"), row, 0)
        self.columns = {t: ContactColumn(grid, index, t) for index, t in enumerate(TYPES, 1)}
        for index in range(1, len(TYPES) + 1):
            grid.setColumnStretch(index, 1)
        for row, (label, *_) in enumerate(FIELDS, 1):
            grid.itemAtPosition(row, 0).widget().setBuddy(self.columns[TYPES[0]].edits[label])
        column.addLayout(grid)
        for contact in self.columns.values():
            column.addWidget(contact.error)
        bar = QHBoxLayout()
        self.error = make_plain(QLabel())
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setAccessibleName("Contacts form error")
        bar.addWidget(self.error, 1)
        self.save = QPushButton("Save contacts…")
        self.save.setAccessibleName("Save contacts")
        self.save.clicked.connect(self.submit)
        bar.addWidget(self.save)
        column.addLayout(bar)
        layout.addWidget(self.box)
        self.offers = {Action.SET_CONTACTS: self.box}

    def render(self, view: StepView) -> None:
        super().render(view)
        states = describe(Step.CONTACTS).states(self.session.step_facts(Step.CONTACTS))
        for contact_type, column in self.columns.items():
            finding = self.session.findings.get(check_id(contact_type))
            column.fill(states[contact_type], finding.evidence if finding is not None else None)

    def submit(self) -> None:
        """Validate every field of every contact to be written; only then confirm and write."""
        writing = [c for c in self.columns.values() if c.to_write]
        first_bad = None
        for column in self.columns.values():
            problems = column.contact().problems() if column in writing else []
            column.show_problems(problems)
            if problems and first_bad is None:
                first_bad = column.edits[problems[0].field]
        if first_bad is not None:
            self.error.setText("Correct the fields marked above; nothing was sent to AWS.")
            first_bad.setFocus()
            return
        try:
            fix = SetAlternateContacts([c.contact() for c in writing])
        except InvalidInput as error:  # nothing to write
            self.error.setText(str(error))
            return
        self.error.clear()
        self.page.apply_fix(fix, "Set the alternate contacts")
