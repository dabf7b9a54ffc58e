"""Showing text from AWS, a form or a record in Qt: as plain text, never as markup.

A QLabel guesses rich text when a string looks like HTML, so a contact named
``<b><font size=7 color=green>ALL CHECKS PASSED</font></b>`` would render as a banner and a
description ending in ``<!--`` would hide what follows. Labels that show such data are
``plain_label``s (Qt.PlainText); rich labels that mix our markup with data pass the data through
``escape``. UI thread only (widgets).
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(text: str = "", parent: QWidget | None = None, wrap: bool = True) -> QLabel:
    """A label that shows ``text`` exactly as its characters."""
    label = QLabel(parent)
    make_plain(label)
    label.setWordWrap(wrap)
    label.setText(text)
    return label


def make_plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def escape(text: object) -> str:
    """Data for inclusion in one of our rich-text strings."""
    return html.escape(str(text), quote=True)


def plain_tooltip(text: object) -> str:
    """A tooltip that shows ``text`` as its characters (Qt guesses rich text in tooltips too)."""
    return f'<p style="white-space:pre-wrap">{escape(text)}</p>'
