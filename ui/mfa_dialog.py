"""The virtual-MFA enrollment dialog for an IAM user: choose the user, scan, type two codes.

Modal, so the seed's lifetime is the dialog's: closing or cancelling deletes the unassigned
device and wipes the seed; success wipes it too and clears the QR code. All AWS calls run on
the one-thread change pool.
"""
from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication, QRegularExpressionValidator
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QMessageBox,
                               QPushButton, QRadioButton, QStackedWidget, QVBoxLayout, QWidget)

from app import mfa_enrollment as mfa
from app.errors import InvalidInput
from app.session import WizardSession
from ui import errors
from ui.tasks import change_pool, run_task
from ui.widgets.controls import button
from ui.widgets.qr_code import QrCodeWidget
from ui.plain import escape

CLIPBOARD_SECONDS = 30


class MfaEnrollmentDialog(QDialog):
    def __init__(self, session: WizardSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.enrollment: mfa.VirtualMfaEnrollment | None = None
        self.busy = False
        self.setWindowTitle("Virtual MFA for an IAM user")
        self.setAccessibleName("Virtual MFA enrollment")
        self.stack = QStackedWidget()
        self.stack.addWidget(self._choose_page())
        self.stack.addWidget(self._scan_page())
        self.stack.addWidget(self._done_page())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Enrollment message")
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 3)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.cancel_button = button("Cancel", "Cancel the enrollment", self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        layout.addLayout(bottom)
        self.resize(620, 520)

    # -- page 1: whose device --------------------------------------------------------------
    def _choose_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        ident = self.session.identity
        caller = ident.caller_arn.split(":user/", 1)[1].rsplit("/", 1)[-1] if ident and ":user/" in ident.caller_arn else None
        intro = QLabel("Add an authenticator app as MFA for an IAM user. Rootwarden shows a QR code; you type two "
                       "consecutive codes; AWS enables the device.")
        intro.setWordWrap(True)
        form.addRow(intro)
        self.for_caller = QRadioButton(f"My daily identity: IAM user {caller}" if caller else "My daily identity (you are not signed in as an IAM user)")
        self.for_caller.setEnabled(caller is not None)
        self.caller_name = caller
        self.for_other = QRadioButton("A break-glass IAM user named:")
        self.other_name = QLineEdit("break-glass-admin", maxLength=64)
        self.other_name.setAccessibleName("Break-glass user name")
        self.create_user = QCheckBox("Create this user if it does not exist (no access keys)")
        self.console_password = QCheckBox("…and give it a console password (shown once)")
        (self.for_caller if caller else self.for_other).setChecked(True)
        for widget, name in ((self.for_caller, "Enroll for my daily identity"), (self.for_other, "Enroll for a break-glass user"),
                             (self.create_user, "Create the user if missing"), (self.console_password, "Give it a console password")):
            widget.setAccessibleName(name)
        form.addRow(self.for_caller)
        row = QHBoxLayout()
        row.addWidget(self.for_other)
        row.addWidget(self.other_name, 1)
        form.addRow(row)
        form.addRow(self.create_user)
        form.addRow(self.console_password)
        self.start_button = button("&Start", "Start the enrollment", self.start)
        form.addRow(self.start_button)
        form.setAlignment(self.start_button, Qt.AlignmentFlag.AlignLeft)
        self.for_other.toggled.connect(self._options_follow)
        self.create_user.toggled.connect(self._options_follow)
        self._options_follow()
        return page

    def _options_follow(self) -> None:
        self.other_name.setEnabled(self.for_other.isChecked())
        self.create_user.setEnabled(self.for_other.isChecked())
        self.console_password.setEnabled(self.for_other.isChecked() and self.create_user.isChecked())
        if not self.console_password.isEnabled():
            self.console_password.setChecked(False)

    def target_user(self) -> str:
        return self.caller_name if self.for_caller.isChecked() else mfa.validate_user_name(self.other_name.text())

    def start(self) -> None:
        try:
            user = self.target_user()
        except InvalidInput as error:
            self._say(str(error), error=True)
            return
        aws, audit = self.session.aws, self.session.audit
        create_user, password = self.for_other.isChecked() and self.create_user.isChecked(), self.console_password.isChecked()

        check_user = self.for_other.isChecked()

        def prepare(progress, cancelled):
            created, new_password = False, None
            if create_user and not mfa.user_exists(aws, user):
                new_password = mfa.create_break_glass_user(aws, user, audit, password)
                created = True
            elif check_user:
                mfa.require_user(aws, user)
            return created, new_password, mfa.existing_devices(aws, user)

        def failed(error: Exception) -> None:
            if isinstance(error, mfa.NoSuchUser):
                self._say(str(error), error=True)
                self.other_name.setFocus()
            else:
                self._finish_failed(error)

        self._work(prepare, lambda result: self._prepared(user, *result), failed)

    def _prepared(self, user: str, created: bool, password: str | None, devices: list[str]) -> None:
        if created:
            NewUserDialog(user, password, self).exec()
            password = None
        if devices and not self.confirm_another(user, len(devices)):
            return
        ident = self.session.identity
        issuer = f"AWS {ident.alias or ident.account_id}"
        self.enrollment = mfa.VirtualMfaEnrollment(self.session.aws, user, issuer, self.session.audit)
        self._work(lambda p, c: self.enrollment.create(), lambda _: self._show_scan())

    def confirm_another(self, user: str, count: int) -> bool:
        """Ask before a further device; No is the default, so Enter never creates one."""
        answer = QMessageBox.question(self, "Add another MFA device?",
                                      f"{user} already has {count} MFA device(s). IAM allows up to {mfa.MAX_DEVICES}. Add another?",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # -- page 2: scan and type two codes ----------------------------------------------------
    def _scan_page(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        self.qr = QrCodeWidget()
        grid.addWidget(self.qr, 0, 0, 5, 1, Qt.AlignmentFlag.AlignTop)
        steps = QLabel("1. Open your authenticator app and add an account by scanning this code.<br>"
                       "2. Type the code it shows, wait for the next one, and type that too.")
        steps.setWordWrap(True)
        grid.addWidget(steps, 0, 1, 1, 2)
        self.show_key = QPushButton("Show key")
        self.show_key.setCheckable(True)
        self.show_key.setAccessibleName("Show the secret key")
        self.show_key.toggled.connect(self._toggle_key)
        self.copy_key = button("Copy key", "Copy the secret key", self._copy_key)
        self.copy_key.hide()
        self.key_label = QLabel()
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAccessibleName("Secret key")
        self.key_label.setStyleSheet("font-family: monospace")
        row = QHBoxLayout()
        row.addWidget(self.show_key)
        row.addWidget(self.copy_key)
        row.addStretch(1)
        grid.addLayout(row, 1, 1, 1, 2)
        grid.addWidget(self.key_label, 2, 1, 1, 2)
        validator = QRegularExpressionValidator(QRegularExpression(r"\d{0,6}"))
        self.code1, self.code2 = QLineEdit(), QLineEdit()
        for number, edit in ((1, self.code1), (2, self.code2)):
            edit.setValidator(validator)
            edit.setMaxLength(6)
            edit.setPlaceholderText("6 digits")
            edit.setAccessibleName(f"{'First' if number == 1 else 'Second'} code")
        codes = QFormLayout()
        codes.addRow("First code:", self.code1)
        codes.addRow("Next code:", self.code2)
        grid.addLayout(codes, 3, 1, 1, 2)
        self.enable_button = button("&Verify and enable", "Verify the codes and enable the device", self.enable)
        grid.addWidget(self.enable_button, 4, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(2, 1)
        return page

    def _show_scan(self) -> None:
        self.qr.set_text(self.enrollment.uri)
        self.stack.setCurrentIndex(1)
        self._say(f"Device created for {self.enrollment.user}. Scan the code.")
        self.code1.setFocus()

    def _toggle_key(self, shown: bool) -> None:
        self.key_label.setText(self.enrollment.grouped_secret if shown and self.enrollment else "")
        self.copy_key.setVisible(shown)
        self.show_key.setText("Hide key" if shown else "Show key")

    def _copy_key(self) -> None:
        key = self.enrollment.grouped_secret.replace(" ", "")
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(key)
        QTimer.singleShot(CLIPBOARD_SECONDS * 1000, lambda: clipboard.text() == key and clipboard.clear())
        self._say(f"Key copied; the clipboard is cleared in {CLIPBOARD_SECONDS} s.")

    def enable(self) -> None:
        first, second = self.code1.text(), self.code2.text()
        try:
            self.enrollment.verify(first, second)  # local: nothing is sent until the codes make sense
        except InvalidInput as error:
            self._say(str(error), error=True)
            (self.code1 if error.field == "First code" else self.code2).setFocus()
            return

        def failed(error: Exception) -> None:
            if isinstance(error, mfa.CodesRejected):
                self.code1.clear()
                self.code2.clear()
                self.code1.setFocus()
                self._say(str(error), error=True)
            else:
                self._finish_failed(error)

        self._work(lambda p, c: self.enrollment.enable(first, second), self._enabled, failed)

    # -- page 3: done ------------------------------------------------------------------------
    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        QVBoxLayout(page).addWidget(self.done_label)
        return page

    def _enabled(self, check: mfa.CodeCheck) -> None:
        self.qr.clear()
        self.key_label.clear()
        self.done_label.setText(f"<b>MFA is enabled for {escape(self.enrollment.user)}.</b><br>Device {escape(self.enrollment.serial)}. "
                                f"AWS lists it for the user now. {escape(check.note)}")
        self.stack.setCurrentIndex(2)
        self.cancel_button.setText("Close")
        self._say("")

    def _finish_failed(self, error: Exception) -> None:
        self._forget()
        self.stack.setCurrentIndex(0)
        errors.show_error(self, error)

    # -- lifetime ---------------------------------------------------------------------------
    def _work(self, operation, on_success, on_failure=None) -> None:
        self.busy = True
        for action in (self.start_button, self.enable_button):
            action.setEnabled(False)

        def finished() -> None:
            self.busy = False
            for action in (self.start_button, self.enable_button):
                action.setEnabled(True)

        handle = run_task(operation, on_success, on_failure or self._finish_failed, pool=change_pool())
        handle.done.connect(finished)

    def _forget(self) -> None:
        self.qr.clear()
        self.key_label.clear()
        self.code1.clear()
        self.code2.clear()

    def done(self, result: int) -> None:  # every way out: Close, Cancel, Esc, window close
        self._forget()
        enrollment = self.enrollment
        if enrollment is not None and enrollment.state == "created":
            run_task(lambda p, c: enrollment.cancel(), pool=change_pool())
        elif enrollment is not None:
            enrollment.wipe()
        super().done(result)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #d64541" if error else "")
        self.message.setText(text)


class NewUserDialog(QDialog):
    """Shown once after Rootwarden created a break-glass user: what it can do (nothing yet) and,
    when asked for, its one-time console password in a monospace, selectable field with Copy.

    UI thread only. The password lives in this dialog's label and, after Copy, in the clipboard
    for CLIPBOARD_SECONDS; it is never logged, audited or put in a message."""

    def __init__(self, user: str, password: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"IAM user {user} created")
        self.setAccessibleName("New break-glass user")
        layout = QVBoxLayout(self)
        head = QLabel(f"Created IAM user {user} (tagged as Rootwarden's break-glass user, no access keys).")
        note = QLabel(mfa.permissions_note(user, password is not None))
        for label in (head, note):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            layout.addWidget(label)
        if password is not None:
            shown = QLabel("Its console password is shown only now. Store it in your password manager; Rootwarden keeps no copy.")
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setWordWrap(True)
            shown.setStyleSheet("font-weight: bold")
            layout.addWidget(shown)
            self.password = QLabel(password)
            self.password.setObjectName("one-time password")
            self.password.setAccessibleName("One-time console password")
            self.password.setTextFormat(Qt.TextFormat.PlainText)
            self.password.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.password.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            self.password.setFrameShape(QFrame.Shape.StyledPanel)
            self.password.setMargin(6)
            row = QHBoxLayout()
            row.addWidget(self.password, 1)
            row.addWidget(button("&Copy", "Copy the password to the clipboard", self._copy))
            layout.addLayout(row)
            self.copied = QLabel()
            layout.addWidget(self.copied)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _copy(self) -> None:
        secret = self.password.text()
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(secret)
        QTimer.singleShot(CLIPBOARD_SECONDS * 1000, lambda: clipboard.text() == secret and clipboard.clear())
        self.copied.setText(f"Copied; the clipboard is cleared in {CLIPBOARD_SECONDS} s.")

    def done(self, result: int) -> None:
        if hasattr(self, "password"):
            self.password.clear()
        super().done(result)
