"""Small constructors for controls that must always carry an accessible name."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QPushButton


def button(text: str, accessible_name: str, on_click: Callable[[], object] | None = None) -> QPushButton:
    """A push button with a screen-reader name and, optionally, what it does."""
    widget = QPushButton(text)
    widget.setAccessibleName(accessible_name)
    if on_click is not None:
        widget.clicked.connect(lambda: on_click())
    return widget
