"""Drive the application's REAL modal dialogs from a test.

A modal dialog's ``exec()`` runs its own event loop, so a test cannot click it after the call
returns; instead a repeating QTimer looks at ``QApplication.activeModalWidget()`` and, when the
dialog it waits for is up, reads what it shows and clicks one of its real buttons. Nothing in
``ui.confirm`` or ``ui.errors`` is replaced: the user's dialog is the one answered.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget

_HANDLED = "_rootwarden_test_answered"


def click_button(dialog: QWidget, name: str) -> None:
    """Click the enabled button of ``dialog`` whose text (without the & mnemonic) is ``name``."""
    for candidate in dialog.findChildren(QAbstractButton):
        if candidate.text().replace("&", "") == name and candidate.isVisible():
            assert candidate.isEnabled(), f"the button {name!r} of {dialog.windowTitle()!r} is disabled"
            candidate.click()
            return
    names = [b.text() for b in dialog.findChildren(QAbstractButton)]
    raise AssertionError(f"no button {name!r} in {dialog.windowTitle()!r}; it has {names}")


class RealDialogs:
    """Answers the wizard's confirmation dialogs (``ui.confirm.ConfirmChanges``) and error
    dialogs (the warning QMessageBox of ``ui.errors.show_error``) while it runs.

    ``confirmations`` keeps (title, [change descriptions], typed word) of each confirmation,
    ``errors`` keeps (title, text) of each error dialog, both read from the dialogs' widgets.
    ``accept`` decides whether confirmations are accepted (typing the required word into the
    dialog's own field) or cancelled. Other modals (questions, input dialogs) are left alone.
    """

    def __init__(self, accept: bool = True) -> None:
        self.accept = accept
        self.confirmations: list[tuple[str, list[str], str | None]] = []
        self.errors: list[tuple[str, str]] = []
        self._timer = QTimer(interval=10)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _look(self) -> None:
        from ui.confirm import ConfirmChanges

        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.property(_HANDLED) or not dialog.isVisible():
            return
        if isinstance(dialog, ConfirmChanges):
            dialog.setProperty(_HANDLED, True)
            changes = [re.sub(r"^\d+\. (.*)  \([^()]*\)$", r"\1", item.text(), flags=re.S) for item in dialog.items]
            self.confirmations.append((dialog.windowTitle(), changes, dialog.typed_word))
            if self.accept:
                if dialog.typed_word:
                    dialog.word.setText(dialog.typed_word)
                click_button(dialog, "Make these changes")
            else:
                click_button(dialog, "Cancel")
        elif isinstance(dialog, QMessageBox) and dialog.icon() is QMessageBox.Icon.Warning:
            dialog.setProperty(_HANDLED, True)
            self.errors.append((dialog.windowTitle(), dialog.text()))
            click_button(dialog, "OK")
