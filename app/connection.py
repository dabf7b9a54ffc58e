"""Connecting to an account: where credentials come from, and who they say we are (SPEC §3).

``connect`` makes network calls: run it off the UI thread. The rest is pure.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.account_id import check_pin, read_typed
from app.aws import shared_config
from app.aws.context import AwsContext
from app.aws.partition import Partition, from_arn, is_root_arn
from app.checks import services


@dataclass(frozen=True)
class AwsProfileInfo:
    name: str
    kind: str  # e.g. "IAM Identity Center (SSO)", "aws login", "access key", "assume role"


@dataclass(frozen=True)
class Identity:
    account_id: str
    caller_arn: str
    alias: str | None
    credential_type: str  # "long-term access key" / "temporary credentials"
    access_key_id: str | None  # which key signs this session (not a secret); None if unknown

    @property
    def partition(self) -> Partition:
        return from_arn(self.caller_arn)

    @property
    def is_root(self) -> bool:
        return is_root_arn(self.caller_arn, self.account_id)

    @property
    def long_term(self) -> bool:
        return self.credential_type == "long-term access key"

    @property
    def warning(self) -> str | None:
        if self.is_root and self.long_term:
            return ("You are signed in as root with a long-term root access key. Finish the setup, let Rootwarden delete "
                    "that key at the end, and use `aws login` next time.")
        if self.is_root:
            return "You are signed in as the root user. That is expected for first-time setup; use an admin identity afterwards."
        return None


def aws_profiles() -> list[AwsProfileInfo]:
    """Profiles of the user's AWS shared config and credentials files, with their kind."""
    profiles = shared_config.all_profiles()
    return [AwsProfileInfo(name, shared_config.kind_of(cfg, profiles).value) for name, cfg in sorted(profiles.items())]


def validate_account_id(text: str) -> str | None:
    """The Connect page's optional expected account: None when left empty."""
    return read_typed(text, "Expected account ID") if text.strip() else None


def identify(aws: AwsContext, expected_account: str | None = None) -> Identity:
    """Ask AWS who these credentials are; refuse a different account than expected."""
    caller = aws.call("sts", "GetCallerIdentity")
    account = str(caller["Account"])
    check_pin(expected_account, account)
    try:
        aliases = aws.call("iam", "ListAccountAliases").get("AccountAliases") or []
    except Exception:
        aliases = []  # an alias is nice to show, never worth failing over
    # The checks' clients, made now, off the UI thread and before the first run.
    aws.prepare(services(from_arn(str(caller["Arn"])).sign_in_region))
    credentials = aws.session.get_credentials()
    key_id = getattr(credentials, "access_key", None) if credentials else None
    temporary = bool(getattr(credentials, "token", None)) or (key_id or "").startswith("ASIA")
    return Identity(account, str(caller["Arn"]), aliases[0] if aliases else None,
                    "temporary credentials" if temporary else "long-term access key", key_id)
