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
    """One code field per role of the chain that asks for MFA (``serials``, in the order the roles
    are assumed); a device asked twice wants its code now, then the next one."""

    def __init__(self, who: str, serials: str | tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.serials = (serials,) if isinstance(serials, str) else tuple(serials)
        several = len(self.serials) > 1
        self.setWindowTitle("MFA codes" if several else "MFA code")
        self.setAccessibleName("MFA code")
        layout = QVBoxLayout(self)
        repeated = len(set(self.serials)) < len(self.serials)
        text = (f"{who[:1].upper()}{who[1:]} assumes {len(self.serials)} roles that require MFA. Type the 6-digit code for each"
                + ("; for a device asked twice, type the code it shows now, then wait for the next one." if repeated else ".")
                if several else
                f"{who[:1].upper()}{who[1:]} assumes a role that requires MFA. Type the 6-digit code your MFA device shows now "
                f"for:\n{self.serials[0]}")
        intro = self.intro = make_plain(QLabel(text))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.fields: list[QLineEdit] = []
        for number, serial in enumerate(self.serials, start=1):
            again = serial in self.serials[:number - 1]
            if several:
                label = make_plain(QLabel(f"Code {number}: {serial}" + (" — the next code, once it has changed" if again else "")))
                label.setWordWrap(True)
                layout.addWidget(label)
            field = QLineEdit(placeholderText="123456")
            field.setAccessibleName(f"MFA code {number} for {serial}" if several else "MFA code")
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
        self._codes: tuple[str, ...] = ()
        self.setMinimumWidth(460)

    def accept(self) -> None:
        codes: list[str] = []
        for number, (serial, field) in enumerate(zip(self.serials, self.fields), start=1):
            which = f" (code {number})" if len(self.serials) > 1 else ""
            try:
                code = validate_mfa_code(field.text())
            except InvalidInput as error:
                self.problem.setText(f"{error}{which}")
                field.setFocus()
                return
            if any(code == earlier for earlier, other in zip(codes, self.serials) if other == serial):
                self.problem.setText(f"Code {number} is the same as the earlier code from that device: wait for the next one.")
                field.setFocus()
                return
            codes.append(code)
        self._codes = tuple(codes)
        super().accept()

    def codes(self) -> tuple[str, ...] | None:
        """The validated codes, one per role in ``serials`` order, after Connect; None after Cancel."""
        return self._codes if self.result() == QDialog.DialogCode.Accepted else None

    def code(self) -> str | None:
        """The first code after Connect; None after Cancel."""
        codes = self.codes()
        return codes[0] if codes else None
