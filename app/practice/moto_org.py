"""The organization-mode gaps of moto 5.2.5, filled in the same way as ``moto_gaps`` (SPEC §12).

- ``sts:AssumeRoot`` on a regional STS endpoint (the global endpoint answers ``InvalidAction``):
  the management account gets credentials that act as a member account's root user, recorded
  in ``moto_gaps`` as a ``RootSession``;
- every request signed with such credentials is checked first against its task policy (an
  action the policy does not allow is ``AccessDenied`` naming the action, as AWS's session-policy
  denial does) and then against the SCPs attached to the member account (a statement that denies
  root without the ``Null aws:AssumedRoot`` exemption is ``AccessDenied`` with an explicit deny
  naming the SCP);
- the member root user's IAM calls without ``UserName`` in that session: GetLoginProfile
  (``NoSuchEntity`` without a password), ListMFADevices, ListSigningCertificates, GetUser (with
  PasswordLastUsed), GetAccessKeyLastUsed;
- ``organizations:ListAccounts`` in pages of at most 20 (``MaxResults`` 1–20), with one empty page
  that still carries a ``NextToken``;
- per-account faults: AssumeRoot throttled the first N times, and latency on every call.

Every hand-written response goes through ``moto_gaps.validated``. State lives in ``moto_gaps``
(root users, sessions) and here (faults), under one lock; ``reset()`` clears the faults.
"""
from __future__ import annotations

import base64
import fnmatch
import json
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from app.practice import moto_gaps, moto_org_admin, moto_org_contacts, moto_org_delete

_READS = frozenset({"ListAccessKeys", "ListSigningCertificates", "GetLoginProfile", "ListMFADevices", "GetUser",
                    "GetAccessKeyLastUsed"})
# The IAM actions each root-task policy leaves allowed (AWS managed policies, as of 2025-01-07).
TASK_POLICIES: dict[str, frozenset[str]] = {
    "IAMAuditRootUserCredentials": _READS | {"GetAccountSummary"},
    "IAMDeleteRootUserCredentials": _READS | {"DeleteAccessKey", "DeleteSigningCertificate", "DeleteLoginProfile",
                                              "DeactivateMFADevice"},
    "IAMCreateRootUserPassword": frozenset({"CreateLoginProfile", "GetLoginProfile"}),
}
_TASK_POLICY_ARN = re.compile(r"^arn:([a-z0-9-]+):iam::aws:policy/root-task/([A-Za-z]+)$")
MAX_DURATION = 900
PAGE_LIMIT = 20


@dataclass
class Faults:
    """What goes wrong with one member account in the simulation."""

    throttle_assume_root: int = 0  # AssumeRoot answers ThrottlingException this many more times
    latency: float = 0.0  # seconds added to every call in the account's root session


_lock = threading.RLock()
_faults: dict[str, Faults] = {}
_installed = False


def faults(account_id: str) -> Faults:
    with _lock:
        return _faults.setdefault(account_id, Faults())


def reset() -> None:
    with _lock:
        _faults.clear()


def install() -> None:
    """Teach moto AssumeRoot, root-session enforcement and paged ListAccounts. Idempotent."""
    global _installed
    with _lock:
        if _installed:
            return
        moto_gaps.install()
        from moto.core.errors import COMMON_ERROR_CODES

        # Errors every AWS query service can answer, though few models list them: moto would warn.
        COMMON_ERROR_CODES.extend(c for c in ("AccessDenied", "Throttling", "InvalidAction", "ExpiredToken")
                                  if c not in COMMON_ERROR_CODES)
        _patch_assume_root()
        _patch_enforcement()
        _patch_root_reads()
        _patch_list_accounts()
        moto_org_admin.install()  # trusted access, delegated administrators, IAM features for the delegated admin
        moto_org_delete.install()  # the root-session deletions
        moto_org_contacts.install()  # Account Management calls with AccountId, as AWS enforces them
        _installed = True


def _service_error(code: str, message: str, status: int = 400) -> Exception:
    """An AWS error moto serializes for whichever service answers (defined outside ``moto.*``,
    so moto looks its code up in the answering service's model only)."""
    from moto.core.exceptions import ServiceException

    class PracticeError(ServiceException):
        pass

    error = PracticeError(code, message)
    error.http_status_code = status  # type: ignore[attr-defined]
    return error


