"""Facts about the root user shared by the Step 1–3 checks, read from the snapshot.

The account summary is live; the credential report may be up to four hours old. Where both
speak to the same fact, the summary decides and the report supplies detail.
"""
from __future__ import annotations

from typing import Any

from app.aws.credential_report import is_true, parse_date
from app.checks.base import CheckRun
from app.errors import AwsCallFailed

KEY_FIELDS = ("active", "last_rotated", "last_used_date", "last_used_region", "last_used_service")


def root_row(run: CheckRun) -> dict[str, str]:
    row = run.snapshot.credential_report().root
    if row is None:
        raise AwsCallFailed(
            "The credential report has no root row (<root_account>); AWS always includes one, "
            "so the report is incomplete. Re-check later.",
            "iam:GetCredentialReport",
            "NoRootRow",
        )
    return row


def key_evidence(row: dict[str, str]) -> list[dict[str, Any]]:
    """Per root access key slot that ever held a key: active flag, rotation, last use."""
    keys = []
    for slot in (1, 2):
        fields = {name: row.get(f"access_key_{slot}_{name}", "N/A") for name in KEY_FIELDS}
        if is_true(fields["active"]) or parse_date(fields["last_rotated"]) is not None:
            keys.append({"slot": slot, **fields})
    return keys


def has_no_credentials(row: dict[str, str], summary: dict[str, int] | None) -> bool:
    """Root with no password and no keys: e.g. a member account whose root credentials were
    removed centrally. ``password_enabled`` ``not_supported`` counts as "may have one"."""
    no_password = (row.get("password_enabled") or "").strip().lower() == "false"
    keys_present = bool(summary.get("AccountAccessKeysPresent")) if summary else bool(key_evidence(row))
    return no_password and not keys_present


def summary_or_none(run: CheckRun) -> dict[str, int] | None:
    try:
        return run.snapshot.account_summary()
    except AwsCallFailed:
        return None


NO_CREDENTIALS_REASON = (
    "The root user has no password and no access keys (root credentials were removed, e.g. "
    "centrally by the organization), so it cannot sign in or call APIs."
)
