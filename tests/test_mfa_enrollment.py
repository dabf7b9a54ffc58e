"""Virtual MFA enrollment against moto, with codes computed by pyotp from the URI the app exposes."""
from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from app.errors import InvalidInput, RootwardenError
from app.fixes.base import AuditLog
from app.mfa_enrollment import CodesRejected, VirtualMfaEnrollment, check_codes, create_break_glass_user, existing_devices

NOW = 1_800_000_015.0  # a fixed clock, mid-step
SENTINEL = "SENTINELSEEDXYZ2" * 4  # a valid base32 seed no real code path would invent


@pytest.fixture
def sentinel_seed(monkeypatch):
    from moto.iam import models

    original = models.VirtualMfaDevice.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.base32_string_seed = SENTINEL

    monkeypatch.setattr(models.VirtualMfaDevice, "__init__", init)
    return SENTINEL


def totp_of(enrollment) -> pyotp.TOTP:
    uri = urlparse(enrollment.uri)
    query = parse_qs(uri.query)
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    return pyotp.TOTP(query["secret"][0])


def codes(totp, step_offset: int, now: float = NOW) -> tuple[str, str]:
    step = totp.timecode(now) + step_offset
    return totp.generate_otp(step - 1), totp.generate_otp(step)


def unassigned(account) -> list[str]:
    return [d["SerialNumber"] for d in account.client("iam").list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]]


def new_enrollment(account, **kw) -> VirtualMfaEnrollment:
    enrollment = VirtualMfaEnrollment(account.context(**kw), "admin", "AWS 123456789012", AuditLog(), clock=lambda: NOW)
    enrollment.create()
    return enrollment


def test_full_enrollment(account):
    enrollment = new_enrollment(account)
    assert enrollment.uri.startswith("otpauth://totp/AWS%20123456789012:admin?secret=")
    assert "issuer=AWS%20123456789012" in enrollment.uri
    totp = totp_of(enrollment)
    enrollment.enable(*codes(totp, 0))
    assert existing_devices(account.context(), "admin") == [enrollment.serial]
    assert enrollment.state == "enabled" and unassigned(account) == []
    with pytest.raises(RootwardenError):
        enrollment.uri  # the seed is gone
    assert [e.action for e in enrollment.audit.entries()] == ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice"]


@pytest.mark.parametrize("offset, accepted", [(0, True), (-1, True), (1, True), (2, False), (-2, False), (-3, False)])
def test_clock_skew(account, offset, accepted):
    enrollment = new_enrollment(account)
    totp = totp_of(enrollment)
    if accepted:
        check = enrollment.verify(*codes(totp, offset))
        assert check.offset_seconds == offset * 30
    else:
        with pytest.raises(InvalidInput, match=f"about {abs(offset) * 30} seconds"):
            enrollment.verify(*codes(totp, offset))
    enrollment.cancel()


@pytest.mark.parametrize("first, second, field, words", [
    ("12345", "123456", "First code", "exactly 6 digits"),
    ("1234567", "123456", "First code", "exactly 6 digits"),
    ("12a456", "123456", "First code", "exactly 6 digits"),
    ("123456", "12345", "Second code", "exactly 6 digits"),
    ("123456", "123456", "Second code", "different from the first"),
])
def test_code_format(first, second, field, words):
    with pytest.raises(InvalidInput) as error:
        check_codes(pyotp.TOTP(pyotp.random_base32()), first, second, NOW)
    assert error.value.field == field and words in str(error.value)


def test_swapped_wrong_and_non_consecutive_codes(account):
    enrollment = new_enrollment(account)
    totp = totp_of(enrollment)
    first, second = codes(totp, 0)
    with pytest.raises(InvalidInput, match="swapped"):
        enrollment.verify(second, first)
    with pytest.raises(InvalidInput, match="First code"):
        enrollment.verify("000000" if first != "000000" else "111111", second)
    far = totp.generate_otp(totp.timecode(NOW) - 5)
    with pytest.raises(InvalidInput, match="not the one right after"):
        enrollment.verify(first, far)
    enrollment.cancel()


def test_cancel_after_creation_leaves_no_device(account):
    enrollment = new_enrollment(account)
    assert unassigned(account) == [enrollment.serial]
    enrollment.cancel()
    assert unassigned(account) == []
    assert enrollment.audit.entries()[-1].action == "iam:DeleteVirtualMFADevice"