# -- sts:AssumeRoot --------------------------------------------------------------------------------
def _patch_assume_root() -> None:
    from moto.core.responses import ActionResult
    from moto.sts.responses import TokenResponse

    def assume_root(self: Any) -> Any:
        host = (self.parsed_url.hostname or "").lower()
        if host in ("sts.amazonaws.com", "sts.amazonaws.com.cn"):
            raise _service_error("InvalidAction", "AssumeRoot is not supported on the global STS endpoint; use a regional endpoint.")
        target = str(self._get_param("TargetPrincipal") or "")
        target = target.rsplit(":", 1)[-1] if target.startswith("arn:") else target
        arn = (self._get_param("TaskPolicyArn") or {}).get("arn", "")
        duration = int(self._get_param("DurationSeconds") or MAX_DURATION)
        match = _TASK_POLICY_ARN.match(arn)
        if not match or match.group(2) not in TASK_POLICIES:
            raise _service_error("ValidationError", "TaskPolicyArn must name an AWS managed root-task policy.")
        if not 0 < duration <= MAX_DURATION:
            raise _service_error("ValidationError", f"DurationSeconds must be at most {MAX_DURATION}.")
        _check_caller(self.current_account, target)
        with _lock:
            fault = faults(target)
            if fault.throttle_assume_root > 0:
                fault.throttle_assume_root -= 1
                raise _service_error("Throttling", "Rate exceeded")
        from moto.iam.models import iam_backends
        from moto.utilities.utils import get_partition

        key = iam_backends[target][get_partition(self.region)].create_temp_access_key()
        expires = datetime.now(timezone.utc) + timedelta(seconds=duration)
        moto_gaps.add_root_session(key.access_key_id, moto_gaps.RootSession(target, match.group(2), expires))
        token = base64.b64encode(f"rootwarden-practice-root-session/{key.access_key_id}".encode()).decode() * 3
        result = {"Credentials": {"AccessKeyId": key.access_key_id, "SecretAccessKey": key.secret_access_key,
                                  "SessionToken": token, "Expiration": expires}}
        return ActionResult(moto_gaps.validated("sts", "AssumeRoot", result))

    TokenResponse.assume_root = assume_root


def _check_caller(caller: str, target: str) -> None:
    """The caller must manage an organization with RootSessions enabled that ``target`` is a
    member of (not the management account itself), as AWS requires."""
    backend = moto_gaps.org_backend_of(caller)
    if backend is None or backend.org.master_account_id != caller:
        raise _service_error("AccessDenied", f"The account {caller} is not the management account of an organization.", 403)
    if target == caller or not any(a.id == target for a in backend.accounts):
        raise _service_error("AccessDenied", f"The account {target} is not a member account of this organization.", 403)
    if "RootSessions" not in moto_gaps.extras(caller).org_features:
        raise _service_error("AccessDenied", "Privileged root actions (RootSessions) are not enabled for the organization.", 403)




# -- enforcement in a root session -----------------------------------------------------------------
def _patch_enforcement() -> None:
    from moto.core.responses import ActionResult, BaseResponse

    original = BaseResponse.call_action

    def call_action(self: Any) -> Any:
        session = moto_gaps.root_session(getattr(self, "access_key", "") or "")
        if session is None:
            return original(self)
        action = f"{self.service_name}:{self._get_action()}"
        latency = faults(session.account_id).latency
        if latency:
            time.sleep(latency)
        problem = _refusal(session, action)
        if problem is None:
            return original(self)
        status, headers, body = self.serialized(ActionResult(problem))
        return status, headers, body

    BaseResponse.call_action = call_action


