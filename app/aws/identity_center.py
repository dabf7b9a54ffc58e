"""Signing in to IAM Identity Center from Rootwarden itself (SPEC §3): SSO OIDC device
authorization, then an account and role the user may use, then that role's credentials.

    RegisterClient → StartDeviceAuthorization → (the user approves in a browser) → CreateToken,
    polled at AWS's interval (slow_down adds 5 s) → ListAccounts / ListAccountRoles →
    GetRoleCredentials → an ``AwsContext``.

The token and the role credentials stay in memory: nothing here writes a file, except
``write_cli_cache`` — the user's opt-in "also sign in the AWS CLI" — which writes the AWS CLI's
own token cache entry exactly as `aws sso login` would. Secrets never appear in a repr or a
message.

Threading: every function that calls AWS blocks: run it off the UI thread. ``DeviceSignIn``
is used by one worker at a time; ``cancel()`` may be called from any thread.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from app.aws.errors import connection_problem, error_code
from app.errors import ConnectionProblem, InvalidInput, RootwardenError

CLIENT_NAME = "rootwarden"
SCOPES = ["sso:account:access"]  # as `aws sso login` asks for an sso-session: it brings a refresh token
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_USER_CODE = re.compile(r"^[A-Za-z0-9-]{4,32}$")
SLOW_DOWN_STEP = 5  # seconds added to the interval on slow_down (RFC 8628 §3.5)
# An https URL: host, optional port, and a path of URL characters only (no quotes, brackets or markup).
_URL = re.compile(r"^https://[A-Za-z0-9.-]{1,253}(:\d{1,5})?(/[A-Za-z0-9._~!$&()*+,;=:@%/?#-]{0,400})?$")


class SignInCancelled(RootwardenError):
    """The user cancelled while Rootwarden waited for the browser approval."""


@dataclass(frozen=True)
class Portal:
    """Where to sign in: the AWS access portal's start URL and the Identity Center region.
    ``session_name`` is the config's ``[sso-session NAME]`` it came from, if any."""

    start_url: str
    region: str
    session_name: str | None = None

    @property
    def label(self) -> str:
        return f"{self.session_name} — {self.start_url} ({self.region})" if self.session_name else f"{self.start_url} ({self.region})"


def portal(start_url: str, region: str, session_name: str | None = None) -> Portal:
    """A validated portal from form input: an https URL (``https://`` added when left out) and a
    real region. Nothing is sent anywhere."""
    from app.aws.sessions import check_region

    url = start_url.strip()
    if url and "://" not in url:
        url = "https://" + url
    if not _URL.fullmatch(url):
        raise InvalidInput("Start URL", "expected your AWS access portal's address, like https://d-1234567890.awsapps.com/start")
    try:
        check_region(region.strip())
    except ConnectionProblem as problem:
        raise InvalidInput("Identity Center region", str(problem)) from None
    return Portal(url, region.strip(), session_name)


def portals_from_config(profiles: dict[str, dict[str, Any]] | None = None) -> list[Portal]:
    """The portals the user's AWS config names: its sso-session sections, then legacy profiles'
    own sso_start_url. Invalid entries are left out."""
    import botocore.session

    found: list[Portal] = []
    try:
        config = botocore.session.Session().full_config
    except Exception:
        return found
    candidates = [(v.get("sso_start_url"), v.get("sso_region"), name) for name, v in (config.get("sso_sessions") or {}).items()]
    candidates += [(v.get("sso_start_url"), v.get("sso_region"), None) for v in (profiles or config.get("profiles", {})).values()]
    for url, region, name in candidates:
        try:
            entry = portal(str(url or ""), str(region or ""), name)
        except InvalidInput:
            continue
        if all(entry.start_url != p.start_url or entry.session_name != p.session_name for p in found):
            found.append(entry)
    return found


@dataclass(frozen=True)
class DeviceCode:
    """What the user needs to approve the sign-in in a browser."""

    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_at: float  # time.monotonic() deadline
    interval: int


@dataclass(frozen=True)
class Token:
    """An Identity Center access token and the material to refresh it. Secret fields are kept
    out of repr; the whole object lives in memory unless the user saves the profile."""

    access_token: str = field(repr=False)
    expires_at: datetime.datetime
    refresh_token: str | None = field(repr=False, default=None)
    client_id: str = ""
    client_secret: str = field(repr=False, default="")
    registration_expires_at: datetime.datetime | None = None


@dataclass(frozen=True)
class AccountChoice:
    account_id: str
    name: str
    email: str


