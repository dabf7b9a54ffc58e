"""Read one member account's root credentials through ``sts:AssumeRoot`` (SPEC §12).

``MemberAuditor`` opens its sessions through ``RootSessionOpener``, which owns the management
account's STS client: always a **regional** endpoint
(AssumeRoot is not served by the global one) and no botocore retries, so throttling reaches the
worker pool, which slows down instead of hammering. ``audit(account_id)`` opens a root session
with the ``IAMAuditRootUserCredentials`` task policy for ``duration`` seconds (≤ 900), makes the
calls the policy allows without a UserName, and returns ``RootFacts``. The session's secret key
and token stay in local variables and the clients made from them; they are never stored, logged
or put into a message — only the session's access key ID is kept (CloudTrail shows it).

Failures: ``Throttled`` (the pool retries later), or ``MemberUnreachable`` with a reason code.
Nothing is judged from part of an account: the first failed call ends its audit.

Threading: ``audit`` may be called from many threads at once; sessions are opened by a shared
``RootSessionOpener`` (the deletion of root credentials opens its own through the same one).
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from app.errors import Throttled
from app.model import Reason

TASK_POLICY = "IAMAuditRootUserCredentials"
MAX_DURATION = 900
SUMMARY_FLAGS = ("AccountPasswordPresent", "AccountMFAEnabled", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent")
# AWS's documented access-denied context for a service control policy ("… with an explicit deny
# in a service control policy: <ARN>"): the one place a message's structure is read.
_SCP_DENY = re.compile(r"explicit deny in a service control policy(?::\s*(arn:[\w+=,.@/:-]+))?")
_THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"}
_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}
SCP_EXEMPTION = 'add the condition "Null": {"aws:AssumedRoot": "true"} to the SCP\'s deny-root statement'


class MemberUnreachable(Exception):
    """A member account could not be audited. ``reason`` is a ``Reason``; the message names
    the call (IAM action) and holds no secret."""

    def __init__(self, reason: Reason, message: str, evidence: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.evidence = evidence or {}


@dataclass(frozen=True)
class RootKey:
    access_key_id: str
    active: bool
    last_used: datetime | None = None


@dataclass(frozen=True)
class RootSessionInfo:
    """What an auditor needs to match the session in CloudTrail. No secret."""

    account_id: str
    task_policy_arn: str
    region: str
    started_at: datetime
    access_key_id: str


@dataclass(frozen=True)
class RootFacts:
    """A member root user's credentials, read in one root session."""

    summary: dict[str, int]
    password: bool
    password_last_used: datetime | None
    access_keys: tuple[RootKey, ...]
    mfa_devices: tuple[str, ...]
    signing_certificates: tuple[str, ...]
    session: RootSessionInfo
    calls: int = field(default=0, compare=False)


