"""Sign in to IAM Identity Center inside the wizard (SPEC §3): where → code and QR → account and
role. A thin view over ``app.aws.identity_center``: every AWS call runs on a worker; the token
and the role credentials stay in this dialog's memory until ``connection`` hands them to the
Connect page. Closing or cancelling stops the polling and keeps nothing.
"""
from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QStackedWidget, QVBoxLayout, QWidget)

from app.aws import identity_center as ic
from app.errors import InvalidInput
from app.text_safety import for_terminal
from ui.errors import message_for
from ui.plain import make_plain
from ui.tasks import run_task
from ui.widgets.controls import button
from ui.widgets.qr_code import QrCodeWidget

OTHER = "Another portal (type its start URL)"


class IdentityCenterDialog(QDialog):
    def __init__(self, regions: list[str], default_region: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in with IAM Identity Center")
        self.setAccessibleName("Sign in with IAM Identity Center")
        self.regions, self.connect_region = regions, default_region
        self.sign_in: ic.DeviceSignIn | None = None
        self.portal: ic.Portal | None = None
        self.token: ic.Token | None = None
        self.code: ic.DeviceCode | None = None
        self.connection: tuple[Any, ic.Portal, ic.Token, str, str] | None = None  # (AwsContext, portal, token, account, role)
        self.cli_cache: str | None = None  # where the AWS CLI's token was written, if asked
        self.stack = QStackedWidget()
        for page in (self._where_page(), self._code_page(), self._choice_page()):
            self.stack.addWidget(page)
        self.message = make_plain(QLabel())
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Sign-in message")
        self.cancel_button = button("Cancel", "Cancel the sign-in", self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        layout.addLayout(bottom)
        self.countdown = QTimer(self, interval=1000)
        self.countdown.timeout.connect(self._tick)
        self.resize(640, 520)

    # -- 1: where ----------------------------------------------------------------------------
    def _where_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        intro = QLabel("Rootwarden signs you in to your AWS access portal the way <code>aws sso login</code> does: you approve "
                       "in a browser, then choose an account and a role. The sign-in stays in memory.")
        intro.setWordWrap(True)
        form.addRow(intro)
        self.portals = QComboBox()
        self.portals.setAccessibleName("Access portal")
        for known in ic.portals_from_config():
            self.portals.addItem(known.label, known)
        self.portals.addItem(OTHER, None)
        self.portals.currentIndexChanged.connect(lambda _: self._portal_fields())
        form.addRow("Portal:", self.portals)
        self.start_url = QLineEdit(placeholderText="https://d-1234567890.awsapps.com/start")
        self.start_url.setAccessibleName("Start URL")
        self.start_url.setMaxLength(420)
        form.addRow("Start URL:", self.start_url)
        self.sso_region = QComboBox(editable=True)
        self.sso_region.setAccessibleName("Identity Center region")
        self.sso_region.addItems(self.regions)
        self.sso_region.setCurrentText("us-east-1")
        form.addRow("Identity Center region:", self.sso_region)
        self.also_cli = QCheckBox("Also sign in the AWS CLI (writes its token cache in ~/.aws/sso/cache, as aws sso login does)")
        self.also_cli.setAccessibleName("Also sign in the AWS CLI")
        form.addRow(self.also_cli)
        self.start_button = button("&Sign in", "Start the sign-in", self.start)
        form.addRow(self.start_button)
        self._portal_fields()
        return page

    def _portal_fields(self) -> None:
        """A portal from the config shows its own URL and region (read-only); "another portal"
        lets the user type them."""
        known = self.portals.currentData()
        self.start_url.setEnabled(known is None)
        self.sso_region.setEnabled(known is None)
        if known is not None:
            self.start_url.setText(known.start_url)
            self.sso_region.setCurrentText(known.region)
        elif self.portals.count() > 1:
            self.start_url.clear()

    def start(self) -> None:
        try:
            chosen = self.portals.currentData() or ic.portal(self.start_url.text(), self.sso_region.currentText())
        except InvalidInput as error:
            self._say(str(error), error=True)
            return
        self.portal = chosen
        self.sign_in = ic.DeviceSignIn(chosen)
        self.start_button.setEnabled(False)
        self._say("Asking IAM Identity Center for a sign-in code…")
        sign_in = self.sign_in
        run_task(lambda p, c: sign_in.start(), self._show_code, self._failed)

    # -- 2: code -----------------------------------------------------------------------------
    def _code_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.code_intro = make_plain(QLabel())
        self.code_intro.setWordWrap(True)
        layout.addWidget(self.code_intro)
        row = QHBoxLayout()
        self.qr = QrCodeWidget(minimum=220)
        row.addWidget(self.qr)
        side = QVBoxLayout()
        self.user_code = make_plain(QLabel())
        self.user_code.setAccessibleName("Sign-in code")
        self.user_code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.user_code.setFont(font)
        side.addWidget(self.user_code)
        self.open_button = button("&Open the browser", "Open the verification page in the browser", self.open_browser)
        self.copy_button = button("&Copy the code", "Copy the sign-in code", self.copy_code)
        side.addWidget(self.open_button)
        side.addWidget(self.copy_button)
        self.waiting = make_plain(QLabel())
        self.waiting.setWordWrap(True)
        self.waiting.setAccessibleName("Waiting for approval")
        side.addWidget(self.waiting)
        side.addStretch(1)
        row.addLayout(side, 1)
        layout.addLayout(row)
        return page

    def _show_code(self, code: ic.DeviceCode) -> None:
        self.code = code
        self.code_intro.setText("Open this page in a browser (or scan the QR code with your phone), check that it shows "
                                f"the same code, and approve:\n{code.verification_uri}")
        self.user_code.setText(code.user_code)
        self.qr.set_text(code.verification_uri_complete)
        self.qr.setAccessibleDescription("QR code of the sign-in page with the code filled in")
        self.stack.setCurrentIndex(1)
        self._say("")
        self._tick()
        self.countdown.start()
        sign_in = self.sign_in
        run_task(lambda p, c: sign_in.wait(code), self._signed_in, self._failed)

    def _tick(self) -> None:
        if self.code is None:
            return
        left = max(0, int(self.code.expires_at - time.monotonic()))
        self.waiting.setText(f"Waiting for you to approve in the browser… the code expires in {left // 60}:{left % 60:02d}.")

    def open_browser(self) -> None:
        if self.code:
            QDesktopServices.openUrl(QUrl(self.code.verification_uri_complete))

    def copy_code(self) -> None:
        if self.code:
            QGuiApplication.clipboard().setText(self.code.user_code)

    # -- 3: account and role -----------------------------------------------------------------
    def _choice_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("Signed in. Choose the account and the role to connect with."))
        layout.addWidget(QLabel("<b>Account</b>"))
        self.accounts = QListWidget()
        self.accounts.setAccessibleName("Accounts")
        self.accounts.currentItemChanged.connect(lambda item, _: self._load_roles(item))
        layout.addWidget(self.accounts, 2)
        layout.addWidget(QLabel("<b>Role</b> (its permissions are what Rootwarden can read and change)"))
        self.roles = QListWidget()
        self.roles.setAccessibleName("Roles")
        self.roles.itemDoubleClicked.connect(lambda _: self.use_role())
        layout.addWidget(self.roles, 1)
        self.use_button = button("C&onnect with this role", "Connect with the selected account and role", self.use_role)
        layout.addWidget(self.use_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _signed_in(self, token: ic.Token) -> None:
        self.countdown.stop()
        self.token = token
        self.qr.clear()
        where, also_cli = self.portal, self.also_cli.isChecked()

        def load(progress, cancelled):
            written = str(ic.write_cli_cache(where, token)) if also_cli else None
            return written, ic.accounts(where, token)

        self._say("Loading your accounts…")
        run_task(load, self._show_accounts, self._failed)

    def _show_accounts(self, loaded: tuple[str | None, list[ic.AccountChoice]]) -> None:
        self.cli_cache, choices = loaded
        self.stack.setCurrentIndex(2)
        self.accounts.clear()
        for choice in choices:
            # Names come from the portal: control characters are shown escaped, so no entry can look like two.
            item = QListWidgetItem(for_terminal(f"{choice.name or '(no name)'} — {choice.account_id}"
                                                + (f" ({choice.email})" if choice.email else "")))
            item.setData(Qt.ItemDataRole.UserRole, choice.account_id)
            self.accounts.addItem(item)
        note = f" The AWS CLI is signed in too ({self.cli_cache})." if self.cli_cache else ""
        self._say((("No accounts are assigned to you in this portal." if not choices else "") + note).strip(), error=not choices)
        if choices:
            self.accounts.setCurrentRow(0)

    def _load_roles(self, item: QListWidgetItem | None) -> None:
        self.roles.clear()
        if item is None or self.token is None:
            return
        account, where, token = item.data(Qt.ItemDataRole.UserRole), self.portal, self.token
        run_task(lambda p, c: (account, ic.roles(where, token, account)), self._show_roles, self._failed)

    def _show_roles(self, found: tuple[str, list[str]]) -> None:
        account, names = found
        current = self.accounts.currentItem()
        if current is None or current.data(Qt.ItemDataRole.UserRole) != account:
            return  # the user moved on to another account meanwhile
        self.roles.clear()
        for name in names:
            item = QListWidgetItem(for_terminal(name))
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.roles.addItem(item)
        if names:
            self.roles.setCurrentRow(0)

    def use_role(self) -> None:
        account, role = self.accounts.currentItem(), self.roles.currentItem()
        if account is None or role is None:
            self._say("Choose an account and a role.", error=True)
            return
        account_id, role_name = account.data(Qt.ItemDataRole.UserRole), role.data(Qt.ItemDataRole.UserRole)
        where, token = self.portal, self.token
        region = self.connect_region
        self.use_button.setEnabled(False)
        self._say("Getting the role's credentials…")
        run_task(lambda p, c: ic.role_context(where, token, account_id, role_name, region),
                 lambda aws: self._done(aws, account_id, role_name), self._failed)

    def _done(self, aws: Any, account_id: str, role: str) -> None:
        self.connection = (aws, self.portal, self.token, account_id, role)
        self.accept()

    # -- shared ------------------------------------------------------------------------------
    def _failed(self, error: Exception) -> None:
        if not self.isVisible():
            return
        self.countdown.stop()
        self.start_button.setEnabled(True)
        self.use_button.setEnabled(True)
        if isinstance(error, ic.SignInCancelled):
            return
        if self.stack.currentIndex() == 1:
            self.qr.clear()
            self.stack.setCurrentIndex(0)
        self._say(message_for(error)[1], error=True)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #d64541" if error else "")
        self.message.setText(text)

    def done(self, result: int) -> None:
        """Any way the dialog closes stops a sign-in still waiting for the browser."""
        if self.sign_in is not None:
            self.sign_in.cancel()
        self.countdown.stop()
        self.qr.clear()
        super().done(result)
