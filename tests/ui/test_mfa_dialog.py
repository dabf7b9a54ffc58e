"""The virtual-MFA dialog end to end on the practice account: the QR decodes to the URI, two
codes computed from that URI enable the device, and cancel leaves no device behind."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import numpy as np
import pyotp
import pytest
import zxingcpp
from PySide6.QtGui import QImage

from tests.ui.conftest import goto_step, screenshot
from tests.ui.dialogs import click_button

TIMEOUT = 20000


def decode_qr(widget) -> str:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height).reshape(height, stride)[:, :width]
    # zxing may report one symbol twice (found by two of its detectors): one distinct text is one QR code.
    (text,) = {result.text for result in zxingcpp.read_barcodes(np.ascontiguousarray(pixels))}
    return text


def unassigned(session) -> list:
    return session.aws.call("iam", "ListVirtualMFADevices", AssignmentStatus="Unassigned")["VirtualMFADevices"]


@pytest.fixture
def dialog(qtbot, connected):
    page = goto_step(qtbot, connected, 2)
    page.panel.open_enrollment()
    dialog = page.panel.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    return dialog


def start(qtbot, dialog):
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 1 and not dialog.busy, timeout=TIMEOUT)


def test_enroll_the_daily_identity(qtbot, dialog):
    session = dialog.session
    assert dialog.for_caller.isChecked() and "practice-admin" in dialog.for_caller.text()
    screenshot(dialog, "50-mfa-choose")
    start(qtbot, dialog)
    uri = decode_qr(dialog.qr)
    assert uri == dialog.enrollment.uri
    assert uri.startswith("otpauth://totp/AWS%20rootwarden-practice:practice-admin?")
    screenshot(dialog, "51-mfa-scan")
    dialog.show_key.click()
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    assert dialog.key_label.text().replace(" ", "") == secret and len(dialog.key_label.text().split(" ")[0]) == 4
    totp = pyotp.TOTP(secret)
    step = totp.timecode(__import__("time").time())
    dialog.code1.setText(totp.generate_otp(step - 1))
    dialog.code2.setText(totp.generate_otp(step))
    dialog.enable_button.click()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2, timeout=TIMEOUT)
    assert dialog.qr.is_empty and dialog.key_label.text() == ""
    screenshot(dialog, "52-mfa-done")
    devices = session.aws.call("iam", "ListMFADevices", UserName="practice-admin")["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [dialog.enrollment.serial]
    assert unassigned(session) == []


def test_bad_codes_are_explained_and_nothing_is_sent(qtbot, dialog):
    start(qtbot, dialog)
    calls = []
    dialog.session.aws.add_hook("before-call", lambda model, **_: calls.append(model.name) if model.name == "EnableMFADevice" else None)
    for first, second, words in (("12345", "123456", "First code: must be exactly 6 digits"),
                                 ("123456", "123456", "different from the first"),
                                 ("000000", "111111", "First code")):
        dialog.code1.setText(first)
        dialog.code2.setText(second)
        dialog.enable_button.click()
        assert words in dialog.message.text()
    screenshot(dialog, "53-mfa-bad-codes")
    assert calls == []
    dialog.reject()
    qtbot.waitUntil(lambda: dialog.enrollment.state == "cancelled", timeout=TIMEOUT)


def test_cancel_after_the_qr_deletes_the_device(qtbot, dialog):
    start(qtbot, dialog)
    assert len(unassigned(dialog.session)) == 1
    dialog.reject()
    qtbot.waitUntil(lambda: dialog.enrollment.state == "cancelled", timeout=TIMEOUT)
    assert unassigned(dialog.session) == [] and dialog.qr.is_empty
    log = [e.action for e in dialog.session.audit.entries()]
    assert log == ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"]


def test_break_glass_user_created_then_enrolled(qtbot, dialog):
    from PySide6.QtWidgets import QLabel

    seen, shown = [], []

    def read_and_close(box) -> None:
        shown.append((box.findChild(QLabel, "one-time password"), " ".join(w.text() for w in box.findChildren(QLabel))))
        box.accept()

    answer_next_box(qtbot, read_and_close, seen)
    dialog.for_other.setChecked(True)
    dialog.other_name.setText("break-glass-admin")
    dialog.create_user.setChecked(True)
    start(qtbot, dialog)
    assert dialog.enrollment.user == "break-glass-admin"
    assert dialog.session.aws.call("iam", "ListAccessKeys", UserName="break-glass-admin")["AccessKeyMetadata"] == []
    ((password, words),) = shown  # one box: the user was created …
    assert password is None and "cannot sign in yet" in words and "no permissions" in words  # … with no password
    dialog.reject()


def test_second_device_is_asked_about_first(qtbot, dialog):
    from ui.mfa_dialog import MfaEnrollmentDialog

    start(qtbot, dialog)
    totp = pyotp.TOTP(parse_qs(urlparse(dialog.enrollment.uri).query)["secret"][0])
    step = totp.timecode(__import__("time").time())
    dialog.code1.setText(totp.generate_otp(step - 1))
    dialog.code2.setText(totp.generate_otp(step))
    dialog.enable_button.click()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2, timeout=TIMEOUT)
    dialog.accept()
    seen: list = []
    texts: list[str] = []
    answer_next_box(qtbot, lambda box: (texts.append(box.text()), click_button(box, "No")), seen)  # the real question, answered No
    second = MfaEnrollmentDialog(dialog.session)
    qtbot.addWidget(second)
    second.show()
    second.start_button.click()
    qtbot.waitUntil(lambda: bool(seen) and not second.busy, timeout=TIMEOUT)
    assert "already has 1 MFA device(s)" in texts[0]
    assert second.enrollment is None and unassigned(dialog.session) == []


def test_invalid_break_glass_name(qtbot, dialog):
    dialog.for_other.setChecked(True)
    dialog.other_name.setText("no spaces allowed")
    dialog.start_button.click()
    assert "User name" in dialog.message.text() and dialog.enrollment is None


def answer_next_box(qtbot, act, seen: list) -> None:
    """When the next modal box opens over the enrollment dialog, let ``act(box)`` answer it like a user."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.mfa_dialog import MfaEnrollmentDialog

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if box is None or isinstance(box, MfaEnrollmentDialog):
            QTimer.singleShot(50, answer)
            return
        seen.append(box)
        act(box)

    QTimer.singleShot(0, answer)


