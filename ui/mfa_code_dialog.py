"""Asks for the MFA code of a profile that assumes a role with MFA (``mfa_serial``), openly,
instead of botocore's hidden terminal prompt (SPEC §3). Modal; UI thread only; the code lives
in the dialog until ``code()`` hands it to the connection, which uses it once.
"""
from __future__ import annotations

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QFont, QRegularExpressionValidator
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.aws.sessions import validate_mfa_code
from app.errors import InvalidInput
from ui.plain import make_plain


class MfaCodeDialog(QDialog):
    """One code field per MFA device of the role chain (``serials``: the profile's own first)."""

    def __init__(self, who: str, serials: str | tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.serials = (serials,) if isinstance(serials, str) else tuple(serials)
        several = len(self.serials) > 1
        self.setWindowTitle("MFA codes" if several else "MFA code")
        self.setAccessibleName("MFA code")
        layout = QVBoxLayout(self)
        text = (f"{who[:1].upper()}{who[1:]} assumes roles that require MFA on {len(self.serials)} devices. Type the 6-digit "
                "code each device shows now." if several else
                f"{who[:1].upper()}{who[1:]} assumes a role that requires MFA. Type the 6-digit code your MFA device shows now "
                f"for:\n{self.serials[0]}")
        intro = self.intro = make_plain(QLabel(text))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.fields: list[QLineEdit] = []
        for number, serial in enumerate(self.serials, start=1):
            if several:
                label = make_plain(QLabel(f"Device {number}: {serial}"))
                label.setWordWrap(True)
                layout.addWidget(label)
            field = QLineEdit(placeholderText="123456")
            field.setAccessibleName(f"MFA code for {serial}" if several else "MFA code")
            field.setMaxLength(7)
            field.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,3} ?\d{0,3}"), field))
            font = QFont("monospace")
            font.setStyleHint(QFont.StyleHint.Monospace)
            font.setPointSizeF(font.pointSizeF() * 1.6)
            field.setFont(font)
            layout.addWidget(field)
            self.fields.append(field)
        self.field = self.fields[0]
        self.problem = make_plain(QLabel())
        self.problem.setStyleSheet("color: #d64541")
        self.problem.setAccessibleName("MFA code problem")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._codes: dict[str, str] = {}
        self.setMinimumWidth(460)

    def accept(self) -> None:
        codes: dict[str, str] = {}
        for serial, field in zip(self.serials, self.fields):
            try:
                codes[serial] = validate_mfa_code(field.text())
            except InvalidInput as error:
                which = f" (device {self.serials.index(serial) + 1})" if len(self.serials) > 1 else ""
                self.problem.setText(f"{error}{which}")
                field.setFocus()
                return
        self._codes = codes
        super().accept()

    def codes(self) -> dict[str, str] | None:
        """Each device's validated code after Connect; None after Cancel."""
        return dict(self._codes) if self.result() == QDialog.DialogCode.Accepted else None

    def code(self) -> str | None:
        """The (first) device's code after Connect; None after Cancel."""
        codes = self.codes()
        return codes[self.serials[0]] if codes else None