class RootSessionOpener:
    """Opens ``sts:AssumeRoot`` sessions into member accounts, for any root-task policy.

    Owns the management account's STS client: always a **regional** endpoint (AssumeRoot is not
    served by the global one) and no botocore retries, so throttling reaches the worker pool.
    ``open(account_id, task)`` returns the session's description (no secret) and an IAM client
    signed with its credentials, which exist nowhere else. Safe from many threads: client
    creation is serialized on a lock because a boto3 session is not thread-safe.
    """

    def __init__(self, context: Any, region: str | None = None, *, duration: int = MAX_DURATION) -> None:
        if not 0 < duration <= MAX_DURATION:
            raise ValueError(f"duration must be 1–{MAX_DURATION} seconds")
        from botocore.config import Config

        self._boto = context.session
        self.region = region or context.region
        self.duration = duration
        self._config = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=5, read_timeout=15,
                              user_agent_appid="rootwarden")
        self._lock = threading.Lock()
        self._sts = self._regional_sts()
        self.partition = self._sts.meta.partition or "aws"

    def task_policy_arn(self, task: str) -> str:
        return f"arn:{self.partition}:iam::aws:policy/root-task/{task}"

    def _regional_sts(self) -> Any:
        """STS on the region's own endpoint, even where the user's settings pick the global one."""
        from urllib.parse import urlsplit

        with self._lock:
            client = self._boto.client("sts", region_name=self.region, config=self._config)
            host = urlsplit(client.meta.endpoint_url).hostname or ""
            if host in ("sts.amazonaws.com", "sts.amazonaws.com.cn"):
                url = client.meta.endpoint_url.replace("://sts.", f"://sts.{self.region}.", 1)
                client = self._boto.client("sts", region_name=self.region, config=self._config, endpoint_url=url)
            return client

    @property
    def sts_endpoint(self) -> str:
        return str(self._sts.meta.endpoint_url)

    def open(self, account_id: str, task: str) -> tuple[RootSessionInfo, Any]:
        """AssumeRoot into ``account_id`` with the root-task policy ``task``; returns the
        session's description and an IAM client signed with its credentials."""
        started = datetime.now(timezone.utc)
        arn = self.task_policy_arn(task)
        response = call(self._sts, "sts", "AssumeRoot", TargetPrincipal=account_id, TaskPolicyArn={"arn": arn},
                        DurationSeconds=self.duration)
        credentials = response.get("Credentials")
        if not isinstance(credentials, dict) or not all(isinstance(credentials.get(k), str) and credentials.get(k)
                                                       for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")):
            raise MemberUnreachable(Reason.MALFORMED_RESPONSE, "sts:AssumeRoot answered without complete credentials.",
                                    {"action": "sts:AssumeRoot"})
        with self._lock:
            iam = self._boto.client("iam", region_name=self.region, config=self._config,
                                    aws_access_key_id=credentials["AccessKeyId"],
                                    aws_secret_access_key=credentials["SecretAccessKey"],
                                    aws_session_token=credentials["SessionToken"])
        return RootSessionInfo(account_id, arn, self.region, started, credentials["AccessKeyId"]), iam


def confirm_account(user: Any, account_id: str) -> None:
    """The root session's own identity (``iam:GetUser`` without UserName) must be the target's
    root user: a session that acts in another account (a confused endpoint, a proxy, a bug)
    is never judged — nor changed — as the target. Raises ``MemberUnreachable``."""
    arn = user.get("Arn") if isinstance(user, dict) else None
    parts = arn.split(":") if isinstance(arn, str) else []
    if len(parts) != 6 or parts[2] != "iam" or parts[5] != "root" or parts[4] != account_id:
        raise MemberUnreachable(Reason.MALFORMED_RESPONSE, f"The root session opened for {account_id} is not that account's "
                                "root user (iam:GetUser names another identity): nothing was judged or changed in it.",
                                {"action": "iam:GetUser", "identity": str(arn)[:200] if arn else None})


def check_session_account(iam: Any, account_id: str) -> None:
    """``confirm_account`` with one iam:GetUser call (allowed by every root-task policy that can change anything)."""
    confirm_account(call(iam, "iam", "GetUser").get("User"), account_id)


class MemberAuditor:
    """Audits member accounts' root users from the management account's ``AwsContext``.
    ``sessions`` may be shared with other root tasks (the deletion re-audits through it)."""

    def __init__(self, context: Any, region: str | None = None, *, duration: int = MAX_DURATION,
                 deadline: float = 60.0, sessions: RootSessionOpener | None = None) -> None:
        self.sessions = sessions or RootSessionOpener(context, region, duration=duration)
        self.region = self.sessions.region
        self.duration = self.sessions.duration
        self.deadline = deadline
        self.task_policy_arn = self.sessions.task_policy_arn(TASK_POLICY)

    @property
    def sts_endpoint(self) -> str:
        return self.sessions.sts_endpoint

    def audit(self, account_id: str) -> RootFacts:
        started = time.monotonic()
        session_info, iam = self._open_session(account_id)
        calls = [0]

        def read(operation: str, **params: Any) -> dict[str, Any]:
            if time.monotonic() - started > self.deadline:
                raise MemberUnreachable(Reason.TIMEOUT, f"The audit of {account_id} passed its {self.deadline:g}-second deadline "
                                        f"before iam:{operation}.", {"action": f"iam:{operation}"})
            calls[0] += 1
            return call(iam, "iam", operation, **params)

        summary = _summary(read("GetAccountSummary"))
        try:
            profile = read("GetLoginProfile")
            if not isinstance(profile.get("LoginProfile"), dict):
                raise MemberUnreachable(Reason.MALFORMED_RESPONSE, "iam:GetLoginProfile answered without a LoginProfile.")
            password = True
        except NoSuchEntity:
            password = False
        keys = []
        for item in _list(read("ListAccessKeys"), "AccessKeyMetadata", "iam:ListAccessKeys"):
            key_id = _text(item, "AccessKeyId", "iam:ListAccessKeys")
            used = read("GetAccessKeyLastUsed", AccessKeyId=key_id).get("AccessKeyLastUsed") or {}
            keys.append(RootKey(key_id, item.get("Status") == "Active", used.get("LastUsedDate")))
        mfa = tuple(_text(d, "SerialNumber", "iam:ListMFADevices") for d in _list(read("ListMFADevices"), "MFADevices", "iam:ListMFADevices"))
        certificates = tuple(_text(c, "CertificateId", "iam:ListSigningCertificates")
                             for c in _list(read("ListSigningCertificates"), "Certificates", "iam:ListSigningCertificates"))
        user = read("GetUser").get("User")
        if not isinstance(user, dict):
            raise MemberUnreachable(Reason.MALFORMED_RESPONSE, "iam:GetUser answered without a User.")
        confirm_account(user, account_id)
        return RootFacts(summary, password, user.get("PasswordLastUsed"), tuple(keys), mfa, certificates, session_info, calls[0] + 1)

    def _open_session(self, account_id: str) -> tuple[RootSessionInfo, Any]:
        return self.sessions.open(account_id, TASK_POLICY)


class NoSuchEntity(Exception):
    """AWS answered NoSuchEntity: the thing is not there (a read: absent; a delete: already gone)."""


def call(client: Any, service: str, operation: str, **params: Any) -> dict[str, Any]:
    """One call; AWS's errors become ``Throttled``, ``NoSuchEntity`` or ``MemberUnreachable``."""
    from botocore import exceptions as bx

    from app.aws.errors import translate

    action = f"{service}:{operation}"
    try:
        from botocore import xform_name

        response = getattr(client, xform_name(operation))(**params)
    except bx.ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code == "NoSuchEntity":
            raise NoSuchEntity() from None
        if code in _THROTTLED:
            raise Throttled(f"AWS throttled {action}.", action, code) from None
        if code in _DENIED:
            if operation == "AssumeRoot":
                raise MemberUnreachable(Reason.ASSUME_ROOT_DENIED, f"AWS denied {action} for this account ({code}).",
                                        {"action": action, "error": code}) from None
            scp = _SCP_DENY.search(str(error.response.get("Error", {}).get("Message", "")))
            if scp:
                evidence = {"action": action, "error": code, "scp": scp.group(1) or "", "exemption": SCP_EXEMPTION}
                raise MemberUnreachable(Reason.SCP_DENIES_ROOT_SESSION, f"A service control policy denies {action} in the root "
                                        f"session ({scp.group(1) or 'its ARN not given'}). To let "
                                        f"audits through, {SCP_EXEMPTION}.", evidence) from None
            raise MemberUnreachable(Reason.DENIED, f"AWS denied {action} in the root session ({code}).",
                                    {"action": action, "error": code}) from None
        problem = translate(error, service, operation)
        raise MemberUnreachable(Reason(problem.reason), str(problem), {"action": action, "error": code}) from None
    except Exception as error:
        problem = translate(error, service, operation)
        reason = Reason.TIMEOUT if getattr(problem, "code", "") == "timeout" else Reason(problem.reason)
        raise MemberUnreachable(reason, str(problem), {"action": action}) from None
    response.pop("ResponseMetadata", None)
    return response


def _summary(response: dict[str, Any]) -> dict[str, int]:
    summary = response.get("SummaryMap")
    flags = {k: summary.get(k) for k in SUMMARY_FLAGS} if isinstance(summary, dict) else {}
    if not flags or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in flags.values()):
        raise MemberUnreachable(Reason.MALFORMED_RESPONSE, "iam:GetAccountSummary answered without the four root flags "
                                "(AccountPasswordPresent, AccountMFAEnabled, AccountAccessKeysPresent, "
                                "AccountSigningCertificatesPresent).", {"action": "iam:GetAccountSummary"})
    return {k: int(v) for k, v in flags.items()}


def _list(response: dict[str, Any], name: str, action: str) -> list[dict[str, Any]]:
    items = response.get(name)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise MemberUnreachable(Reason.MALFORMED_RESPONSE, f"{action} answered without a {name} list.", {"action": action})
    if response.get("IsTruncated"):
        raise MemberUnreachable(Reason.INCOMPLETE_LISTING, f"{action} answered a truncated listing for the root user.",
                                {"action": action})
    return items


def _text(item: dict[str, Any], name: str, action: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value:
        raise MemberUnreachable(Reason.MALFORMED_RESPONSE, f"{action} answered an item without {name}.", {"action": action})
    return value
