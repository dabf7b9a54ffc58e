"""Connection profiles in the OS keyring (SPEC §3).

A profile is a name, a pinned account ID, a default region and one credential source: a
profile of the AWS shared config, an access key whose secret lives only in the keyring, or an
IAM Identity Center role signed in from the wizard, whose refresh material (refresh token and
client registration) lives only in the keyring.
Entries are small (Windows caps one near 1,250 characters): ``index`` lists the names, then one
entry per profile's fields and one per secret; a session token, which can be longer than one
entry holds, is split over numbered entries. No entry is ever written longer than ``ENTRY_MAX``.
The index is read before anything is written (a damaged index stops ``add`` with nothing
written); writes go secret → fields → index, so a crash leaves at worst an unlisted entry, and a
corrupt entry spoils only its own profile.

Threading: keyring calls may block (D-Bus); call from a worker thread in the UI.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from app.account_id import is_account_id, read_typed
from app.errors import InvalidInput, RootwardenError
from app.keyring_access import SERVICE, KeyringUnavailable, checked, translate

INDEX = "profiles/index"
NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
KEY_ID = re.compile(r"^(AKIA|ASIA)[A-Z0-9]{16}$")
SECRET = re.compile(r"^[A-Za-z0-9/+=]{40}$")
NOTES_MAX = 500
AWS_PROFILE_MAX = 128
TOKEN_PARTS_MAX = 16  # a session token (or Identity Center refresh material) of up to ~19,000 characters
ROLE = re.compile(r"^[\w+=,.@-]{1,64}$")
SSO_MATERIAL = ("refresh_token", "client_id", "client_secret")
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
    sso_start_url: str | None = None
    sso_region: str | None = None
    sso_session: str | None = None
    sso_role: str | None = None

    @property
    def keyed(self) -> bool:
        return self.access_key_id is not None

    @property
    def identity_center(self) -> bool:
        return self.sso_start_url is not None

    @property
    def source(self) -> str:
        if self.identity_center:
            return f"IAM Identity Center role {self.sso_role} via {self.sso_start_url}"
        return f"access key {self.access_key_id}" if self.keyed else f"AWS profile {self.aws_profile}"


@dataclass(frozen=True)
class Listed:
    name: str
    profile: Profile | None
    problem: str | None = None


def known_regions() -> set[str]:
    from app.aws.partition import every_region

    return every_region()


def validate(profile: Profile, secret: str | None = None, session_token: str | None = None) -> Profile:
    if not NAME.fullmatch(profile.name):
        raise InvalidInput("Name", "use 1–64 letters, digits, '-', '_' or '.'")
    account = read_typed(profile.account_id)
    if profile.region not in known_regions():
        raise InvalidInput("Region", f"“{profile.region}” is not an AWS region")
    if [profile.aws_profile, profile.access_key_id, profile.sso_start_url].count(None) != 2:
        raise InvalidInput("Credentials", "choose one: an AWS profile, an access key or an IAM Identity Center sign-in")
    if profile.identity_center:
        _validate_identity_center(profile, secret)
    if profile.aws_profile is not None and not profile.aws_profile.strip():
        raise InvalidInput("AWS profile", "is required")
    if profile.aws_profile is not None and len(profile.aws_profile) > AWS_PROFILE_MAX:
        raise InvalidInput("AWS profile", f"must be at most {AWS_PROFILE_MAX} characters")
    if profile.access_key_id is not None:
        if not KEY_ID.fullmatch(profile.access_key_id):
            raise InvalidInput("Access key ID", "must be AKIA or ASIA followed by 16 capital letters or digits")
        if secret is None or not SECRET.fullmatch(secret):
            raise InvalidInput("Secret access key", "must be exactly 40 characters (letters, digits, / + =)")
        if profile.access_key_id.startswith("ASIA") and not session_token:
            raise InvalidInput("Session token", "is required with temporary (ASIA…) keys")
    if len(profile.notes) > NOTES_MAX:
        raise InvalidInput("Notes", f"must be at most {NOTES_MAX} characters")
    return replace(profile, account_id=account)


def _validate_identity_center(profile: Profile, material: str | None) -> None:
    from app.aws import identity_center

    checked = identity_center.portal(profile.sso_start_url or "", profile.sso_region or "", profile.sso_session)
    if checked.start_url != profile.sso_start_url:
        raise InvalidInput("Start URL", "must be the portal's full https:// address")
    if profile.sso_session is not None and not NAME.fullmatch(profile.sso_session):
        raise InvalidInput("SSO session", "use 1–64 letters, digits, '-', '_' or '.'")
    if not ROLE.fullmatch(profile.sso_role or ""):
        raise InvalidInput("Role", "is the Identity Center permission set's role name (letters, digits, +=,.@_-)")
    try:
        data = json.loads(material or "")
    except ValueError:
        data = None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) and data.get(k) for k in SSO_MATERIAL):
        raise InvalidInput("IAM Identity Center", "sign in with IAM Identity Center first: the profile keeps its refresh token")


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
        if len(value) > ENTRY_MAX:  # never rely on a backend to accept (or silently cut) a long entry
            raise InvalidInput("Profile", f"the keyring entry {key} would exceed {ENTRY_MAX} characters; shorten the notes or names")
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
        names = self.names()  # a damaged index stops here, before anything is written
        fields = json.dumps(asdict(profile))
        parts = _split((secret if profile.identity_center else session_token) or "")
        if len(fields) > ENTRY_MAX or len(parts) > TOKEN_PARTS_MAX:
            raise InvalidInput("Profile", "too long for the keyring (notes, names or the session token)")
        listed = profile.name in names
        try:
            if profile.keyed:
                self._set(f"profiles/{profile.name}/secret", secret)
                self._write_token(profile.name, parts)
            elif profile.identity_center:  # the refresh material, split like a session token
                self._delete(f"profiles/{profile.name}/secret")
                self._write_token(profile.name, parts)
            else:
                self._delete(f"profiles/{profile.name}/secret")
                self._write_token(profile.name, [])
            self._set(f"profiles/{profile.name}", fields)
            self._write_index([*names, profile.name])
        except (InvalidInput, KeyringUnavailable):
            if not listed:  # leave nothing unlisted behind
                self._delete_entries(profile.name)
            raise
        return profile

    def _write_token(self, name: str, parts: list[str]) -> None:
        for number in range(TOKEN_PARTS_MAX):
            key = f"profiles/{name}/session-token/{number}"
            if number < len(parts):
                self._set(key, parts[number])
            else:
                self._delete(key)
        self._delete(f"profiles/{name}/session-token")  # the single-entry form of earlier versions

    def _read_token(self, name: str) -> str | None:
        parts = []
        for number in range(TOKEN_PARTS_MAX):
            part = self._get(f"profiles/{name}/session-token/{number}")
            if not part:
                break
            parts.append(part)
        return "".join(parts) or self._get(f"profiles/{name}/session-token")

    def _delete_entries(self, name: str) -> None:
        for key in (f"profiles/{name}", f"profiles/{name}/secret"):
            self._delete(key)
        self._write_token(name, [])

    def update(self, old_name: str | None, profile: Profile, secret: str | None = None, session_token: str | None = None) -> Profile:
        """Save an edited profile. A keyed profile given no new secret keeps its stored one
        (read here, never handed to the UI); a renamed profile replaces the old entry."""
        if profile.keyed and secret is None and old_name and self.get(old_name).access_key_id == profile.access_key_id:
            secret, session_token = self.secret(old_name)
        if profile.identity_center and secret is None and old_name and self.get(old_name).identity_center:
            secret = self.sso_material(old_name)
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
            if not isinstance(data, dict):
                raise ValueError("not an object")
            optional = ("aws_profile", "access_key_id", "notes", "sso_start_url", "sso_region", "sso_session", "sso_role")
            text = {k: data.get(k) for k in ("name", "account_id", "region", *optional)}
            if not all(isinstance(text[k], str) for k in ("name", "account_id", "region")) or not all(
                    text[k] is None or isinstance(text[k], str) for k in optional):
                raise ValueError("a field is not text")
            profile = Profile(**{**text, "notes": text["notes"] or ""})
            if profile.identity_center and not (profile.sso_region and profile.sso_role):
                raise ValueError("Identity Center fields missing")
            if profile.name != name or not is_account_id(profile.account_id) or (profile.keyed and not KEY_ID.fullmatch(profile.access_key_id)):
                raise ValueError("fields do not fit")
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
        return secret, self._read_token(name)

    def sso_material(self, name: str) -> str:
        """The refresh material (JSON) of an Identity Center profile."""
        material = self._read_token(name)
        if not material:
            raise ProfileProblem(f"The Identity Center sign-in of profile “{name}” is missing from the keyring. "
                                 "Sign in with IAM Identity Center again and save the profile.")
        return material

    def save_sso_material(self, name: str, material: str) -> None:
        """Replace the refresh material after Identity Center rotated the refresh token."""
        parts = _split(material)
        if len(parts) > TOKEN_PARTS_MAX:
            raise InvalidInput("IAM Identity Center", "the refresh material is too long for the keyring")
        previous = _split(self._read_token(name) or "")
        try:
            self._write_token(name, parts)
        except Exception:
            try:  # never leave a mix of old and new parts: put the previous material back whole
                self._write_token(name, previous)
            except Exception:
                pass  # the keyring refuses everything now; the caller reports the first failure
            raise

    def remove(self, name: str) -> None:
        names = self.names()
        if name not in names:
            raise ProfileProblem(f"No saved profile named “{name}”.")
        self._write_index([n for n in names if n != name])
        self._delete_entries(name)


def _split(text: str, size: int = ENTRY_MAX) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def connect(store: ProfileStore, name: str, region: str | None = None, mfa_code: Any = None) -> tuple[Profile, Any]:
    """An AwsContext for a saved profile. The account pin is checked by the caller's first call
    (``app.connection.identify`` with ``expected_account=profile.account_id``). ``mfa_code``
    answers a shared-config profile that assumes a role with MFA (``app.aws.sessions``)."""
    from app.aws.context import AwsContext

    profile = store.get(name)
    if profile.identity_center:
        return profile, _identity_center_context(store, profile, region)
    if profile.keyed:
        secret, token = store.secret(name)
        return profile, AwsContext.from_keys(profile.access_key_id, secret, token, region=region or profile.region)
    return profile, AwsContext.from_aws_profile(profile.aws_profile, region or profile.region, mfa_code=mfa_code)


def sso_material(token: Any) -> str:
    """The part of an Identity Center token a saved profile keeps: what renews it."""
    return json.dumps({"refresh_token": token.refresh_token or "", "client_id": token.client_id,
                       "client_secret": token.client_secret,
                       "registration_expires_at": token.registration_expires_at.isoformat() if token.registration_expires_at else None})


def _identity_center_context(store: ProfileStore, profile: Profile, region: str | None) -> Any:
    """Renew the saved sign-in (CreateToken with the refresh token), keep a rotated refresh
    token, and get the role's credentials."""
    import datetime

    from app.aws import identity_center as ic

    try:
        data = json.loads(store.sso_material(profile.name))
        saved = ic.Token("", datetime.datetime.now(datetime.timezone.utc), data["refresh_token"], data["client_id"],
                         data["client_secret"])
    except (ValueError, KeyError, TypeError):
        raise ProfileProblem(f"The Identity Center sign-in of profile “{profile.name}” is damaged in the keyring. "
                             "Sign in with IAM Identity Center again and save the profile.") from None
    where = ic.Portal(profile.sso_start_url or "", profile.sso_region or "", profile.sso_session)
    token = ic.refresh(where, saved)
    unsaved = None
    if token.refresh_token and token.refresh_token != saved.refresh_token:
        try:
            store.save_sso_material(profile.name, sso_material(token))
        except RootwardenError as error:  # connect anyway: this sign-in works; say what may happen next time
            unsaved = str(error)
    aws = ic.role_context(where, token, profile.account_id, profile.sso_role or "", region or profile.region)
    if unsaved:
        aws.notices.append(f"IAM Identity Center renewed the sign-in of profile “{profile.name}”, but the renewed sign-in "
                           f"could not be saved in the keyring: {unsaved} If the next connection with this profile fails, "
                           "sign in with IAM Identity Center again and save the profile.")
    return aws


__all__ = ["Profile", "ProfileStore", "ProfileProblem", "KeyringUnavailable", "connect", "validate"]