class DeviceSignIn:
    """One device-authorization sign-in. ``start()`` then ``wait()`` on a worker thread."""

    def __init__(self, where: Portal, sleep: Callable[[float], None] | None = None) -> None:
        self.portal = where
        self._cancelled = threading.Event()
        self._sleep = sleep or self._cancellable_sleep
        self._client: Any = None
        self._registration: dict[str, Any] = {}
        self._device: dict[str, Any] = {}

    def cancel(self) -> None:
        self._cancelled.set()

    def start(self) -> DeviceCode:
        self._client = _unsigned_client("sso-oidc", self.portal.region)
        self._registration = _call(self._client.register_client, clientName=CLIENT_NAME, clientType="public", scopes=SCOPES)
        self._device = _call(self._client.start_device_authorization, clientId=self._registration["clientId"],
                             clientSecret=self._registration["clientSecret"], startUrl=self.portal.start_url)
        return _device_code(self._device)

    def wait(self, code: DeviceCode) -> Token:
        """Poll CreateToken until the user approves, denies, the code expires or ``cancel()``."""
        interval = code.interval
        client = self._client
        while True:
            if self._cancelled.is_set():
                raise SignInCancelled("Sign-in cancelled. Nothing was saved.")
            if time.monotonic() >= code.expires_at:
                raise _expired()
            try:
                answer = client.create_token(clientId=self._registration["clientId"], clientSecret=self._registration["clientSecret"],
                                             grantType=DEVICE_GRANT, deviceCode=self._device["deviceCode"])
            except Exception as error:
                kind = error_code(error)
                if kind == "AuthorizationPendingException":
                    self._sleep(interval)
                    continue
                if kind == "SlowDownException":
                    interval = min(interval + SLOW_DOWN_STEP, 60)
                    self._sleep(interval)
                    continue
                if kind == "ExpiredTokenException":
                    raise _expired() from None
                if kind == "AccessDeniedException":
                    raise ConnectionProblem("The sign-in was denied in the browser. Start again if that was a mistake.",
                                            "sso-denied") from None
                raise _problem(error) from None
            return _token(answer, self._registration)

    def _cancellable_sleep(self, seconds: float) -> None:
        self._cancelled.wait(seconds)


def refresh(where: Portal, token: Token) -> Token:
    """A new access token from the refresh material (a saved profile's way back in)."""
    if not token.refresh_token:
        raise ConnectionProblem("This Identity Center sign-in cannot be renewed. Sign in again.", "sso-expired")
    client = _unsigned_client("sso-oidc", where.region)
    try:
        answer = client.create_token(clientId=token.client_id, clientSecret=token.client_secret, grantType="refresh_token",
                                     refreshToken=token.refresh_token)
    except Exception as error:
        if error_code(error) in {"InvalidGrantException", "InvalidClientException", "ExpiredTokenException", "UnauthorizedClientException"}:
            raise ConnectionProblem("The saved IAM Identity Center sign-in has expired. Sign in with IAM Identity Center again.",
                                    "sso-expired") from None
        raise _problem(error) from None
    renewed = _token(answer, {"clientId": token.client_id, "clientSecret": token.client_secret})
    return Token(renewed.access_token, renewed.expires_at, renewed.refresh_token or token.refresh_token, token.client_id,
                 token.client_secret, token.registration_expires_at)


def accounts(where: Portal, token: Token) -> list[AccountChoice]:
    """The accounts the signed-in user may use, by name."""
    client = _unsigned_client("sso", where.region)
    found: list[AccountChoice] = []
    for page in _pages(client, "list_accounts", accessToken=token.access_token):
        for item in page.get("accountList") or []:
            found.append(AccountChoice(str(item.get("accountId", "")), str(item.get("accountName") or ""),
                                       str(item.get("emailAddress") or "")))
    return sorted(found, key=lambda a: (a.name.lower(), a.account_id))


def roles(where: Portal, token: Token, account_id: str) -> list[str]:
    client = _unsigned_client("sso", where.region)
    names = [str(item.get("roleName", "")) for page in _pages(client, "list_account_roles", accessToken=token.access_token,
                                                                  accountId=account_id) for item in page.get("roleList") or []]
    return sorted(n for n in names if n)


def role_context(where: Portal, token: Token, account_id: str, role: str, region: str | None = None) -> Any:
    """An ``AwsContext`` with the role's short-term credentials (held in memory only)."""
    from app.aws.context import AwsContext

    client = _unsigned_client("sso", where.region)
    answer = _call(client.get_role_credentials, roleName=role, accountId=account_id, accessToken=token.access_token)
    creds = answer.get("roleCredentials") or {}
    if not all(creds.get(k) for k in ("accessKeyId", "secretAccessKey", "sessionToken")):
        raise ConnectionProblem("IAM Identity Center answered without role credentials. Try again.", "sso-malformed")
    return AwsContext.from_keys(creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"], region=region or where.region)


def cli_cache_path(where: Portal) -> Path:
    """The file `aws sso login` keeps this portal's token in (botocore's SSOTokenLoader key)."""
    key = hashlib.sha1((where.session_name or where.start_url).encode("utf-8")).hexdigest()
    return Path(os.path.expanduser("~")) / ".aws" / "sso" / "cache" / f"{key}.json"


def write_cli_cache(where: Portal, token: Token) -> Path:
    """The user's opt-in: sign the AWS CLI in too, by writing its token cache entry (owner-only,
    replaced atomically), in the fields and formats the AWS CLI writes."""
    path = cli_cache_path(where)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    entry: dict[str, Any] = {"startUrl": where.start_url, "region": where.region, "accessToken": token.access_token,
                             "expiresAt": _utc(token.expires_at)}
    if where.session_name:
        entry.update(clientId=token.client_id, clientSecret=token.client_secret)
        if token.registration_expires_at:
            entry["registrationExpiresAt"] = _utc(token.registration_expires_at)
        if token.refresh_token:
            entry["refreshToken"] = token.refresh_token
    import tempfile

    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".rootwarden-", suffix=".tmp")  # 0600, new file
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(entry, handle)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


