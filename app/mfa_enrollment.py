"""Virtual MFA enrollment for an IAM user (SPEC §4 Step 2): create the device, show its key as
a QR code, check two consecutive codes locally, enable, confirm — and leave no orphan device.

Secret hygiene: the seed is held only here, in a bytearray, for the enrollment's lifetime, and
overwritten by ``wipe()`` (after success, on cancel, on failure). It never reaches a log, an
exception message, the audit log or a record. (Python may keep transient copies of the bytes
boto3 returned; we drop every reference we hold.)

Threading: AWS calls (``create``, ``enable``, ``cancel``) run on the UI's one-thread change
pool; the object is owned by the enrollment dialog, which calls one method at a time.
"""
from __future__ import annotations

import re
import secrets
import string
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable

from app.aws.context import AwsContext
from app.errors import AwsCallFailed, InvalidInput, RootwardenError
from app.fixes.base import MANAGED_TAG, AuditLog, Change
from app.model import BREAK_GLASS_TAG

if TYPE_CHECKING:
    import pyotp

ACTIONS = ("iam:CreateVirtualMFADevice", "iam:TagMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices",
           "iam:DeleteVirtualMFADevice", "iam:CreateUser", "iam:TagUser", "iam:CreateLoginProfile", "iam:GetUser")
MAX_DEVICES = 8  # IAM's limit per user
SEARCH_STEPS = 10  # local search window: ±5 minutes of 30-second steps
USER_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
FIX = "Enroll virtual MFA"


class NoSuchUser(RootwardenError):
    """The named IAM user does not exist and the operator did not ask to create it."""

    def __init__(self, user: str) -> None:
        super().__init__(f"No IAM user named {user}. Tick “Create this user if it does not exist” to make it, or check the name.")
        self.user = user


class CodesRejected(RootwardenError):
    """AWS said the codes are not valid (usually expired in transit). The device is kept: enter two fresh codes."""


@dataclass(frozen=True)
class CodeCheck:
    offset_seconds: int  # how far the device's clock seems to be from ours
    note: str  # empty, or a gentle remark about the clock


def normalise_code(text: str, field: str) -> str:
    code = re.sub(r"\s", "", text)
    if not re.fullmatch(r"\d{6}", code):
        raise InvalidInput(field, "must be exactly 6 digits")
    return code


def check_codes(totp: "pyotp.TOTP", first: str, second: str, now: float) -> CodeCheck:
    """Both codes are valid and consecutive, near enough to now; else ``InvalidInput`` that says which and why."""
    from pyotp.utils import strings_equal

    first, second = normalise_code(first, "First code"), normalise_code(second, "Second code")
    if first == second:
        raise InvalidInput("Second code", "must be the next code your app shows, different from the first")
    step_now = totp.timecode(now)
    steps = range(step_now - SEARCH_STEPS, step_now + SEARCH_STEPS + 1)
    first_steps = [s for s in steps if strings_equal(first, totp.generate_otp(s))]
    if not first_steps:
        raise InvalidInput("First code", "does not match this device's key. Scan the QR code shown here (not an older one) and try again")
    for step in first_steps:
        if strings_equal(second, totp.generate_otp(step + 1)):
            offset = (step + 1 - step_now) * totp.interval
            if abs(step + 1 - step_now) >= 2:
                direction = "ahead of" if offset > 0 else "behind"
                raise InvalidInput("Second code", f"your device clock is about {abs(offset)} seconds {direction} the real time "
                                   "(or the codes are old). Set the device to automatic time and enter the two newest codes")
            note = f"Your device clock is about {offset} seconds ahead; AWS accepted codes like these, but consider fixing it." if offset > 0 else ""
            return CodeCheck(offset, note)
        if strings_equal(second, totp.generate_otp(step - 1)):
            raise InvalidInput("Second code", "comes before the first: the codes are swapped. Enter the earlier code first")
    if any(strings_equal(second, totp.generate_otp(s)) for s in steps):
        raise InvalidInput("Second code", "is valid but not the one right after the first. Type a code, wait for the next one, type that")
    raise InvalidInput("Second code", "does not match this device's key. Wait for the next code and type it")


def validate_user_name(name: str) -> str:
    name = name.strip()
    if not USER_NAME.fullmatch(name):
        raise InvalidInput("User name", "use 1–64 letters, digits and + = , . @ _ -")
    return name


def _call(aws: AwsContext, operation: str, **params: object) -> dict:
    return aws.call("iam", operation, **params)


def existing_devices(aws: AwsContext, user: str) -> list[str]:
    return [d["SerialNumber"] for d in _call(aws, "ListMFADevices", UserName=user).get("MFADevices", [])]


def user_exists(aws: AwsContext, user: str) -> bool:
    try:
        _call(aws, "GetUser", UserName=user)
        return True
    except AwsCallFailed as error:
        if error.code in ("NoSuchEntity", "NoSuchEntityException"):
            return False
        raise


def require_user(aws: AwsContext, user: str) -> None:
    """Raise ``NoSuchUser`` (decided on the error code, IAM's NoSuchEntity) when ``user`` does not exist."""
    if not user_exists(aws, user):
        raise NoSuchUser(user)


def permissions_note(user: str, console_password: bool) -> str:
    """What a newly created break-glass user can do, and what to attach before it is useful.

    Rootwarden attaches no policy on purpose: granting administrator access is the account
    owner's decision, made in IAM where it stays visible, and a hardening tool should not leave
    behind a standing admin it granted itself."""
    can = ("It can sign in to the console and do nothing else."
           if console_password else "It has no console password and no access keys, so it cannot sign in yet.")
    return (f"{user} has no permissions. {can} For break-glass use, add it to a group that has the "
            "AdministratorAccess policy (IAM → User groups), or the policy your emergency runbook names. "
            "Rootwarden deliberately does not attach it: granting administrator access is your decision.")


