"""The IAM credential report: generation with back-off polling, CSV parsing, the root row.

Report values are strings; dates may be ISO 8601 or one of ``N/A``, ``no_information``,
``not_supported``, and root's ``password_enabled`` may be ``not_supported``. Helpers here keep
the raw text for evidence and give ``None`` for "no date".
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from app.errors import AwsCallFailed

ROOT_USER = "<root_account>"
NO_DATE = {"N/A", "no_information", "not_supported", ""}
# Seconds to wait between GenerateCredentialReport polls: back-off, never a hot loop.
POLL_DELAYS = (0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0)


@dataclass(frozen=True)
class CredentialReport:
    rows: tuple[dict[str, str], ...]
    generated_time: str

    @property
    def root(self) -> dict[str, str] | None:
        return next((row for row in self.rows if row.get("user") == ROOT_USER), None)

    @property
    def users(self) -> tuple[dict[str, str], ...]:
        return tuple(row for row in self.rows if row.get("user") != ROOT_USER)


def parse_report(content: bytes | str, generated_time: str = "") -> CredentialReport:
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    rows = tuple(dict(row) for row in csv.DictReader(io.StringIO(text)))
    return CredentialReport(rows, generated_time)


def parse_date(value: str | None) -> datetime | None:
    """A credential-report date, or None for N/A, no_information, not_supported or empty."""
    if value is None or value.strip() in NO_DATE:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def is_true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def fetch(call: Callable[..., dict], sleep: Callable[[float], None]) -> CredentialReport:
    """Generate (polling with back-off until COMPLETE) and download the report.

    ``call(operation, **params)`` performs one IAM call; runs on the caller's thread.
    """
    for delay in (*POLL_DELAYS, None):
        state = call("GenerateCredentialReport").get("State")
        if state == "COMPLETE":
            break
        if delay is None:
            raise AwsCallFailed(
                "The IAM credential report was still being generated after about a minute. Re-check shortly.",
                "iam:GenerateCredentialReport",
                "ReportInProgress",
            )
        sleep(delay)
    response = call("GetCredentialReport")
    generated = response.get("GeneratedTime")
    return parse_report(response["Content"], generated.isoformat() if hasattr(generated, "isoformat") else str(generated or ""))
