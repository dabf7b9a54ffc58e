"""Connection profiles in the OS keyring (SPEC §3).

A profile is a name, a pinned account ID, a default region and one credential source: a
profile of the AWS shared config, or an access key whose secret lives only in the keyring.
Entries are small (Windows caps one near 1,250 characters): ``index`` lists the names, then one
entry per profile's fields and one per secret. Writes go secret → fields → index, so a crash
leaves at worst an unlisted entry, and a corrupt entry spoils only its own profile.

Threading: keyring calls may block (D-Bus); call from a worker thread in the UI.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from app.errors import InvalidInput, RootwardenError
from app.keyring_access import SERVICE, KeyringUnavailable, checked, translate

INDEX = "profiles/index"
NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
ACCOUNT = re.compile(r"^\d{12}$")
KEY_ID = re.compile(r"^(AKIA|ASIA)[A-Z0-9]{16}$")
SECRET = re.compile(r"^[A-Za-z0-9/+=]{40}$")
NOTES_MAX = 500
ENTRY_MAX = 1200  # Windows Credential Manager caps one entry near 1,250 characters


class ProfileProblem(RootwardenError):
    """A profile is missing or unusable (corrupt or half-written)."""


@dataclass(frozen=True)
class Profile:
    name: str
    account_id: str
    region: str
    aws_profile: str | None = None
    access_key_id: str | None = None
    notes: str = ""

    @property
    def keyed(self) -> bool:
        return self.access_key_id is not None

    @property
    def source(self) -> str:
        return f"access key {self.access_key_id}" if self.keyed else f"AWS profile {self.aws_profile}"


@dataclass(frozen=True)
class Listed:
    name: str
    profile: Profile | None
    problem: str | None = None


def known_regions() -> set[str]:
    import botocore.session

    session = botocore.session.get_session()
    return {r for partition in session.get_available_partitions() for r in session.get_available_regions("ec2", partition)}


def validate(profile: Profile, secret: str | None = None, session_token: str | None = None) -> Profile:
    if not NAME.match(profile.name):
        raise InvalidInput("Name", "use 1–64 letters, digits, '-', '_' or '.'")
    account = profile.account_id.strip().replace("-", "")
    if not ACCOUNT.match(account):
        raise InvalidInput("Account ID", "must be 12 digits")
    if profile.region not in known_regions():
        raise InvalidInput("Region", f"“{profile.region}” is not an AWS region")
    if (profile.aws_profile is None) == (profile.access_key_id is None):
        raise InvalidInput("Credentials", "choose either an AWS profile or an access key")
    if profile.aws_profile is not None and not profile.aws_profile.strip():
        raise InvalidInput("AWS profile", "is required")
    if profile.access_key_id is not None:
        if not KEY_ID.match(profile.access_key_id):
            raise InvalidInput("Access key ID", "must be AKIA or ASIA followed by 16 capital letters or digits")
        if secret is None or not SECRET.match(secret):
            raise InvalidInput("Secret access key", "must be exactly 40 characters (letters, digits, / + =)")
        if profile.access_key_id.startswith("ASIA") and not session_token:
            raise InvalidInput("Session token", "is required with temporary (ASIA…) keys")
    if len(profile.notes) > NOTES_MAX:
        raise InvalidInput("Notes", f"must be at most {NOTES_MAX} characters")
    return Profile(profile.name, account, profile.region, profile.aws_profile, profile.access_key_id, profile.notes)


class ProfileStore:
    """Profiles in one keyring backend (passed in; the OS default when None)."""

    def __init__(self, backend: Any | None = None, allow_insecure: bool | None = None) -> None:
        self.backend = checked(backend, allow_insecure, "Saved profiles are unavailable; `--aws-profile` and the AWS credential chain still work.")

    # -- raw entries, errors translated ------------------------------------------------------
    def _get(self, key: str) -> str | None:
        try:
            return self.backend.get_password(SERVICE, key)
        except Exception as error:
            raise translate(error) from None

    def _set(self, key: str, value: str) -> None:
        try:
            self.backend.set_password(SERVICE, key, value)
        except Exception as error:
            raise translate(error) from None

    def _delete(self, key: str) -> None:
        from keyring.errors import PasswordDeleteError

        try:
            self.backend.delete_password(SERVICE, key)
        except PasswordDeleteError:
            pass  # already gone
        except Exception as error:
            raise translate(error) from None

    # -- the index ---------------------------------------------------------------------------
    def names(self) -> list[str]:
        raw = self._get(INDEX)
        if not raw:
            return []
        try:
            names = json.loads(raw)
            if isinstance(names, list) and all(isinstance(n, str) for n in names):
                return names
        except ValueError:
            pass
        raise ProfileProblem("The list of saved profiles in the keyring is damaged. Remove the keyring entry "
                             f"'{SERVICE} / {INDEX}' and add the profiles again.")

    def _write_index(self, names: list[str]) -> None:
        index = json.dumps(sorted(set(names)))
        if len(index) > ENTRY_MAX:
            raise InvalidInput("Name", "the keyring's list of profiles is full (one entry holds about 1,200 characters); "
                                       "remove a profile you no longer use, or choose shorter names")
        self._set(INDEX, index)

    # -- profiles ---------------------------------------------------------------------------
    def add(self, profile: Profile, secret: str | None = None, session_token: str | None = None) -> Profile:
        profile = validate(profile, secret, session_token)
        if profile.keyed:
            self._set(f"profiles/{profile.name}/secret", secret)
            if session_token:
                self._set(f"profiles/{profile.name}/session-token", session_token)
        else:
            self._delete(f"profiles/{profile.name}/secret")
            self._delete(f"profiles/{profile.name}/session-token")
        self._set(f"profiles/{profile.name}", json.dumps(asdict(profile)))
        try:
            self._write_index([*self.names(), profile.name])
        except InvalidInput:
            if profile.name not in self.names():  # leave nothing unlisted behind
                for key in (f"profiles/{profile.name}", f"profiles/{profile.name}/secret", f"profiles/{profile.name}/session-token"):
                    self._delete(key)
            raise
        return profile

    def update(self, old_name: str | None, profile: Profile, secret: str | None = None, session_token: str | None = None) -> Profile:
        """Save an edited profile. A keyed profile given no new secret keeps its stored one
        (read here, never handed to the UI); a renamed profile replaces the old entry."""
        if profile.keyed and secret is None and old_name and self.get(old_name).access_key_id == profile.access_key_id:
            secret, session_token = self.secret(old_name)
        saved = self.add(profile, secret, session_token)
        if old_name and old_name != saved.name:
            self.remove(old_name)
        return saved

    def get(self, name: str) -> Profile:
        if name not in self.names():
            raise ProfileProblem(f"No saved profile named “{name}”. `rootwarden profile list` shows them.")
        raw = self._get(f"profiles/{name}")
        try:
            data = json.loads(raw or "")
            profile = Profile(**{k: data[k] for k in ("name", "account_id", "region")},
                              aws_profile=data.get("aws_profile"), access_key_id=data.get("access_key_id"), notes=data.get("notes", ""))
            if profile.keyed and not self._get(f"profiles/{name}/secret"):
                raise ValueError("secret missing")
            return profile
        except (ValueError, KeyError, TypeError):
            raise ProfileProblem(f"The saved profile “{name}” is incomplete or damaged in the keyring. "
                                 f"Remove it (`rootwarden profile remove {name}`) and add it again.") from None

    def list(self) -> list[Listed]:
        entries = []
        for name in self.names():
            try:
                entries.append(Listed(name, self.get(name)))
            except ProfileProblem as problem:
                entries.append(Listed(name, None, str(problem)))
        return entries

    def secret(self, name: str) -> tuple[str, str | None]:
        """(secret access key, session token or None) of a keyed profile."""
        secret = self._get(f"profiles/{name}/secret")
        if not secret:
            raise ProfileProblem(f"The secret of profile “{name}” is missing from the keyring. Add the profile again.")
        return secret, self._get(f"profiles/{name}/session-token")

    def remove(self, name: str) -> None:
        names = self.names()
        if name not in names:
            raise ProfileProblem(f"No saved profile named “{name}”.")
        self._write_index([n for n in names if n != name])
        for key in (f"profiles/{name}", f"profiles/{name}/secret", f"profiles/{name}/session-token"):
            self._delete(key)


def connect(store: ProfileStore, name: str, region: str | None = None) -> tuple[Profile, Any]:
    """An AwsContext for a saved profile. The account pin is checked by the caller's first call
    (``app.connection.identify`` with ``expected_account=profile.account_id``)."""
    from app.aws.context import AwsContext

    profile = store.get(name)
    if profile.keyed:
        secret, token = store.secret(name)
        return profile, AwsContext.from_keys(profile.access_key_id, secret, token, region=region or profile.region)
    return profile, AwsContext.from_aws_profile(profile.aws_profile, region or profile.region)


__all__ = ["Profile", "ProfileStore", "ProfileProblem", "KeyringUnavailable", "connect", "validate"]
