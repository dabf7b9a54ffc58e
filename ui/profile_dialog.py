"""Add or edit a saved profile. The secret field is masked and never filled back in; leaving it
empty when editing keeps the stored secret. Validation happens before anything is stored."""
from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QRadioButton, QVBoxLayout, QWidget)

from app import connection
from app.errors import InvalidInput
from app.profiles import Profile, validate
from ui.plain import make_plain

SSO_FIELDS = ("sso_start_url", "sso_region", "sso_session", "sso_role")
MATERIAL_PLACEHOLDER = '{"refresh_token": "-", "client_id": "-", "client_secret": "-"}'


class ProfileDialog(QDialog):
    def __init__(self, parent: QWidget | None, regions: list[str], existing: Profile | None = None,
                 account_id: str = "", region: str = "us-east-1", aws_profile: str | None = None,
                 sso: dict[str, str | None] | None = None) -> None:
        super().__init__(parent)
        self.existing = existing
        # An IAM Identity Center profile: its portal and role come from the sign-in, not from the form.
        self.sso = sso or ({k: getattr(existing, k) for k in SSO_FIELDS} if existing and existing.identity_center else None)
        self.setWindowTitle("Edit profile" if existing else "Save a profile")
        self.setAccessibleName(self.windowTitle())
        p = existing
        self.name = QLineEdit(p.name if p else "", maxLength=64, placeholderText="prod-account")
        self.account = QLineEdit(p.account_id if p else account_id, maxLength=14, placeholderText="123456789012")
        self.region = QComboBox(editable=True)
        self.region.addItems(regions)
        self.region.setCurrentText(p.region if p else region)
        self.use_aws_profile = QRadioButton("AWS profile:")
        self.use_keys = QRadioButton("Access key:")
        group = QButtonGroup(self)
        group.addButton(self.use_aws_profile)
        group.addButton(self.use_keys)
        self.aws_profile = QComboBox(editable=True)
        self.aws_profile.addItems([info.name for info in connection.aws_profiles()])
        self.aws_profile.setCurrentText((p.aws_profile if p else aws_profile) or "")
        self.key_id = QLineEdit(p.access_key_id or "" if p else "", maxLength=20, placeholderText="AKIA…")
        self.secret = QLineEdit(echoMode=QLineEdit.EchoMode.Password, maxLength=40)
        self.secret.setPlaceholderText("unchanged" if p and p.keyed else "40 characters; stored only in the OS keyring")
        self.token = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("only for temporary ASIA… keys")
        self.notes = QPlainTextEdit(p.notes if p else "")
        self.notes.setMaximumHeight(60)
        (self.use_keys if p and p.keyed else self.use_aws_profile).setChecked(True)
        for widget, label in ((self.name, "Profile name"), (self.account, "Pinned account ID"), (self.region, "Default region"),
                              (self.use_aws_profile, "Use an AWS profile"), (self.use_keys, "Use an access key"),
                              (self.aws_profile, "AWS profile name"), (self.key_id, "Access key ID"), (self.secret, "Secret access key"),
                              (self.token, "Session token"), (self.notes, "Notes")):
            widget.setAccessibleName(label)
        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("Account ID:", self.account)
        form.addRow("Region:", self.region)
        if self.sso:
            self.sso_label = make_plain(QLabel(f"IAM Identity Center role {self.sso['sso_role']} via {self.sso['sso_start_url']} "
                                               f"({self.sso['sso_region']}). Its refresh token is kept in the OS keyring."))
            self.sso_label.setWordWrap(True)
            self.sso_label.setAccessibleName("Identity Center credentials")
            form.addRow("Credentials:", self.sso_label)
            for widget in (self.use_aws_profile, self.use_keys, self.aws_profile, self.key_id, self.secret, self.token):
                widget.hide()
        else:
            form.addRow(self.use_aws_profile, self.aws_profile)
            form.addRow(self.use_keys, self.key_id)
            form.addRow("Secret access key:", self.secret)
            form.addRow("Session token:", self.token)
        form.addRow("Notes:", self.notes)
        self.error = QLabel()
        self.error.setStyleSheet("color: #d64541")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Profile form error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.use_keys.toggled.connect(self._follow)
        self._follow()
        self.result_value: tuple[Profile, str | None, str | None] | None = None
        self.setMinimumWidth(480)

    def _follow(self) -> None:
        keys = self.use_keys.isChecked()
        self.aws_profile.setEnabled(not keys)
        for widget in (self.key_id, self.secret, self.token):
            widget.setEnabled(keys)

    def values(self) -> tuple[Profile, str | None, str | None]:
        if self.sso:
            return Profile(self.name.text().strip(), self.account.text().strip(), self.region.currentText().strip(),
                           notes=self.notes.toPlainText().strip(), **self.sso), None, None
        keys = self.use_keys.isChecked()
        profile = Profile(self.name.text().strip(), self.account.text().strip(), self.region.currentText().strip(),
                          None if keys else self.aws_profile.currentText().strip(), self.key_id.text().strip() if keys else None,
                          self.notes.toPlainText().strip())
        secret = self.secret.text().strip() or None if keys else None
        token = self.token.text().strip() or None if keys else None
        return profile, secret, token

    def submit(self) -> None:
        profile, secret, token = self.values()
        keeping = self.existing is not None and self.existing.keyed and secret is None and profile.access_key_id == self.existing.access_key_id
        try:
            # Identity Center refresh material comes from the sign-in, never from this form.
            validate(profile, MATERIAL_PLACEHOLDER if self.sso else "x" * 40 if keeping else secret,
                     token or ("kept" if keeping else None))
        except InvalidInput as error:
            self.error.setText(str(error))
            return
        self.result_value = (profile, secret, token)
        self.secret.clear()
        self.token.clear()
        self.accept()
