"""Status colours, icons and words, readable in light and dark palettes and in grayscale."""
from __future__ import annotations

from PySide6.QtGui import QColor

from app.model import Status
from app.text.palette import STATUS_HEX

STATUS_COLOURS = {status: QColor(hex_colour) for status, hex_colour in STATUS_HEX.items()}
STATUS_SYMBOLS = {
    Status.PASS: "✓",
    Status.FAIL: "✗",
    Status.WARN: "!",
    Status.UNKNOWN: "?",
    Status.NOT_APPLICABLE: "–",
}
STATUS_WORDS = {status: status.label for status in Status}