def _refusal(session: moto_gaps.RootSession, action: str) -> Exception | None:
    """Why AWS would refuse ``action`` in this root session, or None."""
    who = f"arn:aws:sts::{session.account_id}:root"
    if action == "sts:GetCallerIdentity":
        return None  # needs no permission
    if session.expires <= datetime.now(timezone.utc):
        return _service_error("ExpiredToken", "The security token included in the request is expired", 400)
    service, _, name = action.partition(":")
    if service != "iam" or name not in TASK_POLICIES.get(session.task_policy, frozenset()):
        return _service_error("AccessDenied", f"User: {who} is not authorized to perform: {action} on resource: "
                              f"arn:aws:iam::{session.account_id}:root because no session policy allows the {action} action", 403)
    scp = denying_scp(session.account_id, action)
    if scp is not None:
        return _service_error("AccessDenied", f"User: {who} is not authorized to perform: {action} on resource: "
                              f"arn:aws:iam::{session.account_id}:root with an explicit deny in a service control policy: {scp}", 403)
    return None


def denying_scp(account_id: str, action: str) -> str | None:
    """The ARN of an SCP attached to ``account_id`` that denies ``action`` to its root user in a
    root session. Understood: Deny statements whose Action matches and whose conditions are
    ``StringLike``/``ArnLike`` on ``aws:PrincipalArn`` and ``Null`` on ``aws:AssumedRoot``."""
    backend = moto_gaps.org_backend_of(account_id)
    account = next((a for a in backend.accounts if a.id == account_id), None) if backend else None
    for policy in getattr(account, "attached_policies", []) or []:
        if policy.type != "SERVICE_CONTROL_POLICY":
            continue
        document = json.loads(policy.content)
        statements = document.get("Statement", [])
        for statement in statements if isinstance(statements, list) else [statements]:
            if statement.get("Effect") == "Deny" and _matches(statement, account_id, action):
                return policy.arn
    return None


def _matches(statement: dict[str, Any], account_id: str, action: str) -> bool:
    actions = statement.get("Action", [])
    actions = [actions] if isinstance(actions, str) else actions
    if not any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions):
        return False
    root_arn = f"arn:aws:iam::{account_id}:root"
    for operator, tests in (statement.get("Condition") or {}).items():
        for key, wanted in tests.items():
            values = [wanted] if isinstance(wanted, str) else list(wanted)
            if operator in ("StringLike", "ArnLike") and key == "aws:PrincipalArn":
                if not any(fnmatch.fnmatchcase(root_arn, v) for v in values):
                    return False
            elif operator == "Null" and key == "aws:AssumedRoot":
                if "true" in [str(v).lower() for v in values]:  # "only when not an assumed root": exempts the session
                    return False
            else:
                return False  # a condition this simulation does not evaluate: the statement does not apply
    return True


