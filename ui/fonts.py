"""Register the bundled fonts once, so text renders (and PDFs carry real, selectable text) on a
machine with no system fonts. Call on the UI thread after the QGuiApplication exists."""
from __future__ import annotations

from PySide6.QtGui import QFontDatabase

import resources

FAMILY = "DejaVu Sans"
MONO = "DejaVu Sans Mono"
_registered: list[str] = []


def register_fonts() -> list[str]:
    if not _registered:
        for path in sorted(resources.path("fonts").glob("*.ttf")):
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                _registered.extend(QFontDatabase.applicationFontFamilies(font_id))
    return _registered
