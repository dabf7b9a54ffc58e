"""The IAM credential report: generation with back-off polling, CSV parsing, the root row.

Report values are strings; dates may be ISO 8601 or one of ``N/A``, ``no_information``,
``not_supported``, and root's ``password_enabled`` may be ``not_supported``. Helpers here keep
the raw text for evidence and give ``None`` for "no date". A report that cannot be trusted —
not UTF-8, missing columns, two root rows, a date that does not parse — raises
``MalformedResponse``: it is never read as "nothing there" (SPEC §2.2).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from app.errors import AwsCallFailed, MalformedResponse

ROOT_USER = "<root_account>"
ACTION = "iam:GetCredentialReport"
COLUMNS = (
    "user", "password_enabled", "password_last_used", "mfa_active",
    "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "cert_1_active", "cert_2_active",
)
NO_DATE = {"N/A", "no_information", "not_supported", ""}
# Seconds to wait between GenerateCredentialReport polls: back-off, never a hot loop.
POLL_DELAYS = (0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0)


@dataclass(frozen=True)
class CredentialReport:
    rows: tuple[dict[str, str], ...]
    generated_time: str

    @property
    def root(self) -> dict[str, str] | None:
        """The root row; two of them contradict each other and raise ``MalformedResponse``."""
        found = [row for row in self.rows if row.get("user") == ROOT_USER]
        if len(found) > 1:
            raise MalformedResponse(ACTION, f"{len(found)} root rows ({ROOT_USER}) in the credential report")
        return found[0] if found else None

    @property
    def users(self) -> tuple[dict[str, str], ...]:
        return tuple(row for row in self.rows if row.get("user") != ROOT_USER)


def parse_report(content: bytes | str, generated_time: str = "") -> CredentialReport:
    try:
        text = content.decode("utf-8") if isinstance(content, bytes) else content
        reader = csv.DictReader(io.StringIO(text))
        rows = tuple(dict(row) for row in reader)
    except (UnicodeDecodeError, csv.Error) as error:
        raise MalformedResponse(ACTION, f"a credential report that is not readable CSV ({type(error).__name__})") from None
    header = list(reader.fieldnames or ())
    if len(set(header)) != len(header):
        raise MalformedResponse(ACTION, "a credential report whose header repeats a column")
    if any(None in row or None in row.values() for row in rows):
        raise MalformedResponse(ACTION, "a credential report with rows shorter or longer than its header")
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise MalformedResponse(ACTION, f"a credential report without the columns {', '.join(missing)}")
    return CredentialReport(rows, generated_time)


def parse_date(value: str | None, column: str = "a date column") -> datetime | None:
    """A credential-report date, or None for N/A, no_information, not_supported or empty.
    Anything else that does not parse raises ``MalformedResponse`` (never "no date")."""
    if value is None or value.strip() in NO_DATE:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise MalformedResponse(ACTION, f"an unparseable date in {column} ({value[:40]!r})") from None
    if moment.tzinfo is None:
        raise MalformedResponse(ACTION, f"a date without a time zone in {column} ({value[:40]!r})")
    return moment


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
    generated = response.get("GeneratedTime")  # the content's presence and type are checked on receipt
    return parse_report(response["Content"], generated.isoformat() if hasattr(generated, "isoformat") else str(generated or ""))
