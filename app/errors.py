"""Rootwarden's error types. Each carries a message a user can act on; none carries a secret.

The CLI and the wizard turn these into output in one place each; anything else reaching them
is a bug, reported without a traceback.
"""
from __future__ import annotations


class RootwardenError(Exception):
    """Base class. ``str(error)`` is the user-facing message: what happened and what to do.

    ``reason`` is the reason code (an ``app.model.Reason`` value) of a check that ends on it.
    """

    reason = "check-error"


class ConnectionProblem(RootwardenError):
    """Cannot reach AWS or cannot authenticate: no network, bad or expired credentials.

    ``code`` says which problem (``sso-expired``, ``login-missing``, ``mfa-needed``,
    ``region-disabled``, ``tls``, ``proxy``…) for code that must tell them apart. ``str()`` is the
    command-line wording; ``ui_text`` the wizard's, where the two differ (a flag such as
    ``--aws-profile`` in one is a button or a field in the other).
    """

    reason = "connection"

    def __init__(self, message: str, code: str = "connection", ui_text: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.ui_text = ui_text or message


class UnsupportedPartition(RootwardenError):
    """The account is in an AWS partition whose root sign-in region Rootwarden does not know."""

    reason = "unsupported-partition"

    def __init__(self, partition: str) -> None:
        super().__init__(f"The account is in the AWS partition {partition!r}, where Rootwarden does not know the region that "
                         "receives root sign-in events; this check cannot be judged there.")
        self.partition = partition


class WrongAccount(RootwardenError):
    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(
            f"These credentials belong to account {actual}, but account {expected} was expected. "
            "Pick the profile or credentials for the right account."
        )
        self.expected = expected
        self.actual = actual


class AwsCallFailed(RootwardenError):
    """An AWS call failed in a way a check reports as ``unknown`` (denied, throttled, other).

    ``action`` is the IAM action of the call; ``code`` AWS's error code; ``reason`` the
    finding's reason code (a ``app.model.Reason`` value) for a check that ends on this error.
    """

    reason = "call-failed"

    def __init__(self, message: str, action: str, code: str) -> None:
        super().__init__(message)
        self.action = action
        self.code = code


class AccessDenied(AwsCallFailed):
    reason = "denied"


class Throttled(AwsCallFailed):
    reason = "throttled"


class MalformedResponse(AwsCallFailed):
    """AWS answered, but without the fields a verdict needs, or with values that do not parse."""

    reason = "malformed-response"

    def __init__(self, action: str, problem: str) -> None:
        super().__init__(
            f"AWS answered {action} with {problem}, so Rootwarden cannot judge from it. "
            "Re-check; if it persists, a proxy or endpoint override may be altering AWS's answers.",
            action,
            "MalformedResponse",
        )


class IncompleteListing(AwsCallFailed):
    """A paginated listing could not be read to its end (a repeated token, too many pages)."""

    reason = "incomplete-listing"

    def __init__(self, action: str, problem: str) -> None:
        super().__init__(f"The listing from {action} could not be read to the end ({problem}); nothing is judged from part of it. Re-check.",
                         action, "IncompleteListing")


class CallTimedOut(AwsCallFailed):
    """The run's deadline passed while this call had not answered."""

    reason = "timeout"

    def __init__(self, action: str, seconds: float) -> None:
        super().__init__(f"{action} did not answer within the run's {seconds:g}-second deadline. Check the network and re-check.",
                         action, "Timeout")


class InvalidInput(RootwardenError):
    """A form field or argument is not valid; nothing was sent to AWS."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class PracticeUnavailable(RootwardenError):
    """--demo was asked for but the practice account's extra (moto) is not installed."""
