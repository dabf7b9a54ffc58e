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
    def __init__(self, who: str, serial: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("MFA code")
        self.setAccessibleName("MFA code")
        layout = QVBoxLayout(self)
        intro = self.intro = make_plain(QLabel(f"{who[:1].upper()}{who[1:]} assumes a role that requires MFA. Type the 6-digit code your "
                                  f"MFA device shows now for:\n{serial}"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.field = QLineEdit(placeholderText="123456")
        self.field.setAccessibleName("MFA code")
        self.field.setMaxLength(7)
        self.field.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,3} ?\d{0,3}"), self.field))
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.field.setFont(font)
        layout.addWidget(self.field)
        self.problem = make_plain(QLabel())
        self.problem.setStyleSheet("color: #d64541")
        self.problem.setAccessibleName("MFA code problem")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._code: str | None = None
        self.setMinimumWidth(460)

    def accept(self) -> None:
        try:
            self._code = validate_mfa_code(self.field.text())
        except InvalidInput as error:
            self.problem.setText(str(error))
            self.field.setFocus()
            return
        super().accept()

    def code(self) -> str | None:
        """The validated code after Connect; None after Cancel."""
        return self._code if self.result() == QDialog.DialogCode.Accepted else None
