"""The Connect page's saved-profiles box: list, add, edit, remove (OS keyring, off the UI thread).

Signals: ``chosen`` when a usable profile is selected, ``activated`` on double-click,
``available(bool)`` after each load (False when the keyring is unusable or empty).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QListWidget, QListWidgetItem, QMessageBox, QPushButton

from app import profiles
from app.session import WizardSession
from ui import errors
from ui.tasks import run_task

USABLE = Qt.ItemDataRole.UserRole + 1


class SavedProfilesBox(QGroupBox):
    chosen = Signal()
    activated = Signal()
    available = Signal(bool)

    def __init__(self, session: WizardSession, regions: Callable[[], list[str]]) -> None:
        super().__init__("Saved profiles (OS keyring)")
        self.session, self.regions = session, regions
        self.dialog = None  # the open add/edit dialog, if any
        self._loaded: dict[str, profiles.Profile] = {}
        self.list = QListWidget()
        self.list.setAccessibleName("Saved profiles")
        self.list.setMaximumHeight(110)
        self.list.currentRowChanged.connect(lambda row: self.chosen.emit() if row >= 0 else None)
        self.list.itemDoubleClicked.connect(lambda _: self.activated.emit())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Saved profiles message")
        self.add_button, self.edit_button, self.remove_button = QPushButton("&Add…"), QPushButton("&Edit…"), QPushButton("Re&move")
        grid = QGridLayout(self)
        for row, (button, name, slot) in enumerate(((self.add_button, "Add a profile", lambda: self.edit(None)),
                                                     (self.edit_button, "Edit the profile", self.edit_selected),
                                                     (self.remove_button, "Remove the profile", self.remove_selected))):
            button.setAccessibleName(name)
            button.clicked.connect(slot)
            grid.addWidget(button, row, 1)
        grid.addWidget(self.list, 0, 0, 4, 1)
        grid.addWidget(self.message, 4, 0, 1, 2)
        grid.setColumnStretch(0, 1)

    def store(self) -> Callable[[], profiles.ProfileStore]:
        """What opens the keyring, read on the UI thread; call the result from a worker (it
        touches no widget)."""
        backend = self.session.keyring_backend
        return lambda: profiles.ProfileStore(backend)

    def selected_name(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item and item.data(USABLE) else None

    # -- loading ------------------------------------------------------------------------------
    def load(self) -> None:
        run_task(lambda p, c, store=self.store(): store().list(), self._show, self._unavailable)

    def selected_profile(self) -> profiles.Profile | None:
        """The selected profile's non-secret fields, as last loaded."""
        return self._loaded.get(self.selected_name() or "")

    def _show(self, entries: list) -> None:
        self.list.clear()
        self._loaded = {entry.name: entry.profile for entry in entries if entry.profile}
        for entry in entries:
            p = entry.profile
            text = f"{p.name} — account {p.account_id}, {p.region}, {p.source}" if p else f"{entry.name} — unusable: {entry.problem}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, entry.name)
            item.setData(USABLE, p is not None)
            self.list.addItem(item)
        self.message.setStyleSheet("")
        self.message.setText("" if entries else "No saved profiles yet. Connect below, then save the connection, or add one.")
        self._buttons(True)
        self.available.emit(bool(entries))
        if entries and self.list.currentRow() < 0:
            self.list.setCurrentRow(0)

    def _unavailable(self, error: Exception) -> None:
        self.list.clear()
        self._buttons(False)
        self.message.setStyleSheet("color: #d08a00")
        self.message.setText(errors.message_for(error)[1] + " AWS profiles and the credential chain below still work.")
        self.available.emit(False)

    def _buttons(self, enabled: bool) -> None:
        for button in (self.add_button, self.edit_button, self.remove_button):
            button.setEnabled(enabled)

    # -- changes ------------------------------------------------------------------------------
    def edit(self, existing: profiles.Profile | None, material: str | None = None, **prefill: object) -> None:
        """Add (``existing`` None) or edit a profile. ``material`` is the refresh material of a
        new IAM Identity Center profile (it goes to the keyring only if the user saves)."""
        from ui.profile_dialog import ProfileDialog

        dialog = self.dialog = ProfileDialog(self, self.regions(), existing, **prefill)
        old_name = existing.name if existing else None

        def saved(_: int) -> None:
            if dialog.result_value is None:
                return
            profile, secret, token = dialog.result_value
            dialog.result_value = None  # the secret leaves the dialog here, for the keyring only
            if profile.identity_center:
                secret = material  # None when editing: the stored material is kept
            run_task(lambda p, c, store=self.store(): store().update(old_name, profile, secret, token),
                     lambda _: self.load(), lambda e: errors.show_error(self, e))

        dialog.finished.connect(saved)
        dialog.open()

    def edit_selected(self) -> None:
        name = self.selected_name()
        if name:
            run_task(lambda p, c, store=self.store(): store().get(name), self.edit, lambda e: errors.show_error(self, e))

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        if QMessageBox.question(self, "Remove profile", f"Remove the profile “{name}” and its secret from the keyring?") \
                != QMessageBox.StandardButton.Yes:
            return
        run_task(lambda p, c, store=self.store(): store().remove(name), lambda _: self.load(), lambda e: errors.show_error(self, e))
