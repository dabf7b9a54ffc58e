"""Panels for console-only steps: root keys (when the caller is not root), root MFA, central identity."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout

from app.checks import BY_ID
from app.fixes.root_keys import root_key_deletion
from app.model import Reason, Status
from ui import confirm as confirm_module
from ui.pages.step_page import StepPanel
from ui.plain import escape
from ui.tasks import run_task
from ui.widgets.console_guide import ConsoleGuide


class GuidedPanel(StepPanel):
    """Console guidance for one check; shown while that check does not pass."""

    check_id = ""
    guide_title = ""
    intro = ""
    simulate_label = "Simulate the console action"

    def __init__(self, page) -> None:
        super().__init__(page)
        info = BY_ID[self.check_id].info
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.guide = ConsoleGuide(self.guide_title, self.intro, info.console_steps, info.console_url,
                                  lambda: page.start_polling(self.passes),
                                  (lambda: page.simulate(self.simulate)) if self.session.flow.practice else None, self.simulate_label)
        layout.addWidget(self.guide)

    def simulate(self) -> object:
        raise NotImplementedError

    def passes(self) -> bool:
        """Done with the console action (a warning is about something else, e.g. leftover IAM users)."""
        finding = self.session.findings.get(self.check_id)
        return finding is not None and finding.status in (Status.PASS, Status.WARN, Status.NOT_APPLICABLE)

    def refresh(self) -> None:
        finding = self.session.findings.get(self.check_id)
        if finding is not None:
            self.guide.set_url(finding.console_url)  # the account's partition's console
        self.guide.setVisible(not self.passes())


class RootKeysPanel(GuidedPanel):
    check_id = "root.access-keys"
    guide_title = "Delete the root access keys in the AWS console"
    simulate_label = "Simulate deleting the keys in the console"
    intro = ("Only the root user can delete root access keys. You are not signed in as root, so do it in the console; "
             "this page re-checks every few seconds once you open it.")

    def __init__(self, page) -> None:
        super().__init__(page)
        self.delete_button = QPushButton("Delete root access keys…")
        self.delete_button.setAccessibleName("Delete root access keys")
        self.delete_button.clicked.connect(self._delete)
        self.layout().addWidget(self.delete_button)
        self.delete_button.hide()

    @property
    def as_root(self) -> bool:
        """Only root can delete root keys; the caller is known once connected."""
        return bool(self.session.identity and self.session.identity.is_root)

    def simulate(self) -> object:
        return self.session.practice.simulate_delete_root_keys()

    def refresh(self) -> None:
        finding = self.session.findings.get(self.check_id)
        failing = finding is not None and finding.status is not Status.PASS
        self.guide.setVisible(failing and not self.as_root)
        self.delete_button.setVisible(failing and self.as_root)

    def _delete(self) -> None:
        in_use = self.session.identity.access_key_id if self.session.identity else None
        aws = self.session.aws

        def listed(keys: list[str]) -> None:
            now, later = root_key_deletion(keys, in_use)
            changes = now.plan() + (later.plan() if later else [])
            if not changes or not confirm_module.confirm_changes(self, "Delete root access keys", changes, "DELETE"):
                return
            if later is not None:
                self.session.deferred.append(later)
            if now.plan():
                self.page.apply_fix(now, "Delete root access keys", confirmed=True)
            else:
                self.page.recheck()

        run_task(lambda p, c: [k["AccessKeyId"] for k in aws.call("iam", "ListAccessKeys").get("AccessKeyMetadata", [])],
                 listed, self.page.run_failed)


class RootMfaPanel(GuidedPanel):
    check_id = "root.mfa"
    guide_title = "Add MFA to the root user in the AWS console"
    intro = ("AWS allows root MFA only in the console. Use a <b>passkey or security key</b> (phishing-resistant) and register "
             "a <b>second device</b> as a spare; root may have up to 8.")
    simulate_label = "Simulate adding a security key"

    def __init__(self, page) -> None:
        super().__init__(page)
        box = QGroupBox("Virtual MFA for IAM users")
        column = QVBoxLayout(box)
        text = QLabel("Your daily administrator identity and any break-glass IAM user need MFA too. Rootwarden can enroll an "
                      "authenticator app for an IAM user here, with a QR code.")
        text.setWordWrap(True)
        column.addWidget(text)
        self.enroll_button = QPushButton("Enroll a virtual MFA device for an IAM user…")
        self.enroll_button.setAccessibleName("Enroll a virtual MFA device for an IAM user")
        self.enroll_button.clicked.connect(self.open_enrollment)
        column.addWidget(self.enroll_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.layout().addWidget(box)
        self.dialog = None

    def open_enrollment(self) -> None:
        from ui.mfa_dialog import MfaEnrollmentDialog

        self.dialog = MfaEnrollmentDialog(self.session, self)
        self.dialog.finished.connect(lambda _: self.page.recheck())
        self.dialog.open()

    def simulate(self) -> object:
        return self.session.practice.simulate_root_mfa()


class IdentityPanel(GuidedPanel):
    check_id = "identity.central"
    guide_title = "Enable IAM Identity Center in the AWS console"
    intro = "Enable IAM Identity Center (preferably in your organization's management account) and sign in through it."
    simulate_label = "Simulate enabling IAM Identity Center"

    def __init__(self, page) -> None:
        super().__init__(page)
        from app.fixes.org_root_access import EnableCentralRootAccess

        self.org_button = QPushButton("Enable centralized root access…")
        self.org_button.setAccessibleName("Enable centralized root access")
        self.org_button.clicked.connect(lambda: self.page.apply_fix(EnableCentralRootAccess(), "Enable centralized root access"))
        self.org_note = QLabel("This is the organization's management account: Rootwarden can turn on centralized root access "
                               "for member accounts (trusted access for IAM, root credentials management, privileged root sessions).")
        self.org_note.setWordWrap(True)
        self.users_note = QLabel()
        self.users_note.setWordWrap(True)
        self.layout().addWidget(self.users_note)
        self.layout().addWidget(self.org_note)
        self.layout().addWidget(self.org_button)
        self.users_note.hide()
        self.org_note.hide()
        self.org_button.hide()

    def simulate(self) -> object:
        return self.session.practice.simulate_identity_center()

    def refresh(self) -> None:
        super().refresh()
        central = self.session.findings.get(self.check_id)
        users = (central.evidence.get("iam_users_with_console_password") or []) if central else []
        break_glass = (central.evidence.get("break_glass_users") or []) if central else []
        lines = []
        if central and central.status is Status.WARN and users:
            lines.append(f"<b>Next:</b> move {escape(', '.join(users))} to IAM Identity Center, then remove their console passwords "
                         "(IAM → Users → Security credentials → Console access → Disable).")
        if break_glass:
            lines.append(f"<b>Keep</b> {escape(', '.join(break_glass))} as an IAM user: it is your break-glass user (tagged by "
                         "Rootwarden), for when Identity Center is unavailable, so it is not counted as a user to move.")
        self.users_note.setText("<br>".join(lines))
        self.users_note.setVisible(bool(lines))
        org = self.session.findings.get("org.root-credentials-management")
        fixable = org is not None and org.reason in (Reason.TRUSTED_ACCESS_DISABLED, Reason.FEATURES_DISABLED)
        self.org_note.setVisible(fixable)
        self.org_button.setVisible(fixable)