def test_enter_on_add_another_device_means_no(qtbot, dialog):
    """Enter on "Add another MFA device?" must not create a second device."""
    from PySide6.QtCore import Qt

    seen = []
    answer_next_box(qtbot, lambda box: (seen.append(box.text()), qtbot.keyClick(box, Qt.Key.Key_Return)), seen)
    assert dialog.confirm_another("practice-admin", 1) is False
    assert "already has 1 MFA device" in seen[1]


def test_unknown_user_without_create_is_said_plainly(qtbot, dialog, shown_errors):
    dialog.for_other.setChecked(True)
    dialog.other_name.setText("nobody-here")
    dialog.start_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=TIMEOUT)
    text = dialog.message.text()
    assert "No IAM user named nobody-here" in text and "Create" in text
    assert "NoSuchEntity" not in text and "health" not in text and shown_errors == []
    assert dialog.enrollment is None and unassigned(dialog.session) == []


def test_created_break_glass_user_password_and_permissions(qtbot, dialog, caplog):
    """The one-time password: monospace, selectable, a Copy button, shown once; it never reaches the
    audit log, the record or the logs. The user is told the new user has no permissions."""
    import json
    import logging

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFontInfo, QGuiApplication
    from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPushButton

    caplog.set_level(logging.DEBUG)
    seen, captured = [], {}

    def read_and_copy(box) -> None:
        label = box.findChild(QLabel, "one-time password")
        captured["password"] = label.text()
        captured["fixed"] = QFontInfo(label.font()).fixedPitch()
        captured["selectable"] = bool(label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse)
        captured["text"] = " ".join(w.text() for w in box.findChildren(QLabel))
        screenshot(box, "54-mfa-break-glass-created")
        next(b for b in box.findChildren(QPushButton) if b.text().replace("&", "") == "Copy").click()
        captured["clipboard"] = QGuiApplication.clipboard().text()
        box.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    answer_next_box(qtbot, read_and_copy, seen)
    dialog.for_other.setChecked(True)
    dialog.other_name.setText("break-glass-admin")
    dialog.create_user.setChecked(True)
    dialog.console_password.setChecked(True)
    start(qtbot, dialog)
    password = captured["password"]
    assert len(password) >= 20 and captured["fixed"] and captured["selectable"] and captured["clipboard"] == password
    words = captured["text"]
    assert "shown only now" in words and "no permissions" in words and "AdministratorAccess" in words
    assert "does not attach" in words
    session = dialog.session
    record = json.dumps(session.predicate(), default=str)
    audit = " ".join(f"{e.fix} {e.what} {e.result}" for e in session.audit.entries())
    assert "break-glass-admin" in audit
    # Every log line but the AWS SDK's own wire dumps (botocore DEBUG, which Rootwarden never enables).
    logs = "\n".join(r.getMessage() for r in caplog.records if r.name.split(".")[0] not in {"botocore", "boto3", "urllib3", "moto"})
    assert "break-glass-admin" in record
    for place in (record, audit, logs, dialog.message.text()):
        assert password not in place
    dialog.reject()


def test_step4_lists_the_break_glass_user_apart_from_users_to_move(qtbot, connected):
    """After Step 2 created a break-glass user, Step 4 does not tell the admin to move it to Identity Center."""
    from app import mfa_enrollment
    from app.fixes.base import AuditLog

    session = connected.session
    mfa_enrollment.create_break_glass_user(session.aws, "break-glass-admin", AuditLog(), console_password=True)
    session.practice.simulate_identity_center()
    page = goto_step(qtbot, connected, 4)
    note = page.panel.users_note
    assert note.isVisible()
    move, keep = note.text().split("<br>")
    assert "alice" in move and "break-glass-admin" not in move
    assert "break-glass-admin" in keep and "not counted" in keep
    screenshot(connected, "55-step4-break-glass-kept")
