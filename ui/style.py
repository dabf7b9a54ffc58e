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


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable_on(colour: QColor, background: QColor, minimum: float = 4.5) -> QColor:
    """``colour`` as text on ``background``: mixed toward white (dark backgrounds) or black
    (light ones) until the contrast reaches ``minimum`` (WCAG AA for normal text). No single
    mid-tone reaches 4.5:1 on both white and near-black, so text colours follow the palette."""
    target = QColor("white") if _luminance(background) < 0.18 else QColor("black")
    for step in range(21):
        t = step / 20
        mixed = QColor.fromRgbF(colour.redF() + (target.redF() - colour.redF()) * t,
                                colour.greenF() + (target.greenF() - colour.greenF()) * t,
                                colour.blueF() + (target.blueF() - colour.blueF()) * t)
        if contrast(mixed, background) >= minimum:
            return mixed
    return target
