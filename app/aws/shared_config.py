"""What the user's AWS shared config (``~/.aws/config``, ``~/.aws/credentials``) says about a
profile: its kind, the region it sets, whether it needs an MFA code, and the AWS CLI command
that signs it in again (SPEC §3 "Real credential setups").

Reads files only (through botocore's own parser, so ``AWS_CONFIG_FILE`` and friends apply);
never a network call; safe from any thread. A config file botocore cannot parse reads as empty.
"""
from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from enum import Enum
from typing import Any

ENV_REGION = ("AWS_REGION", "AWS_DEFAULT_REGION")


class Kind(str, Enum):
    SSO = "IAM Identity Center (SSO)"
    LOGIN = "aws login (console credentials)"
    PROCESS = "credential process"
    WEB_IDENTITY = "web identity (OIDC token file)"
    MFA_ROLE = "assume role with MFA"
    ROLE = "assume role"
    KEYS = "access key"
    OTHER = "other"


@dataclass(frozen=True)
class ProfileFacts:
    """One profile of the shared config. ``name`` None is the standard chain's choice."""

    name: str | None
    kind: Kind
    region: str | None
    mfa_serial: str | None  # the profile's own MFA device (or its role chain's nearest)
    signs_in_as: str | None = None  # a role chain's source profile that signs in (SSO, aws login)
    # One entry per role of the chain that asks for MFA, in the order the roles are assumed (the
    # source's first, the profile's own last); a device used by two roles appears twice.
    mfa_serials: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How messages name it: ``profile “X”`` or ``the default credentials``."""
        return f"profile “{self.name}”" if self.name else "the default credentials"

    @property
    def sign_in_command(self) -> str | None:
        """The AWS CLI command that signs this profile in again, if one does: ready to paste
        (the name shell-quoted; ``--profile default`` kept when AWS_PROFILE points elsewhere)."""
        if self.signs_in_as is not None:
            return facts(self.signs_in_as).sign_in_command
        other = (os.environ.get("AWS_PROFILE") or "default") != "default"
        flag = f" --profile {_quoted(self.name)}" if self.name and (self.name != "default" or other) else ""
        if self.kind is Kind.SSO:
            return f"aws sso login{flag}"
        if self.kind is Kind.LOGIN:
            return f"aws login{flag}"
        return None


def _quoted(name: str, windows: bool | None = None) -> str:
    """A profile name ready to paste into this system's shell (cmd/PowerShell take double quotes)."""
    if os.name == "nt" if windows is None else windows:
        return name if re.fullmatch(r"[\w.@+-]+", name) else '"' + name.replace('"', '""') + '"'
    return shlex.quote(name)


def all_profiles() -> dict[str, dict[str, Any]]:
    """Every profile's settings; {} when there is no config or botocore cannot parse it."""
    import botocore.session

    try:
        profiles = botocore.session.Session().full_config.get("profiles", {})
    except Exception:  # a broken config file: connecting reports it; listing shows nothing
        return {}
    return {str(name): dict(cfg) for name, cfg in profiles.items() if isinstance(cfg, dict)}


def kind_of(config: dict[str, Any], profiles: dict[str, dict[str, Any]] | None = None) -> Kind:
    if "sso_session" in config or "sso_start_url" in config:
        return Kind.SSO
    if "login_session" in config:
        return Kind.LOGIN
    if "credential_process" in config:
        return Kind.PROCESS
    if "role_arn" in config and config.get("web_identity_token_file"):
        return Kind.WEB_IDENTITY
    if "role_arn" in config:
        return Kind.MFA_ROLE if _mfa_serial(config, profiles or {}) else Kind.ROLE
    if "aws_access_key_id" in config:
        return Kind.KEYS
    return Kind.OTHER


def effective_profile(name: str | None) -> str:
    return name or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "default"


