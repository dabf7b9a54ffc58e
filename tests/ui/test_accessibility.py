"""Every control can be named by a screen reader and reached by keyboard; both palettes and 200%
scaling render (screenshots saved for people to look at)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QTableWidget

from app.flow import PageId
from tests.ui.conftest import SCREENSHOTS

INTERACTIVE = (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QTableWidget)


def unnamed_controls(widget) -> list[str]:
    missing = []
    for child in (c for kind in INTERACTIVE for c in widget.findChildren(kind)):
        if child.objectName().startswith("qt_") or isinstance(child, QLineEdit) and isinstance(child.parent(), QComboBox):
            continue  # an editable combo's inner line edit; the combo carries the name
        name = child.accessibleName() or (child.text() if isinstance(child, QAbstractButton) else "")
        if not name.strip():
            missing.append(f"{type(child).__name__} {child.objectName()!r} on {type(widget).__name__}")
        if child.focusPolicy() == Qt.FocusPolicy.NoFocus and not isinstance(child, QTableWidget):
            missing.append(f"{type(child).__name__} {child.text() if isinstance(child, QAbstractButton) else ''} cannot take focus")
    return missing


def test_every_control_on_every_page_is_named_and_focusable(qtbot, connected):
    wizard = connected
    problems = []
    for page_id in PageId:
        problems += unnamed_controls(wizard.page(page_id))
    assert problems == []


def luminance(rgb) -> float:
    """WCAG relative luminance of an sRGB colour (0–255 channels)."""
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(float(c)) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_contrast(pixels, box) -> float:
    """Contrast ratio between a label's background (its most common colour) and its text (the
    pixel furthest in luminance from that background), measured in the rendered image."""
    import numpy as np

    area = pixels[box["y"]:box["y"] + box["h"], box["x"]:box["x"] + box["w"], :3].reshape(-1, 3)
    colours, counts = np.unique(area, axis=0, return_counts=True)
    background = luminance(colours[counts.argmax()])
    text = max((luminance(c) for c in colours), key=lambda lum: abs(lum - background))
    light, dark = max(background, text), min(background, text)
    return (light + 0.05) / (dark + 0.05)


def test_dark_palette_and_200_percent_scaling_render(tmp_path):
    """Renders the Welcome and Step 5 pages in a separate process per setting; the images come
    out at the expected size and every visible label's text is readable on its background
    (WCAG AA contrast, 4.5:1, measured in the rendered pixels). Look at them in tests/screenshots/."""
    import json

    import numpy as np

    script = Path(__file__).with_name("render_pages.py")
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, env in (("dark", {"ROOTWARDEN_TEST_DARK": "1"}), ("scale200", {"QT_SCALE_FACTOR": "2"})):
        out = SCREENSHOTS / f"40-{name}"
        result = subprocess.run([sys.executable, str(script), str(out)], env={**os.environ, **env, "XDG_DATA_HOME": str(tmp_path)},
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        from PySide6.QtGui import QImage

        image = QImage(f"{out}-step5.png")
        expected_width = 2560 if name == "scale200" else 1280
        assert image.width() == expected_width, (name, image.width())
        rgb = image.convertToFormat(QImage.Format.Format_RGB888)
        pixels = np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(), rgb.bytesPerLine())[:, :rgb.width() * 3]
        pixels = pixels.reshape(rgb.height(), rgb.width(), 3)
        boxes = json.loads(Path(f"{out}-step5.json").read_text())
        assert len(boxes) >= 5, boxes  # the page's title, cards and state are among them
        unreadable = [(b["text"], round(text_contrast(pixels, b), 2)) for b in boxes if text_contrast(pixels, b) < 4.5]
        assert unreadable == [], (name, unreadable)
        mfa = QImage(f"{out}-mfa.png")
        assert mfa.width() == (1240 if name == "scale200" else 620), (name, mfa.width())
