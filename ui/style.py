"""Status colours, icons and words, readable in light and dark palettes and in grayscale."""
from __future__ import annotations

from PySide6.QtGui import QColor

from app.model import Status

# Mid-tone colours that keep contrast on white and on near-black backgrounds.
STATUS_COLOURS = {
    Status.PASS: QColor("#2e9d4f"),
    Status.FAIL: QColor("#d64541"),
    Status.WARN: QColor("#d08a00"),
    Status.UNKNOWN: QColor("#8e6bbf"),
    Status.NOT_APPLICABLE: QColor("#808080"),
}
STATUS_SYMBOLS = {
    Status.PASS: "✓",
    Status.FAIL: "✗",
    Status.WARN: "!",
    Status.UNKNOWN: "?",
    Status.NOT_APPLICABLE: "–",
}
STATUS_WORDS = {
    Status.PASS: "Pass",
    Status.FAIL: "Fail",
    Status.WARN: "Warning",
    Status.UNKNOWN: "Unknown",
    Status.NOT_APPLICABLE: "Not applicable",
}