def problem(name: str | None, profiles: dict[str, dict[str, Any]] | None = None) -> str | None:
    """What is wrong with profile ``name``'s settings, in the config's own words, or None.
    Asked after botocore refused the profile, to say why (it names its own classes)."""
    profiles = all_profiles() if profiles is None else profiles
    chain, current = [effective_profile(name)], effective_profile(name)
    if current not in profiles:
        return None  # no such profile (reported as such), or no config at all: the chain looks elsewhere
    while True:
        config = profiles.get(current, {})
        if config.get("aws_access_key_id") and not config.get("aws_secret_access_key"):
            return f"{_where(current, chain)}has aws_access_key_id but no aws_secret_access_key"
        if config.get("aws_secret_access_key") and not config.get("aws_access_key_id"):
            return f"{_where(current, chain)}has aws_secret_access_key but no aws_access_key_id"
        if "role_arn" in config and config.get("web_identity_token_file"):
            token = os.path.expanduser(str(config["web_identity_token_file"]))
            if not os.path.isfile(token):
                return f"{_where(current, chain)}names web_identity_token_file {token[:200]}, which does not exist"
            return None
        if "role_arn" in config:
            source = config.get("source_profile")
            if source and config.get("credential_source"):
                return f"{_where(current, chain)}sets both source_profile and credential_source; keep one"
            if not source and not config.get("credential_source"):
                return f"{_where(current, chain)}sets role_arn without source_profile or credential_source"
            if source:
                source = str(source)
                if source in chain and source != current:
                    return f"has a source_profile chain that loops: {' → '.join(_bounded_names(chain + [source]))}"
                if source not in profiles:
                    return f"{_where(current, chain)}names source_profile “{source[:64]}”, which does not exist"
                if source == current:  # a profile may use its own keys for its role
                    return None
                chain.append(source)
                current = source
                continue
            return None
        if config.get("sso_start_url") or config.get("sso_session"):
            missing = [key for key in ("sso_account_id", "sso_role_name") if not config.get(key)]
            if missing:
                return f"{_where(current, chain)}is missing the IAM Identity Center settings {' and '.join(missing)}"
            return None
        if kind_of(config, profiles) is Kind.OTHER:
            flag = f" --profile {_quoted(current[:64])}"
            return (f"{_where(current, chain)}has no credentials (no keys, role, IAM Identity Center, aws login or "
                    f"credential_process): run `aws configure{flag}` or `aws configure sso{flag}`")
        return None


def _where(current: str, chain: list[str]) -> str:
    return "" if current == chain[0] else f"uses the source profile “{current[:64]}”, which "


def _bounded_names(names: list[str]) -> list[str]:
    return [name[:64] for name in names[:12]]


def facts(name: str | None, profiles: dict[str, dict[str, Any]] | None = None) -> ProfileFacts:
    """Facts about profile ``name``; None means the one the standard chain uses (AWS_PROFILE,
    else ``default``, which may not exist: then the chain uses environment keys and the like)."""
    profiles = all_profiles() if profiles is None else profiles
    effective = effective_profile(name)
    config = profiles.get(effective, {})
    region = next((os.environ[v] for v in ENV_REGION if os.environ.get(v)), None) or config.get("region")
    shown = name or (effective if effective in profiles and effective != "default" else None)
    serials = _mfa_serials(config, profiles)  # outward from the profile
    return ProfileFacts(shown, kind_of(config, profiles), region, serials[0] if serials else None, _signing_source(config, profiles),
                        tuple(reversed(serials)))


def _signing_source(config: dict[str, Any], profiles: dict[str, dict[str, Any]]) -> str | None:
    """The profile at the end of a role chain, when it is one the AWS CLI signs in."""
    seen: set[str] = set()
    while "role_arn" in config and config.get("source_profile"):
        name = str(config["source_profile"])
        if name in seen:
            return None
        seen.add(name)
        config = profiles.get(name, {})
        if kind_of(config, profiles) in (Kind.SSO, Kind.LOGIN):
            return name
    return None


def _mfa_serial(config: dict[str, Any], profiles: dict[str, dict[str, Any]]) -> str | None:
    """The MFA device a role chain asks a code for first: this profile's, or a source profile's."""
    serials = _mfa_serials(config, profiles)
    return serials[0] if serials else None


def _mfa_serials(config: dict[str, Any], profiles: dict[str, dict[str, Any]]) -> list[str]:
    """The MFA device of each role along the chain that has one, from the profile outward."""
    seen: set[int] = set()
    serials: list[str] = []
    while config and id(config) not in seen and "role_arn" in config:
        seen.add(id(config))
        if config.get("mfa_serial"):
            serials.append(str(config["mfa_serial"]))
        config = profiles.get(str(config.get("source_profile", "")), {})
    return serials


