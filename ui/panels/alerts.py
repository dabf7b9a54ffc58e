"""Step 6's panel: set up root-activity alerts, then wait for the e-mail confirmation."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from app.errors import InvalidInput
from app.fixes.alerts import SetUpRootAlerts
from app.model import Step
from app.steps import Action, StepView
from app.steps.alerts import default_address
from ui.pages.step_page import StepPanel
from ui.plain import make_plain
from ui.widgets.practice_button import PracticeButton


class AlertsPanel(StepPanel):
    def __init__(self, page) -> None:
        super().__init__(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.box = QGroupBox("Set up alerts")
        form = QFormLayout(self.box)
        self.explain = explain = QLabel()
        explain.setWordWrap(True)
        form.addRow(explain)
        self.email = QLineEdit(placeholderText="security@example.com")
        self.email.setAccessibleName("Alert e-mail address")
        form.addRow("Send alerts to:", self.email)
        self.email_source = QLabel("Pre-filled with the security contact's e-mail address; change it if alerts should go elsewhere.")
        self.email_source.setWordWrap(True)
        self.email_source.setStyleSheet("color: gray")
        self.email_source.hide()
        form.addRow("", self.email_source)
        self._prefilled = ""
        self.email.textChanged.connect(lambda text: self.email_source.setVisible(bool(self._prefilled) and text == self._prefilled))
        self.error = make_plain(QLabel())
        self.error.setStyleSheet("color: #d64541")
        self.error.setAccessibleName("Alert e-mail error")
        self.setup = QPushButton("Set up alerts…")
        self.setup.setAccessibleName("Set up alerts")
        self.setup.clicked.connect(self.submit)
        row = QHBoxLayout()
        row.addWidget(self.error, 1)
        row.addWidget(self.setup)
        form.addRow(row)
        layout.addWidget(self.box)
        self.waiting = QLabel("<b>Check your inbox.</b> AWS has sent a confirmation e-mail; click its link. "
                              "This page re-checks every few seconds.")
        self.waiting.setWordWrap(True)
        self.waiting.hide()
        layout.addWidget(self.waiting)
        self.simulate = None
        if self.session.flow.practice:
            self.simulate = PracticeButton("Simulate clicking the confirmation link",
                                           lambda: self.page.simulate(self.session.practice.simulate_confirm_subscriptions))
            self.simulate.hide()
            layout.addWidget(self.simulate, 0, Qt.AlignmentFlag.AlignLeft)
        self.offers = {Action.SET_UP_ALERTS: self.box, Action.CONFIRM_SUBSCRIPTION: self.waiting,
                       Action.SIMULATE_CONFIRMATION: self.simulate}

    def submit(self) -> None:
        try:
            fix = SetUpRootAlerts(self.session.identity.account_id, self.email.text(), self.session.identity.partition)
        except InvalidInput as error:
            self.error.setText(str(error))
            self.email.setFocus()
            return
        self.error.clear()
        self.page.apply_fix(fix, "Set up root-activity alerts")

    def render(self, view: StepView) -> None:
        super().render(view)
        self._prefill_from_security_contact()
        region = self.session.identity.partition.sign_in_region if self.session.identity else None
        self.explain.setText(
            f"Rootwarden creates an SNS topic, an EventBridge rule in {region or 'the sign-in region'} for root sign-ins and root API "
            "calls (read-only ones included), and an e-mail subscription. AWS then e-mails a confirmation link: alerts start once "
            "it is clicked. The rule sees API calls made in that region and to global services such as IAM.")

    def _prefill_from_security_contact(self) -> None:
        """The security contact's address (SPEC §4 Step 6), unless the user typed another."""
        address = default_address(self.session.step_facts(Step.ALERTS))
        if address and self.email.text() in ("", self._prefilled):
            self.email.setText(address)
            self._prefilled = address
        self.email_source.setVisible(bool(self._prefilled) and self.email.text() == self._prefilled)
