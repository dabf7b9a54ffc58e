"""Which saved profiles can run with nobody at the keyboard (SPEC §13): an access key in the
keyring (long-term, for a read-only identity), or an AWS profile that assumes a role or runs a
credential process. Sign-ins that expire (IAM Identity Center, `aws login`), MFA codes and
temporary keys cannot."""
from __future__ import annotations

from typing import Any

from app.aws.shared_config import Kind, facts


def refusal(profile: Any) -> str | None:
    """Why ``profile`` cannot run unattended, or None when it can."""
    if profile.identity_center:
        return ("it signs in through IAM Identity Center, whose sign-in expires and then needs a browser. Save a profile "
                "with an access key of a read-only identity (`rootwarden policy`) or an AWS profile that assumes a role")
    if profile.keyed:
        if str(profile.access_key_id).startswith("ASIA"):
            return "its access key is temporary (ASIA…) and will expire. Use a long-term key of a read-only identity"
        return None
    kind = facts(profile.aws_profile).kind
    if kind is Kind.SSO:
        return (f"its AWS profile “{profile.aws_profile}” uses IAM Identity Center, whose sign-in expires. Use an access key "
                "of a read-only identity or a role profile")
    if kind is Kind.LOGIN:
        return (f"its AWS profile “{profile.aws_profile}” uses `aws login`, whose session expires. Use an access key of a "
                "read-only identity or a role profile")
    if kind is Kind.MFA_ROLE:
        return f"its AWS profile “{profile.aws_profile}” needs an MFA code for every session, and nobody is there to type it"
    return None
