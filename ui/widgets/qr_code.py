"""A QR code drawn crisply from qrcode's module matrix with QPainter (no Pillow), at any scaling.

``clear()`` drops the matrix (and so the encoded secret) and repaints blank.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget


def qr_matrix(text: str) -> list[list[bool]]:
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


class QrCodeWidget(QWidget):
    def __init__(self, parent: QWidget | None = None, minimum: int = 280) -> None:
        super().__init__(parent)
        self._matrix: list[list[bool]] | None = None
        self.setMinimumSize(QSize(minimum, minimum))
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("QR code")

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def set_text(self, text: str) -> None:
        self._matrix = qr_matrix(text)
        self.setAccessibleDescription("QR code to scan with an authenticator app")
        self.update()

    def clear(self) -> None:
        self._matrix = None
        self.update()

    @property
    def is_empty(self) -> bool:
        return self._matrix is None

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))  # a QR code needs a light background, in any theme
        if self._matrix is None:
            return
        count = len(self._matrix)
        ratio = self.devicePixelRatioF()
        # Whole device pixels per module keep every edge sharp.
        module = max(1, int(min(self.width(), self.height()) * ratio // count)) / ratio
        left = (self.width() - module * count) / 2
        top = (self.height() - module * count) / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("black"))
        for y, row in enumerate(self._matrix):
            for x, dark in enumerate(row):
                if dark:
                    painter.drawRect(QRectF(left + x * module, top + y * module, module, module))