def create_break_glass_user(aws: AwsContext, name: str, audit: AuditLog, console_password: bool) -> str | None:
    """Create a tagged IAM user with no access keys; returns a one-time console password or None.
    The password is returned once for the person to store; Rootwarden keeps no copy."""
    name = validate_user_name(name)
    _call(aws, "CreateUser", UserName=name, Tags=[MANAGED_TAG, BREAK_GLASS_TAG])
    audit.record(FIX, Change("create", f"IAM user {name} (break-glass, no access keys)", "iam:CreateUser"), "done")
    if not console_password:
        return None
    alphabet = string.ascii_letters + string.digits + "!@#$%^&*()-_=+"
    password = "".join(secrets.choice(alphabet) for _ in range(24)) + "aA1!"
    _call(aws, "CreateLoginProfile", UserName=name, Password=password, PasswordResetRequired=False)
    audit.record(FIX, Change("create", f"console password for {name} (shown once to the operator)", "iam:CreateLoginProfile"), "done")
    return password


class VirtualMfaEnrollment:
    def __init__(self, aws: AwsContext, user: str, issuer: str, audit: AuditLog, clock: Callable[[], float] = time.time) -> None:
        self.aws, self.user, self.issuer, self.audit, self.clock = aws, validate_user_name(user), issuer, audit, clock
        self.serial: str | None = None
        self.state = "new"  # new → created → enabled | cancelled
        self._seed: bytearray | None = None

    # -- the seed -------------------------------------------------------------------------
    def _totp(self) -> "pyotp.TOTP":
        import pyotp

        if self._seed is None:
            raise RootwardenError("The enrollment has ended; start a new one.")
        return pyotp.TOTP(self._seed.decode("ascii"), digits=6, interval=30)

    @property
    def uri(self) -> str:
        """The standard otpauth URI (SHA1, 6 digits, 30 s) for the QR code."""
        return self._totp().provisioning_uri(name=self.user, issuer_name=self.issuer)

    @property
    def grouped_secret(self) -> str:
        key = self._totp().secret
        return " ".join(key[i:i + 4] for i in range(0, len(key), 4))

    def wipe(self) -> None:
        if self._seed is not None:
            for i in range(len(self._seed)):
                self._seed[i] = 0
            self._seed = None

    # -- AWS ------------------------------------------------------------------------------
    def create(self) -> None:
        name = f"{self.user}-{datetime.now(timezone.utc):%Y%m%d%H%M%S}"
        try:
            device = _call(self.aws, "CreateVirtualMFADevice", VirtualMFADeviceName=name, Tags=[MANAGED_TAG])["VirtualMFADevice"]
        except AwsCallFailed as error:
            if error.code == "EntityAlreadyExists":
                raise RootwardenError("A virtual MFA device with this name already exists; wait a second and start again.") from None
            if error.code == "LimitExceeded":
                raise RootwardenError(f"{self.user} already has the maximum of {MAX_DEVICES} MFA devices. Remove an old one first.") from None
            raise
        self.serial = device["SerialNumber"]
        seed = device.pop("Base32StringSeed")
        device.pop("QRCodePNG", None)
        self._seed = bytearray(seed if isinstance(seed, bytes) else seed.encode("ascii"))
        del seed, device
        self.state = "created"
        self.audit.record(FIX, Change("create", f"virtual MFA device {self.serial} for {self.user}", "iam:CreateVirtualMFADevice"), "done")

    def verify(self, first: str, second: str) -> CodeCheck:
        """Local check only; nothing is sent to AWS."""
        return check_codes(self._totp(), first, second, self.clock())

    def enable(self, first: str, second: str) -> CodeCheck:
        check = self.verify(first, second)
        first, second = normalise_code(first, "First code"), normalise_code(second, "Second code")
        try:
            _call(self.aws, "EnableMFADevice", UserName=self.user, SerialNumber=self.serial,
                  AuthenticationCode1=first, AuthenticationCode2=second)
        except AwsCallFailed as error:
            if error.code == "InvalidAuthenticationCode":
                raise CodesRejected("AWS did not accept these codes (they may have expired on the way). "
                                    "Enter the two newest codes from your app; the device stays ready.") from None
            self._abandon(f"enabling failed: {error.code}")
            raise RootwardenError(f"{error} The new device was removed, so nothing is left half-done.") from None
        listed = existing_devices(self.aws, self.user)
        if self.serial not in listed:
            self._abandon("not listed after enabling")
            raise RootwardenError("AWS did not list the device after enabling it; it was removed. Try again.")
        self.state = "enabled"
        self.audit.record(FIX, Change("update", f"enable {self.serial} as MFA for {self.user}", "iam:EnableMFADevice"), "done")
        self.wipe()
        return check

    def cancel(self) -> None:
        """Delete the unassigned device (if any) and forget the seed."""
        if self.state == "created":
            self._abandon("cancelled")
        self.state = "cancelled" if self.state != "enabled" else self.state
        self.wipe()

    def _abandon(self, why: str) -> None:
        change = Change("delete", f"unassigned virtual MFA device {self.serial} ({why})", "iam:DeleteVirtualMFADevice")
        try:
            _call(self.aws, "DeleteVirtualMFADevice", SerialNumber=self.serial)
            self.audit.record(FIX, change, "done")
        except AwsCallFailed as error:
            self.audit.record(FIX, change, f"failed: {error}")
        self.state = "cancelled"
        self.wipe()
