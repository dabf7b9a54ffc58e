"""The Done page's "Re-verify every … days" (SPEC §13): schedules the saved profile this
session connected with; the keyring and the OS scheduler are reached on a worker."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout

from app.session import WizardSession
from ui.errors import message_for
from ui.plain import make_plain
from ui.tasks import run_task
from ui.widgets.controls import button


class ScheduleBox(QGroupBox):
    def __init__(self, session: WizardSession) -> None:
        super().__init__("Re-verify on a schedule")
        self.session = session
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Re-verify every"))
        self.days = QSpinBox(minimum=1, maximum=365, value=30, suffix=" days")
        self.days.setAccessibleName("Re-verify every how many days")
        row.addWidget(self.days)
        self.sign = QCheckBox("save a signed record each time")
        self.sign.setAccessibleName("Save a signed record on every scheduled run")
        row.addWidget(self.sign)
        self.schedule_button = button("Sc&hedule", "Schedule re-verification", self.schedule)
        row.addWidget(self.schedule_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = make_plain(QLabel())
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Schedule message")
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 3)
        layout.addWidget(self.message)

    def refresh(self) -> None:
        """Enable scheduling only for a saved profile (its credentials are what the timer uses)."""
        name = self.session.saved_profile
        self.setVisible(not self.session.flow.practice)
        for widget in (self.days, self.sign, self.schedule_button):
            widget.setEnabled(name is not None)
        self.message.setText(
            f"A timer re-checks profile {name} and notifies this desktop when something changes; nothing when all is "
            "as before." if name else
            "To schedule re-verification, connect with a saved profile (Connect → Save as a profile…) whose credentials "
            "work unattended: an access key of a read-only identity or a role profile.")

    def schedule(self) -> None:
        from app.schedule.manage import add

        name, days, sign, backend = self.session.saved_profile, self.days.value(), self.sign.isChecked(), self.session.keyring_backend
        if name is None:
            return
        self.schedule_button.setEnabled(False)
        self.message.setText("Scheduling…")
        run_task(lambda p, c: add(name, days, sign, backend)[1], self._scheduled, self._failed)

    def _scheduled(self, text: str) -> None:
        self.schedule_button.setEnabled(True)
        self.message.setStyleSheet("")
        self.message.setText(text)

    def _failed(self, error: Exception) -> None:
        self.schedule_button.setEnabled(True)
        self.message.setStyleSheet("color: #d64541")
        self.message.setText(message_for(error)[1])