# -- the member root user's reads in a root session ------------------------------------------------
def _patch_root_reads() -> None:
    from moto.core.responses import ActionResult
    from moto.iam.exceptions import NoSuchEntity
    from moto.iam.responses import IamResponse

    def wrap(name: str, own: Any) -> None:
        original = getattr(IamResponse, name)

        def method(self: Any) -> Any:
            session = None if self._get_param("UserName") else moto_gaps.root_session(self.get_access_key())
            return original(self) if session is None else own(self, session.account_id, moto_gaps.extras(session.account_id).root)

        setattr(IamResponse, name, method)

    def get_login_profile(self: Any, account: str, root: moto_gaps.RootUser) -> Any:
        if not root.password:
            raise NoSuchEntity("Login profile for the root user cannot be found.")
        result = {"LoginProfile": {"UserName": account, "CreateDate": root.created, "PasswordResetRequired": False}}
        return ActionResult(moto_gaps.validated("iam", "GetLoginProfile", result))

    def list_mfa_devices(self: Any, account: str, root: moto_gaps.RootUser) -> Any:
        devices = [{"UserName": account, "SerialNumber": f"arn:aws:iam::{account}:mfa/root-account-mfa-device",
                    "EnableDate": root.created}] if root.mfa_active else []
        return ActionResult(moto_gaps.validated("iam", "ListMFADevices", {"MFADevices": devices, "IsTruncated": False}))

    def list_signing_certificates(self: Any, account: str, root: moto_gaps.RootUser) -> Any:
        certificates = [{"UserName": account, "CertificateId": f"ROOTCERT{account}{n:04d}",
                         "CertificateBody": "-----BEGIN CERTIFICATE-----\npractice\n-----END CERTIFICATE-----",
                         "Status": "Active", "UploadDate": root.created} for n in range(root.signing_certificates)]
        return ActionResult(moto_gaps.validated("iam", "ListSigningCertificates",
                                                {"Certificates": certificates, "IsTruncated": False}))

    def get_user(self: Any, account: str, root: moto_gaps.RootUser) -> Any:
        # AWS names root by the account ID; botocore's shape wants 16+ characters for UserId.
        user: dict[str, Any] = {"Path": "/", "UserName": account, "UserId": f"ROOT{account}", "Arn": f"arn:aws:iam::{account}:root",
                                "CreateDate": root.created}
        if root.password and root.password_last_used:
            user["PasswordLastUsed"] = root.password_last_used
        return ActionResult(moto_gaps.validated("iam", "GetUser", {"User": user}))

    def get_access_key_last_used(self: Any, account: str, root: moto_gaps.RootUser) -> Any:
        key = next((k for k in root.access_keys if k.access_key_id == self._get_param("AccessKeyId")), None)
        if key is None:
            raise NoSuchEntity("The access key cannot be found.")
        used: dict[str, Any] = {"ServiceName": key.last_used_service, "Region": key.last_used_region}
        if key.last_used:
            used["LastUsedDate"] = key.last_used
        return ActionResult(moto_gaps.validated("iam", "GetAccessKeyLastUsed", {"UserName": account, "AccessKeyLastUsed": used}))

    wrap("get_login_profile", get_login_profile)
    wrap("list_mfa_devices", list_mfa_devices)
    wrap("list_signing_certificates", list_signing_certificates)
    wrap("get_user", get_user)
    # GetAccessKeyLastUsed names no user: the key decides, whoever asks.
    original_last_used = IamResponse.get_access_key_last_used

    def last_used(self: Any) -> Any:
        owner = moto_gaps.root_key_owner(self._get_param("AccessKeyId") or "")
        if owner is None:
            return original_last_used(self)
        return get_access_key_last_used(self, owner, moto_gaps.extras(owner).root)

    IamResponse.get_access_key_last_used = last_used


# -- organizations:ListAccounts in pages of at most 20 ---------------------------------------------
def _patch_list_accounts() -> None:
    from moto.organizations.responses import OrganizationsResponse

    def list_accounts(self: Any) -> str:
        size = self._get_int_param("MaxResults") or PAGE_LIMIT
        if not 1 <= size <= PAGE_LIMIT:
            raise _service_error("InvalidInputException", f"MaxResults must be between 1 and {PAGE_LIMIT}.")
        offset, empty_shown = _read_token(self._get_param("NextToken"))
        accounts = sorted(self.organizations_backend.accounts, key=lambda a: (a.create_time, a.id))
        if offset == PAGE_LIMIT and not empty_shown:  # AWS may answer a page with no accounts but a token
            page, after, empty_shown = [], offset, True
        else:
            page, after = accounts[offset:offset + size], offset + size
        result: dict[str, Any] = {"Accounts": [_described(a) for a in page]}
        if after < len(accounts):
            result["NextToken"] = _token(after, empty_shown)
        moto_gaps.validated("organizations", "ListAccounts", result)
        for account in result["Accounts"]:
            account["JoinedTimestamp"] = account["JoinedTimestamp"].timestamp()
        return json.dumps(result)

    OrganizationsResponse.list_accounts = list_accounts


def _described(account: Any) -> dict[str, Any]:
    data = account.describe()
    data["JoinedTimestamp"] = account.create_time.replace(tzinfo=account.create_time.tzinfo or timezone.utc)
    return data


def _token(offset: int, empty_shown: bool) -> str:
    return base64.urlsafe_b64encode(json.dumps([offset, empty_shown]).encode()).decode()


def _read_token(token: str | None) -> tuple[int, bool]:
    if not token:
        return 0, False
    try:
        offset, empty_shown = json.loads(base64.urlsafe_b64decode(token.encode()))
        return int(offset), bool(empty_shown)
    except (ValueError, TypeError):
        raise _service_error("InvalidInputException", "The NextToken is not valid.") from None
