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

TIMEOUT = 20000


def decode_qr(widget) -> str:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height).reshape(height, stride)[:, :width]
    (result,) = zxingcpp.read_barcodes(np.ascontiguousarray(pixels))
    return result.text


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


def test_break_glass_user_created_then_enrolled(qtbot, dialog, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    dialog.for_other.setChecked(True)
    dialog.other_name.setText("break-glass-admin")
    dialog.create_user.setChecked(True)
    start(qtbot, dialog)
    assert dialog.enrollment.user == "break-glass-admin"
    assert dialog.session.aws.call("iam", "ListAccessKeys", UserName="break-glass-admin")["AccessKeyMetadata"] == []
    assert shown == []  # no console password asked for, none shown
    dialog.reject()


def test_second_device_is_asked_about_first(qtbot, dialog, monkeypatch):
    from ui.mfa_dialog import MfaEnrollmentDialog

    start(qtbot, dialog)
    totp = pyotp.TOTP(parse_qs(urlparse(dialog.enrollment.uri).query)["secret"][0])
    step = totp.timecode(__import__("time").time())
    dialog.code1.setText(totp.generate_otp(step - 1))
    dialog.code2.setText(totp.generate_otp(step))
    dialog.enable_button.click()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == 2, timeout=TIMEOUT)
    dialog.accept()
    asked = []
    monkeypatch.setattr(MfaEnrollmentDialog, "confirm_another", lambda self, user, count: asked.append(count) or False)
    second = MfaEnrollmentDialog(dialog.session)
    qtbot.addWidget(second)
    second.show()
    second.start_button.click()
    qtbot.waitUntil(lambda: bool(asked) and not second.busy, timeout=TIMEOUT)
    assert asked == [1] and second.enrollment is None and unassigned(dialog.session) == []


def test_invalid_break_glass_name(qtbot, dialog):
    dialog.for_other.setChecked(True)
    dialog.other_name.setText("no spaces allowed")
    dialog.start_button.click()
    assert "User name" in dialog.message.text() and dialog.enrollment is None
