"""Panels for console-only steps: root keys, root MFA, central identity. Each shows what the
step's view offers (``app.steps``): console guidance, a practice simulation, a fix."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout

from app.checks import BY_ID
from app.fixes.root_keys import root_key_deletion
from app.steps import Action, StepView
from ui import confirm as confirm_module
from ui.pages.step_page import StepPanel
from ui.plain import escape
from ui.tasks import TaskHandle, run_task
from ui.widgets.console_guide import ConsoleGuide


class GuidedPanel(StepPanel):
    """Console guidance for one check, shown while the view offers ``console_action``; its
    practice button while the view offers ``simulate_action``."""

    check_id = ""
    console_action: Action
    simulate_action: Action
    guide_title = ""
    intro = ""
    simulate_label = "Simulate the console action"

    def __init__(self, page) -> None:
        super().__init__(page)
        info = BY_ID[self.check_id].info
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.guide = ConsoleGuide(self.guide_title, self.intro, info.console_steps, info.console_url, page.console_opened,
                                  (lambda: page.simulate(self.simulate)) if self.session.flow.practice else None, self.simulate_label)
        layout.addWidget(self.guide)
        self.offers = {self.console_action: self.guide, self.simulate_action: self.guide.simulate_button}

    def simulate(self) -> object:
        raise NotImplementedError

    def render(self, view: StepView) -> None:
        super().render(view)
        finding = self.session.findings.get(self.check_id)
        if finding is not None:
            self.guide.set_url(finding.console_url)  # the account's partition's console


class RootKeysPanel(GuidedPanel):
    check_id = "root.access-keys"
    console_action = Action.CONSOLE_DELETE_ROOT_KEYS
    simulate_action = Action.SIMULATE_DELETE_ROOT_KEYS
    guide_title = "Delete the root access keys in the AWS console"
    simulate_label = "Simulate deleting the keys in the console"
    intro = ("Only the root user can delete root access keys. You are not signed in as root, so do it in the console; "
             "this page re-checks every few seconds until the keys are gone.")

    def __init__(self, page) -> None:
        super().__init__(page)
        self.delete_button = QPushButton("Delete root access keys…")
        self.delete_button.setAccessibleName("Delete root access keys")
        self.delete_button.clicked.connect(self._delete)
        self.layout().addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.offers[Action.DELETE_ROOT_KEYS] = self.delete_button
        self._listing: TaskHandle | None = None

    @property
    def busy(self) -> bool:
        return self._listing is not None and not self._listing.finished

    def simulate(self) -> object:
        return self.session.practice.simulate_delete_root_keys()

    def _delete(self) -> None:
        in_use = self.session.identity.access_key_id if self.session.identity else None
        aws = self.session.aws

        def listed(keys: list[str]) -> None:
            now, later = root_key_deletion(keys, in_use)
            changes = now.plan() + (later.plan() if later else [])
            if not changes:  # the keys are already gone: show it
                self.page.recheck()
                return
            if not confirm_module.confirm_changes(self, "Delete root access keys", changes, "DELETE"):
                return
            if later is not None:
                self.session.deferred.append(later)
            if now.plan():
                self.page.apply_fix(now, "Delete root access keys", confirmed=True)
            else:
                self.page.recheck()

        self._listing = run_task(lambda p, c: [k["AccessKeyId"] for k in aws.call("iam", "ListAccessKeys").get("AccessKeyMetadata", [])],
                                 listed, self.page.run_failed)
        self._listing.done.connect(self.page._update)
        self.page._update()


class RootMfaPanel(GuidedPanel):
    check_id = "root.mfa"
    console_action = Action.CONSOLE_ROOT_MFA
    simulate_action = Action.SIMULATE_ROOT_MFA
    guide_title = "Add MFA to the root user in the AWS console"
    intro = ("AWS allows root MFA only in the console. Use a <b>passkey or security key</b> (phishing-resistant) and register "
             "a <b>second device</b> as a spare; root may have up to 8. This page re-checks every few seconds until MFA is on.")
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
        self.offers[Action.ENROLL_USER_MFA] = box
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
    console_action = Action.CONSOLE_IDENTITY_CENTER
    simulate_action = Action.SIMULATE_IDENTITY_CENTER
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
        self.layout().addWidget(self.org_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.offers.update({Action.MOVE_CONSOLE_USERS: self.users_note, Action.ENABLE_CENTRAL_ROOT_ACCESS: self.org_button})

    def simulate(self) -> object:
        return self.session.practice.simulate_identity_center()

    def render(self, view: StepView) -> None:
        super().render(view)
        self.org_note.setVisible(view.offers(Action.ENABLE_CENTRAL_ROOT_ACCESS))
        central = self.session.findings.get(self.check_id)
        users = (central.evidence.get("iam_users_with_console_password") or []) if central else []
        break_glass = (central.evidence.get("break_glass_users") or []) if central else []
        lines = []
        if view.offers(Action.MOVE_CONSOLE_USERS) and users:
            lines.append(f"<b>Next:</b> move {escape(', '.join(map(str, users)))} to IAM Identity Center, then remove their console "
                         "passwords (IAM → Users → Security credentials → Console access → Disable).")
        if break_glass:
            lines.append(f"<b>Keep</b> {escape(', '.join(map(str, break_glass)))} as an IAM user: it is your break-glass user (tagged "
                         "by Rootwarden), for when Identity Center is unavailable, so it is not counted as a user to move.")
        self.users_note.setText("<br>".join(lines))
        self.users_note.setVisible(bool(lines))