def test_cancel_before_creation_calls_nothing(account):
    enrollment = VirtualMfaEnrollment(account.context(deny=("iam:DeleteVirtualMFADevice",)), "admin", "AWS x", AuditLog())
    enrollment.cancel()
    assert enrollment.audit.entries() == []


def test_aws_rejecting_codes_keeps_the_device_for_fresh_codes(account):
    ctx = account.context()
    rejected = [True]

    from botocore.awsrequest import AWSResponse

    def hook(model, **_):
        if model.name == "EnableMFADevice" and rejected[0]:
            rejected[0] = False
            return AWSResponse("https://x.invalid", 400, {}, None), {
                "Error": {"Code": "InvalidAuthenticationCode", "Message": "Authentication code for the MFA device is not valid."},
                "ResponseMetadata": {"HTTPStatusCode": 400}}

    ctx.add_hook("before-call", hook)
    enrollment = VirtualMfaEnrollment(ctx, "admin", "AWS x", AuditLog(), clock=lambda: NOW)
    enrollment.create()
    totp = totp_of(enrollment)
    with pytest.raises(CodesRejected, match="two newest codes"):
        enrollment.enable(*codes(totp, 0))
    assert unassigned(account) == [enrollment.serial]  # kept, not recreated
    enrollment.enable(*codes(totp, 0))
    assert enrollment.state == "enabled"


def test_denied_enable_removes_the_device_and_names_the_action(account):
    enrollment = new_enrollment(account, deny=("iam:EnableMFADevice",))
    totp = totp_of(enrollment)
    with pytest.raises(RootwardenError) as error:
        enrollment.enable(*codes(totp, 0))
    assert "iam:EnableMFADevice" in str(error.value) and "removed" in str(error.value)
    assert unassigned(account) == []


def test_denied_create_leaves_nothing(account):
    enrollment = VirtualMfaEnrollment(account.context(deny=("iam:CreateVirtualMFADevice",)), "admin", "AWS x", AuditLog())
    with pytest.raises(RootwardenError, match="iam:CreateVirtualMFADevice"):
        enrollment.create()
    assert unassigned(account) == []


def test_limit_exceeded_is_explained(account):
    ctx = account.context()
    from botocore.awsrequest import AWSResponse

    ctx.add_hook("before-call", lambda model, **_: (AWSResponse("https://x.invalid", 409, {}, None), {
        "Error": {"Code": "LimitExceeded", "Message": "limit"}, "ResponseMetadata": {"HTTPStatusCode": 409}})
        if model.name == "CreateVirtualMFADevice" else None)
    with pytest.raises(RootwardenError, match="maximum of 8"):
        VirtualMfaEnrollment(ctx, "admin", "AWS x", AuditLog()).create()


def test_break_glass_user_has_no_keys(account):
    audit = AuditLog()
    password = create_break_glass_user(account.context(), "break-glass", audit, console_password=True)
    iam = account.client("iam")
    assert iam.list_access_keys(UserName="break-glass")["AccessKeyMetadata"] == []
    assert iam.get_login_profile(UserName="break-glass")["LoginProfile"]["UserName"] == "break-glass"
    assert len(password) >= 24 and password not in str([e.as_dict() for e in audit.entries()])
    with pytest.raises(InvalidInput):
        create_break_glass_user(account.context(), "bad name!", audit, console_password=False)


def test_sentinel_seed_reaches_no_log_output_or_file(account, sentinel_seed, caplog, capsys, tmp_path, monkeypatch):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    enrollment = new_enrollment(account)
    assert SENTINEL in enrollment.uri.replace("%3D", "=")  # the test really uses the sentinel
    totp = totp_of(enrollment)
    errors = []
    for bad in (("12345", "123456"), codes(totp, 5), tuple(reversed(codes(totp, 0)))):
        try:
            enrollment.verify(*bad)
        except InvalidInput as error:
            errors.append(str(error))
    enrollment.enable(*codes(totp, 0))
    from app import storage

    folder = storage.account_dir("123456789012")
    storage.save_new(folder, "session", {"audit": [e.as_dict() for e in enrollment.audit.entries()]})
    captured = capsys.readouterr()
    haystacks = [caplog.text, captured.out, captured.err, *errors, repr(enrollment.audit.entries())]
    haystacks += [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()]
    assert all(SENTINEL not in text and SENTINEL.lower() not in text for text in haystacks)
