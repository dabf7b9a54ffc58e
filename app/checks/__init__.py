"""The explicit registry of checks, in the order the wizard, the CLI and the report show them."""
from __future__ import annotations

from app.checks import (
    alternate_contacts,
    identity_central,
    org_root_credentials,
    root_access_keys,
    root_activity_alerts,
    root_mfa,
    root_mfa_hardware,
    root_recent_use,
    root_signing_certificates,
)
from app.checks.base import Check, CheckRun, Settings

REGISTRY: tuple[Check, ...] = (
    root_access_keys.CHECK,
    root_signing_certificates.CHECK,
    root_mfa.CHECK,
    root_mfa_hardware.CHECK,
    root_recent_use.CHECK,
    identity_central.CHECK,
    org_root_credentials.CHECK,
    alternate_contacts.SECURITY,
    alternate_contacts.BILLING,
    alternate_contacts.OPERATIONS,
    root_activity_alerts.CHECK,
)

BY_ID: dict[str, Check] = {check.id: check for check in REGISTRY}



def services(sign_in_region: str | None) -> tuple[tuple[str, str | None], ...]:
    """The (service, region) clients a full run uses; None is the connection's own region.
    The alert rule's services live in the partition's sign-in region."""
    return (
        ("sts", None), ("iam", None), ("sso-admin", None), ("account", None), ("cloudtrail", None), ("logs", None),
        ("cloudwatch", None), ("events", sign_in_region), ("sns", sign_in_region),
    )


__all__ = ["REGISTRY", "BY_ID", "services", "Check", "CheckRun", "Settings"]
