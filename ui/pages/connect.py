"""Connect: choose where credentials come from, and see who they are before anything else.

Real accounts: a saved Rootwarden profile (OS keyring, listed first; add, edit, remove), or the
standard credential chain, or a profile of the AWS shared config (SSO and `aws login` profiles
included), with a region and the expected account ID. Practice mode: the simulated account,
connected at once. Keyring and AWS calls run off the UI thread.
"""
from __future__ import annotations

import os

from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QRadioButton, QVBoxLayout, QWizardPage)

from app import connection, profiles
from app.aws import shared_config
from app.aws.context import DEFAULT_REGION, AwsContext
from app.aws.sessions import codes_by_device
from app.errors import InvalidInput
from app.session import WizardSession
from ui.errors import message_for
from ui.mfa_code_dialog import MfaCodeDialog
from ui.tasks import run_task
from ui.widgets.controls import button
from ui.widgets.saved_profiles import SavedProfilesBox
from ui.plain import escape, make_plain

NEW_ACCOUNT_HELP = (
    "<b>Brand-new account?</b> Do not create a root access key just to use Rootwarden. Run <code>aws login</code> "
    "(AWS CLI 2.32 or newer): it signs you in through the console — root included — and stores short-term "
    "credentials as a profile. Then pick that profile here."
)


def _regions() -> list[str]:
    """Every region of every partition Rootwarden knows (commercial, GovCloud, China), from
    botocore's endpoint data."""
    from app.aws.partition import known_partitions

    return sorted({region for partition in known_partitions() for region in partition.regions()}) or [DEFAULT_REGION]


