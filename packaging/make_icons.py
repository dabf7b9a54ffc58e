"""Render resources/icons/rootwarden.svg to the PNG sizes desktops use, and a Windows .ico.

Run after changing the SVG: python packaging/make_icons.py  (uses Qt's SVG renderer; no Pillow)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def main() -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv)  # noqa: F841
    import re

    from PySide6.QtCore import QByteArray

    svg = (ICONS / "rootwarden.svg").read_text()
    small = re.sub(r'<g id="check">.*?</g>', "", svg, flags=re.S)
    images = []
    for size in SIZES:
        renderer = QSvgRenderer(QByteArray((small if size <= 24 else svg).encode()))
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        folder = ICONS / "hicolor" / f"{size}x{size}"
        folder.mkdir(parents=True, exist_ok=True)
        image.save(str(folder / "rootwarden.png"))
        images.append(image)
    images[-1].save(str(ICONS / "rootwarden.ico"))  # Qt's ICO writer (one 256 px image)
    print(f"wrote {len(SIZES)} PNG sizes and rootwarden.ico under {ICONS}")


if __name__ == "__main__":
    main()
