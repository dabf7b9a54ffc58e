"""Rootwarden's error types. Each carries a message a user can act on; none carries a secret.

The CLI and the wizard turn these into output in one place each; anything else reaching them
is a bug, reported without a traceback.
"""
from __future__ import annotations


class RootwardenError(Exception):
    """Base class. ``str(error)`` is the user-facing message: what happened and what to do."""


class ConnectionProblem(RootwardenError):
    """Cannot reach AWS or cannot authenticate: no network, bad or expired credentials."""


class WrongAccount(RootwardenError):
    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(
            f"These credentials belong to account {actual}, but account {expected} was expected. "
            "Pick the profile or credentials for the right account."
        )
        self.expected = expected
        self.actual = actual


class AwsCallFailed(RootwardenError):
    """An AWS call failed in a way a check reports as ``unknown`` (denied, throttled, other)."""

    def __init__(self, message: str, action: str, code: str) -> None:
        super().__init__(message)
        self.action = action
        self.code = code


class AccessDenied(AwsCallFailed):
    pass


class Throttled(AwsCallFailed):
    pass


class InvalidInput(RootwardenError):
    """A form field or argument is not valid; nothing was sent to AWS."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class PracticeUnavailable(RootwardenError):
    """--demo was asked for but the practice account's extra (moto) is not installed."""