# -- helpers -----------------------------------------------------------------------------------

def _unsigned_client(service: str, region: str) -> Any:
    """Identity Center's OIDC and portal APIs take no AWS signature (the token is the proof)."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    from app.aws.context import client_config, settings_session

    return boto3.session.Session(botocore_session=settings_session()).client(
        service, region_name=region, config=client_config().merge(Config(signature_version=UNSIGNED)))


def _call(method: Callable[..., dict[str, Any]], **params: Any) -> dict[str, Any]:
    try:
        return method(**params)
    except Exception as error:
        raise _problem(error) from None


def _pages(client: Any, operation: str, **params: Any) -> list[dict[str, Any]]:
    try:
        return list(client.get_paginator(operation).paginate(**params, PaginationConfig={"MaxItems": 5000}))
    except Exception as error:
        raise _problem(error) from None


def _problem(error: Exception) -> RootwardenError:
    kind = error_code(error)
    if kind in {"UnauthorizedException", "ExpiredTokenException", "InvalidGrantException"}:
        return ConnectionProblem("The IAM Identity Center sign-in has expired. Sign in again.", "sso-expired")
    if kind == "ForbiddenException":
        return ConnectionProblem("IAM Identity Center does not let this user use that account and role.", "sso-role-not-assigned")
    if kind in {"InvalidRequestException", "InvalidClientException", "UnauthorizedClientException", "InvalidScopeException"}:
        return ConnectionProblem(f"IAM Identity Center refused the sign-in request ({kind}). Check the start URL and that the "
                                 "region is the one your Identity Center instance is in.", "sso-refused")
    if kind is not None:
        return ConnectionProblem(f"IAM Identity Center answered {kind}. Try again in a minute.", "sso-failed")
    return connection_problem(error) or ConnectionProblem(
        f"IAM Identity Center could not be reached ({type(error).__name__}). Check the start URL's region and your network.",
        "sso-failed")


def _device_code(device: dict[str, Any]) -> DeviceCode:
    """What StartDeviceAuthorization answered, checked before the user is shown or sent anywhere:
    https pages only (the browser opens it), a short plain code, sane timings."""
    uri, complete, code = device.get("verificationUri"), device.get("verificationUriComplete") or device.get("verificationUri"), device.get("userCode")
    if not (isinstance(uri, str) and _URL.fullmatch(uri) and isinstance(complete, str) and _URL.fullmatch(complete)
            and isinstance(code, str) and _USER_CODE.fullmatch(code) and device.get("deviceCode")):
        raise ConnectionProblem("IAM Identity Center answered the sign-in request with something that is not a sign-in page "
                                "and code. Try again; if it persists, check endpoint overrides and proxies.", "sso-malformed")
    expires = _bounded(device.get("expiresIn"), 600, 1, 3600)
    interval = _bounded(device.get("interval"), 5, 1, 60)
    return DeviceCode(code, uri, complete, time.monotonic() + expires, interval)


REGISTRATION_MAX = 10 * 366 * 86400  # seconds: a client registration ending later than this is not believed


def _bounded(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(high, max(low, number))


def _expired() -> ConnectionProblem:
    return ConnectionProblem("The sign-in code expired before it was approved. Start the sign-in again.", "sso-code-expired")


def _token(answer: dict[str, Any], registration: dict[str, Any]) -> Token:
    """The token from a CreateToken answer; lifetimes no clock can hold are bounded (a token
    lives 1 minute to 1 day; a registration end outside the next ten years is unknown)."""
    if not answer.get("accessToken"):
        raise ConnectionProblem("IAM Identity Center answered without a token. Sign in again.", "sso-malformed")
    now = datetime.datetime.now(datetime.timezone.utc)
    expires = now + datetime.timedelta(seconds=_bounded(answer.get("expiresIn"), 3600, 60, 86400))
    registered_until = _bounded(registration.get("clientSecretExpiresAt"), 0, 0, 2**62)
    believable = now.timestamp() < registered_until <= now.timestamp() + REGISTRATION_MAX
    return Token(str(answer["accessToken"]), expires, answer.get("refreshToken"), str(registration.get("clientId", "")),
                 str(registration.get("clientSecret", "")),
                 datetime.datetime.fromtimestamp(registered_until, datetime.timezone.utc) if believable else None)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
