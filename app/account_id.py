"""AWS account IDs (SPEC §3): what one is, how a typed one is read, and the account pin.

An account ID is exactly twelve ASCII digits. ``str.isdigit()`` and ``\\d`` also accept other
scripts' digits (Arabic-Indic, full-width…) and ``$`` accepts a final newline, so neither is
used. Pure functions; safe from any thread.
"""
from __future__ import annotations

import re
from typing import Any

from app.errors import InvalidInput, WrongAccount

_TWELVE_DIGITS = re.compile(r"[0-9]{12}")
_SEPARATORS = str.maketrans("", "", "- ")


def is_account_id(value: Any) -> bool:
    """True for exactly twelve ASCII digits (as AWS writes them, and as records keep them)."""
    return isinstance(value, str) and _TWELVE_DIGITS.fullmatch(value) is not None


def read_typed(text: str, field: str = "Account ID") -> str:
    """An ID as people copy it ("1234-5678-9012", spaces, surrounding blanks) as twelve digits;
    ``InvalidInput`` naming ``field`` for anything else."""
    digits = text.strip().translate(_SEPARATORS)
    if not is_account_id(digits):
        raise InvalidInput(field, "must be 12 digits, like 123456789012")
    return digits


def check_pin(expected: str | None, actual: str) -> None:
    """Refuse credentials that reach another account than the one pinned (None: no pin).
    An empty pin is a pin that nothing matches, never "any account"."""
    if expected is not None and actual != expected:
        raise WrongAccount(expected, actual)