class ConnectPage(QWizardPage):
    def __init__(self, session: WizardSession) -> None:
        super().__init__()
        self.session = session
        self.setTitle("Connect to the account")
        layout = QVBoxLayout(self)
        self.saved_box = SavedProfilesBox(session, _regions)
        self.saved_box.chosen.connect(lambda: self.use_saved.setChecked(True))
        self.saved_box.activated.connect(self.connect_now)
        self.saved_box.available.connect(self._saved_available)
        layout.addWidget(self.saved_box)

        self.source_box = QGroupBox("Credentials")
        form = QFormLayout(self.source_box)
        self.use_saved = QRadioButton("The saved profile selected above")
        self.use_saved.setAccessibleName("Use the selected saved profile")
        self.chain = QRadioButton("Standard AWS credential chain (AWS_PROFILE, environment variables, SSO…)")
        self.chain.setChecked(True)
        self.use_profile = QRadioButton("A profile from my AWS configuration:")
        group = QButtonGroup(self)
        group.addButton(self.use_saved)
        group.addButton(self.chain)
        group.addButton(self.use_profile)
        form.addRow(self.use_saved)
        self.profiles = QComboBox()
        self.profiles.setAccessibleName("AWS profile")
        self.profiles.currentIndexChanged.connect(lambda _: self.use_profile.setChecked(True) if self.profiles.count() else None)
        self.profiles.currentIndexChanged.connect(lambda _: self._show_profile_region())
        for radio, name in ((self.chain, "Use the standard credential chain"), (self.use_profile, "Use an AWS profile")):
            radio.setAccessibleName(name)
        form.addRow(self.chain)
        row = QHBoxLayout()
        row.addWidget(self.use_profile)
        row.addWidget(self.profiles, 1)
        form.addRow(row)
        self.region = QComboBox(editable=True)
        self.region.setAccessibleName("Region")
        self.chain.toggled.connect(lambda _: self._show_profile_region())
        form.addRow("Region:", self.region)
        self.expected = QLineEdit(placeholderText="123456789012 (optional, recommended)")
        self.expected.setAccessibleName("Expected account ID")
        self.expected.setMaxLength(14)
        form.addRow("Expected account ID:", self.expected)
        self.identity_center_button = button("Sign in with IAM &Identity Center…",
                                             "Sign in with IAM Identity Center in Rootwarden", self.sign_in_identity_center)
        form.addRow(self.identity_center_button)
        self.identity_center_dialog = None  # open while signing in
        self.signed_in_with: tuple | None = None  # (portal, token, account, role) of an Identity Center connection
        layout.addWidget(self.source_box)
        # A saved profile brings its own region and pinned account.
        self.use_saved.toggled.connect(lambda on: (self.region.setEnabled(not on), self.expected.setEnabled(not on)))
        self.help = QLabel(NEW_ACCOUNT_HELP)
        self.help.setWordWrap(True)
        layout.addWidget(self.help)

        self.mfa_dialog: MfaCodeDialog | None = None  # open while asking for a code
        self.connect_button = button("&Connect", "Connect", self.connect_now)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Connection status")
        self.save_button = button("&Save as a profile…", "Save this connection as a profile", self.save_connection)
        self.save_button.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.connect_button)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)

        self.who = QGroupBox("Connected as")
        who = QFormLayout(self.who)
        self.fields = {name: make_plain(QLabel()) for name in ("Account ID", "Account alias", "Caller", "Root user", "Credentials")}
        for name, label in self.fields.items():
            label.setAccessibleName(name)
            who.addRow(f"{name}:", label)
        self.warning = make_plain(QLabel())  # notices name profiles and keyring errors: text, never markup
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #d08a00; font-weight: bold")
        who.addRow(self.warning)
        self.who.hide()
        layout.addWidget(self.who)
        # The keyring is checked here, not first at "Sign and save" after the whole session.
        self.keyring_note = make_plain(QLabel())
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setStyleSheet("color: #d08a00")
        self.keyring_note.setAccessibleName("Keyring status")
        self.keyring_note.hide()
        layout.addWidget(self.keyring_note)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self._check_keyring()
        practice = self.session.flow.practice
        self.source_box.setVisible(not practice)
        self.identity_center_button.setVisible(not practice)
        self.saved_box.setVisible(not practice)
        self.help.setVisible(not practice)
        if practice:
            self.setSubTitle("The practice account is a simulated AWS account seeded like a fresh, unhardened one.")
            self.connect_button.setText("&Connect to the practice account")
            if self.session.identity is None:
                self.connect_now()
            return
        self.setSubTitle("Rootwarden reads the account with these credentials and asks before changing anything.")
        if self.profiles.count() == 0:
            for info in connection.aws_profiles():
                self.profiles.addItem(f"{info.name} — {info.kind}", info.name)
            self.use_profile.setEnabled(self.profiles.count() > 0)
            self.profiles.setEnabled(self.profiles.count() > 0)
            self.region.addItem("")  # the profile's own region: text set by _show_profile_region
            self.region.addItems(_regions())
            self.chain.setChecked(True)
            self._show_profile_region()
        self.saved_box.load()

    def _chosen_aws_profile(self) -> str | None:
        return self.profiles.currentData() if self.use_profile.isChecked() else None

    def _show_profile_region(self) -> None:
        """The first region entry is the profile's (or environment's) own region, chosen unless
        the user picks another: the profile's setting wins over a default of ours."""
        if self.region.count() == 0:
            return
        configured = shared_config.facts(self._chosen_aws_profile()).region
        text = f"{configured} (the profile's region)" if configured else f"{DEFAULT_REGION} (no region set in the profile)"
        chosen = self.region.currentText()  # picked from the list or typed: the user's choice stays
        keep = chosen.strip() != "" and chosen != self.region.itemText(0)
        self.region.setItemText(0, text)
        if keep:
            self.region.setEditText(chosen)
        else:
            self.region.setCurrentIndex(0)

    def _region_choice(self) -> str | None:
        """The region the user picked; None for the profile's own (boto3 then reads it)."""
        text = self.region.currentText().strip()
        if not text or (self.region.currentIndex() == 0 and text == self.region.itemText(0)):
            return None
        return text

    def _check_keyring(self) -> None:
        from app.keyring_access import probe

        backend = self.session.keyring_backend
        run_task(lambda p, c: probe(backend), self._keyring_checked)

    def _keyring_checked(self, problem: str | None) -> None:
        self.keyring_note.setText("" if problem is None else
                                  f"The OS keyring is not usable, so the record cannot be signed at the end: {problem} "
                                  "You can go on: Rootwarden then saves an unsigned summary, and the Done page can sign it "
                                  "once the keyring works.")
        self.keyring_note.setVisible(problem is not None)

    def _saved_available(self, available: bool) -> None:
        self.use_saved.setEnabled(available)
        if not available and self.use_saved.isChecked():
            self.chain.setChecked(True)

    def isComplete(self) -> bool:
        return self.session.identity is not None

    def connect_now(self) -> None:
        self.session.identity = None
        self.signed_in_with = None
        self.completeChanged.emit()
        try:
            expected = connection.validate_account_id(self.expected.text())
        except InvalidInput as error:
            self._failed(error)
            self.expected.setFocus()
            return
        practice = self.session.flow.practice
        profile = self.profiles.currentData() if self.use_profile.isChecked() else None
        saved = self.saved_box.selected_name() if self.use_saved.isChecked() else None
        if self.use_saved.isChecked() and saved is None:
            self._failed(InvalidInput("Saved profile", "select one in the list, or choose another way to connect"))
            return
        backend = self.session.keyring_backend
        region = None if practice else self._region_choice()
        if region is not None and region not in _regions():
            self._failed(InvalidInput("Region", f"“{region[:40]}” is not an AWS region"))
            return
        mfa = None if practice else self._ask_mfa_code(saved, profile)
        if mfa is False:
            return  # the user cancelled the MFA code: nothing was tried

        running_practice = self.session.practice  # read here: the operation never touches the page

        def operation(progress, cancelled):
            if practice:
                from app.practice.account import PracticeAccount

                account = running_practice or PracticeAccount().start()
                aws = account.aws_context()
                return account, aws, connection.identify(aws, None)
            if saved:
                pinned, aws = profiles.connect(profiles.ProfileStore(backend), saved, mfa_code=mfa)
                return None, aws, connection.identify(aws, pinned.account_id)
            aws = AwsContext.from_aws_profile(profile, region, mfa_code=mfa)
            return None, aws, connection.identify(aws, expected)

        self.connect_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText("Connecting…")
        run_task(operation, self._connected, self._failed)

    def sign_in_identity_center(self) -> None:
        """Sign in to IAM Identity Center in a dialog, then connect with the chosen role."""
        from ui.identity_center_dialog import IdentityCenterDialog

        try:
            expected = connection.validate_account_id(self.expected.text())
        except InvalidInput as error:
            self._failed(error)
            return
        if self.use_saved.isChecked():  # this sign-in is not the saved profile: its pin and region do not apply
            self.chain.setChecked(True)
        dialog = self.identity_center_dialog = IdentityCenterDialog(_regions(), self._region_choice(), self)
        accepted = dialog.exec()
        self.identity_center_dialog = None
        if not accepted or dialog.connection is None:
            return
        aws, where, token, account, role = dialog.connection
        self.session.identity = None
        self.connect_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText("Connecting…")

        def connected(result) -> None:
            self.signed_in_with = (where, token, account, role)
            self._connected(result)
            self.status.setText(f"Connected through IAM Identity Center with the role {escape(role)}.")

        run_task(lambda p, c: (None, aws, connection.identify(aws, expected)), connected, self._failed)

    def _ask_mfa_code(self, saved: str | None, aws_profile: str | None):
        """For a profile that assumes a role with MFA: the code, asked here in a dialog (never
        on a terminal); False if the user cancels; None when no code is needed."""
        if saved:
            pinned = self.saved_box.selected_profile()
            if pinned is None or pinned.aws_profile is None:  # keys or Identity Center: no shared-config role
                return None
            aws_profile = pinned.aws_profile
        facts = shared_config.facts(aws_profile)
        if not facts.mfa_serial:
            return None
        dialog = self.mfa_dialog = MfaCodeDialog(facts.label, facts.mfa_serials or (facts.mfa_serial,), self)
        codes = dialog.codes() if dialog.exec() else None
        self.mfa_dialog = None
        if codes is None:
            self.status.setStyleSheet("")
            self.status.setText("Not connected: the MFA code was cancelled.")
            return False
        return codes_by_device(dialog.serials, codes)

    def _connected(self, result) -> None:
        practice, aws, identity = result
        self.session.practice, self.session.aws, self.session.identity = practice, aws, identity
        saved = self.use_saved.isChecked() and self.signed_in_with is None
        self.session.saved_profile = self.saved_box.selected_name() if saved else None
        self.connect_button.setEnabled(True)
        self.status.setText("Connected.")
        f = self.fields
        f["Account ID"].setText(identity.account_id)
        f["Account alias"].setText(identity.alias or "(none)")
        f["Caller"].setText(identity.caller_arn)
        f["Root user"].setText("Yes" if identity.is_root else "No")
        f["Credentials"].setText(identity.credential_type)
        warnings = [text for text in (identity.warning, *aws.notices) if text]
        self.warning.setText("\n\n".join(warnings))
        self.warning.setVisible(bool(warnings))
        self.who.show()
        self.save_button.setVisible(not self.session.flow.practice and not self.use_saved.isChecked())
        self.completeChanged.emit()

    def _failed(self, error: Exception) -> None:
        self.connect_button.setEnabled(True)
        self.who.hide()
        self.save_button.hide()
        title, text = message_for(error)
        self.status.setStyleSheet("color: #d64541")
        self.status.setText(f"<b>{escape(title)}.</b> {escape(text)}")
        self.completeChanged.emit()

    def save_connection(self) -> None:
        ident = self.session.identity
        if self.signed_in_with is not None:  # an Identity Center sign-in: keep its refresh material
            where, token, account, role = self.signed_in_with
            sso = {"sso_start_url": where.start_url, "sso_region": where.region, "sso_session": where.session_name, "sso_role": role}
            self.saved_box.edit(None, material=profiles.sso_material(token), account_id=ident.account_id,
                                region=self.session.aws.region, sso=sso)
            return
        aws_profile = self.profiles.currentData() if self.use_profile.isChecked() else (os.environ.get("AWS_PROFILE") or "default")
        self.saved_box.edit(None, account_id=ident.account_id, region=self.session.aws.region, aws_profile=aws_profile)
