"""The one place that turns errors into dialogs (SPEC §10). No traceback ever reaches the user.

``message_for`` is pure (tested without a display); ``show_error`` shows it modally.
"""
from __future__ import annotations

import logging
import sys
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import AccessDenied, ConnectionProblem, InvalidInput, RootwardenError, WrongAccount
from app.fixes.base import FixFailed
from PySide6.QtCore import Qt

log = logging.getLogger("rootwarden")


def message_for(error: BaseException) -> tuple[str, str]:
    """(title, text) for a dialog."""
    if isinstance(error, FixFailed):
        return "The change did not complete", str(error)
    if isinstance(error, WrongAccount):
        return "Wrong account", str(error)
    if isinstance(error, ConnectionProblem):
        return "Cannot connect to AWS", error.ui_text  # the wizard's wording: no command-line flags
    if isinstance(error, AccessDenied):
        return "Access denied", str(error)
    if isinstance(error, InvalidInput):
        return "Please correct the form", str(error)
    if isinstance(error, RootwardenError):
        return "Rootwarden", str(error)
    return ("Unexpected problem",
            f"Something unexpected went wrong ({type(error).__name__}). Nothing more was changed in your account. "
            "Please try again; if it happens again, report it.")


def show_error(parent: QWidget | None, error: BaseException) -> None:
    title, text = message_for(error)
    log.warning("%s: %s", title, type(error).__name__)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages carry AWS and form data: never markup
    box.setAccessibleName(title)
    box.exec()


def install_excepthook() -> None:
    """Unhandled exceptions in slots become a dialog, not a traceback on a console."""

    def hook(kind: type[BaseException], error: BaseException, tb: Any) -> None:
        log.error("unhandled %s", kind.__name__)
        show_error(None, error)

    sys.excepthook = hook
