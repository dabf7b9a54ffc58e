"""What moto does not simulate, added to moto itself in one place: the root user and a few APIs.

This is the project's single gap-filler, used by the practice account and by the tests alike.
It works by giving moto's own backends and response classes what they lack, so it serves the
in-process mock (``mock_aws``) and a moto server on 127.0.0.1 the same way:

- the root user: a ``<root_account>`` row in the credential report, the root flags of
  GetAccountSummary (AccountMFAEnabled, AccountAccessKeysPresent,
  AccountSigningCertificatesPresent, AccountPasswordPresent), root access keys that GetCallerIdentity recognises and
  that root can list, deactivate and delete (the key calls without UserName);
- ``iam:ListOrganizationsFeatures`` and the two ``Enable...`` calls, from moto's organizations
  state plus the features enabled here, and ``iam.amazonaws.com`` as a trusted-access principal;
- ``cloudtrail:LookupEvents`` over the root events recorded here;
- no IAM Identity Center instance unless one is enabled here (moto makes one for every account);
- e-mail subscriptions that stay ``PendingConfirmation`` until confirmed here (moto confirms at once).
- the root sessions ``sts:AssumeRoot`` hands out (``RootSession``): their keys act as the member's
  root user here; ``app.practice.moto_org`` adds AssumeRoot itself and the rest of organization mode.

``TestEventPattern`` is left as moto has it (an empty answer), which is how the checks meet an
EventBridge that does not answer: they fall back to the local matcher.

Every hand-written response is checked against botocore's output shape before it is returned.
State lives in a module-level registry keyed by account ID, like moto's own backends;
``reset()`` clears it. Thread-safe under one lock.
"""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

ROOT_ROW_FIELDS = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
).split(",")


@dataclass
class RootKey:
    access_key_id: str
    active: bool = True
    created: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    last_used: datetime | None = None
    last_used_region: str = "N/A"
    last_used_service: str = "N/A"


@dataclass
class RootUser:
    """The simulated root user. ``password`` False models root credentials removed centrally."""

    created: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    password: bool = True
    password_last_used: datetime | None = None
    mfa_active: bool = False
    access_keys: list[RootKey] = field(default_factory=list)
    signing_certificates: int = 0


@dataclass
class AccountExtras:
    root: RootUser = field(default_factory=RootUser)
    org_features: set[str] = field(default_factory=set)
    root_events: list[dict[str, Any]] = field(default_factory=list)
    pending_subscriptions: set[str] = field(default_factory=set)
    # moto gives every account an Identity Center instance; a real new account has none.
    identity_center: bool = False


@dataclass(frozen=True)
class RootSession:
    """Credentials sts:AssumeRoot issued: they act as ``account_id``'s root user, limited by the
    task policy ``task_policy`` (its name, e.g. ``IAMAuditRootUserCredentials``) until ``expires``."""

    account_id: str
    task_policy: str
    expires: datetime


_lock = threading.RLock()
_accounts: dict[str, AccountExtras] = {}
_root_sessions: dict[str, RootSession] = {}  # access key ID → session
_installed = False


def extras(account_id: str) -> AccountExtras:
    with _lock:
        return _accounts.setdefault(account_id, AccountExtras())


def reset() -> None:
    with _lock:
        _accounts.clear()
        _root_sessions.clear()


def add_root_session(access_key_id: str, session: RootSession) -> None:
    with _lock:
        _root_sessions[access_key_id] = session


def root_session(access_key_id: str) -> RootSession | None:
    """The AssumeRoot session these credentials belong to, if any."""
    with _lock:
        return _root_sessions.get(access_key_id)


# -- validation -----------------------------------------------------------------------------------
def validated(service: str, operation: str, result: dict[str, Any]) -> dict[str, Any]:
    """Raise if ``result`` does not fit botocore's output shape for the operation."""
    from botocore.validate import ParamValidator

    model = _service_model(service)
    shape = model.operation_model(operation).output_shape
    report = ParamValidator().validate(result, shape)
    if report.has_errors():
        raise AssertionError(f"hand-written {service}:{operation} response does not fit botocore: {report.generate_report()}")
    return result


_models: dict[str, Any] = {}


def _service_model(service: str) -> Any:
    with _lock:
        if service not in _models:
            import botocore.session

            _models[service] = botocore.session.get_session().get_service_model(service)
        return _models[service]


# -- the root user --------------------------------------------------------------------------------
def _date(moment: datetime | None, empty: str = "N/A") -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00") if moment else empty


def root_row(account_id: str) -> str:
    root = extras(account_id).root
    row = {name: "N/A" for name in ROOT_ROW_FIELDS}
    row.update(
        user="<root_account>",
        arn=f"arn:aws:iam::{account_id}:root",
        user_creation_time=_date(root.created),
        password_enabled="not_supported" if root.password else "false",
        password_last_used=_date(root.password_last_used, "no_information") if root.password else "N/A",
        password_last_changed="not_supported",
        password_next_rotation="not_supported",
        mfa_active=str(root.mfa_active).lower(),
    )
    for slot in (1, 2):
        key = root.access_keys[slot - 1] if len(root.access_keys) >= slot else None
        prefix = f"access_key_{slot}_"
        row[prefix + "active"] = str(bool(key and key.active)).lower()
        if key:
            row[prefix + "last_rotated"] = _date(key.created)
            row[prefix + "last_used_date"] = _date(key.last_used)
            row[prefix + "last_used_region"] = key.last_used_region
            row[prefix + "last_used_service"] = key.last_used_service
    for slot in (1, 2):
        row[f"cert_{slot}_active"] = str(root.signing_certificates >= slot).lower()
    return ",".join(row[name] for name in ROOT_ROW_FIELDS) + "\n"


def root_key_owner(access_key_id: str) -> str | None:
    """The account whose root user owns this access key (or whose root an AssumeRoot session
    with this key acts as), if any."""
    with _lock:
        if access_key_id in _root_sessions:
            return _root_sessions[access_key_id].account_id
        for account_id, state in _accounts.items():
            if any(k.access_key_id == access_key_id for k in state.root.access_keys):
                return account_id
    return None


# -- install ---------------------------------------------------------------------------------------
def install() -> None:
    """Teach moto the missing pieces. Idempotent; call before the first AWS request."""
    global _installed
    with _lock:
        if _installed:
            return
        _patch_iam()
        _patch_sts()
        _patch_cloudtrail()
        _patch_sns()
        _patch_ssoadmin()
        _patch_organizations()
        _installed = True


def _patch_iam() -> None:
    from moto.core.responses import ActionResult
    from moto.iam import models as iam_models
    from moto.iam.responses import IamResponse

    original_report = iam_models.IAMBackend.get_credential_report

    def get_credential_report(self: Any) -> str:
        header, _, users = original_report(self).partition("\n")
        return header + "\n" + root_row(self.account_id) + users

    iam_models.IAMBackend.get_credential_report = get_credential_report

    def get_credential_report_response(self: Any) -> Any:  # moto dates every report 2015-02-02
        import datetime

        made = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return ActionResult({"Content": self.backend.get_credential_report(), "ReportFormat": "text/csv", "GeneratedTime": made})

    IamResponse.get_credential_report = get_credential_report_response

    original_summary = iam_models.AccountSummary.summary_map.fget

    def summary_map(self: Any) -> dict[str, Any]:
        result = dict(original_summary(self))
        root = extras(self._iam_backend.account_id).root
        result["AccountMFAEnabled"] = int(root.mfa_active)
        result["AccountAccessKeysPresent"] = int(bool(root.access_keys))
        result["AccountSigningCertificatesPresent"] = int(root.signing_certificates > 0)
        result["AccountPasswordPresent"] = int(root.password)
        return result

    iam_models.AccountSummary.summary_map = property(summary_map)

    def list_organizations_features(self: Any) -> Any:
        org = _organization_for(self.current_account)
        result = {"OrganizationId": org.id, "EnabledFeatures": sorted(extras(self.current_account).org_features)}
        return ActionResult(validated("iam", "ListOrganizationsFeatures", result))

    def _enabler(feature: str, operation: str) -> Any:
        def enable(self: Any) -> Any:
            org = _organization_for(self.current_account)
            with _lock:
                extras(self.current_account).org_features.add(feature)
            result = {"OrganizationId": org.id, "EnabledFeatures": sorted(extras(self.current_account).org_features)}
            return ActionResult(validated("iam", operation, result))

        return enable

    _patch_root_access_keys(IamResponse, ActionResult)
    IamResponse.list_organizations_features = list_organizations_features
    IamResponse.enable_organizations_root_credentials_management = _enabler(
        "RootCredentialsManagement", "EnableOrganizationsRootCredentialsManagement")
    IamResponse.enable_organizations_root_sessions = _enabler("RootSessions", "EnableOrganizationsRootSessions")


def _patch_root_access_keys(IamResponse: Any, ActionResult: Any) -> None:
    """Root manages its own keys: the key calls without UserName, signed with a root key."""
    from moto.core.responses import EmptyResult

    def root_caller(self: Any) -> str | None:
        return None if self._get_param("UserName") else root_key_owner(self.get_access_key())

    def wrap(name: str, own: Any) -> None:
        original = getattr(IamResponse, name)

        def method(self: Any) -> Any:
            account = root_caller(self)
            return original(self) if account is None else own(self, extras(account).root)

        setattr(IamResponse, name, method)

    def list_keys(self: Any, root: RootUser) -> Any:
        keys = [{"AccessKeyId": k.access_key_id, "Status": "Active" if k.active else "Inactive", "CreateDate": k.created}
                for k in root.access_keys]
        return ActionResult(validated("iam", "ListAccessKeys", {"AccessKeyMetadata": keys, "IsTruncated": False}))

    def update_key(self: Any, root: RootUser) -> Any:
        with _lock:
            for key in root.access_keys:
                if key.access_key_id == self._get_param("AccessKeyId"):
                    key.active = self._get_param("Status") == "Active"
        return EmptyResult()

    def delete_key(self: Any, root: RootUser) -> Any:
        with _lock:
            root.access_keys[:] = [k for k in root.access_keys if k.access_key_id != self._get_param("AccessKeyId")]
        return EmptyResult()

    wrap("list_access_keys", list_keys)
    wrap("update_access_key", update_key)
    wrap("delete_access_key", delete_key)


def _patch_organizations() -> None:
    from moto.organizations.models import FakeServiceAccess

    if "iam.amazonaws.com" not in FakeServiceAccess.TRUSTED_SERVICES:
        FakeServiceAccess.TRUSTED_SERVICES.append("iam.amazonaws.com")


def _organization_for(account_id: str) -> Any:
    """moto's organization managed by ``account_id``, or the error IAM would give."""
    from moto.iam.exceptions import IAMException
    from moto.organizations.models import organizations_backends

    def fail(code: str, message: str) -> Exception:
        error = IAMException(message)
        error.code = code
        return error

    for backends in organizations_backends.values():
        for backend in backends.values():
            org = backend.org
            if org is None:
                continue
            if org.master_account_id == account_id:
                if org.feature_set != "ALL":
                    raise fail("OrganizationNotInAllFeaturesModeException", "The organization is not in all-features mode.")
                if not any(s.get("ServicePrincipal") == "iam.amazonaws.com" for s in backend.services):
                    raise fail("ServiceAccessNotEnabledException", "Trusted access for IAM is not enabled in AWS Organizations.")
                return org
            if any(a.id == account_id for a in backend.accounts):
                raise fail("AccountNotManagementOrDelegatedAdministratorException",
                           "The account is not the management account or a delegated administrator.")
    raise fail("OrganizationNotFoundException", "The account is not part of an organization.")


def _patch_sts() -> None:
    from moto.sts import models as sts_models

    original = sts_models.STSBackend.get_caller_identity

    def get_caller_identity(self: Any, access_key_id: str, region: str) -> tuple[str, str, str]:
        owner = root_key_owner(access_key_id)
        if owner is not None:
            from moto.utilities.utils import get_partition

            return owner, f"arn:{get_partition(region)}:iam::{owner}:root", owner
        return original(self, access_key_id, region)

    sts_models.STSBackend.get_caller_identity = get_caller_identity


def _patch_cloudtrail() -> None:
    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.core.responses import ActionResult

    def lookup_events(self: Any) -> Any:
        params = self._get_params()
        wanted = {a.get("AttributeKey"): a.get("AttributeValue") for a in params.get("LookupAttributes") or []}
        start, end = _epoch(params.get("StartTime")), _epoch(params.get("EndTime"))
        events = []
        for event in extras(self.current_account).root_events:
            when = event["EventTime"].timestamp()
            if start is not None and when < start or end is not None and when > end:
                continue
            if "Username" in wanted and event.get("Username") != wanted["Username"]:
                continue
            if "EventName" in wanted and event.get("EventName") != wanted["EventName"]:
                continue
            events.append(event)
        events.sort(key=lambda e: e["EventTime"], reverse=True)
        return ActionResult(validated("cloudtrail", "LookupEvents", {"Events": events}))

    CloudTrailResponse.lookup_events = lookup_events


def _epoch(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):
        return value.timestamp()
    try:
        return float(value)
    except ValueError:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def _patch_sns() -> None:
    from moto.sns import models as sns_models

    original_subscribe = sns_models.SNSBackend.subscribe
    original_list = sns_models.SNSBackend.list_subscriptions_by_topic

    def subscribe(self: Any, topic_arn: str, endpoint: str, protocol: str) -> Any:
        subscription = original_subscribe(self, topic_arn, endpoint, protocol)
        if protocol in ("email", "email-json"):
            with _lock:
                extras(self.account_id).pending_subscriptions.add(subscription.arn)
        return subscription

    def list_subscriptions_by_topic(self: Any, topic_arn: str, next_token: str | None = None) -> Any:
        subscriptions, token = original_list(self, topic_arn, next_token=next_token)
        pending = extras(self.account_id).pending_subscriptions
        shown = []
        for sub in subscriptions:
            if sub.arn in pending:
                sub = copy.copy(sub)
                sub.arn = "PendingConfirmation"
            shown.append(sub)
        return shown, token

    sns_models.SNSBackend.subscribe = subscribe
    sns_models.SNSBackend.list_subscriptions_by_topic = list_subscriptions_by_topic


def confirm_email_subscriptions(account_id: str, topic_arn: str | None = None) -> int:
    """The practice stand-in for clicking the link in AWS's confirmation e-mail."""
    with _lock:
        pending = extras(account_id).pending_subscriptions
        chosen = {arn for arn in pending if topic_arn is None or arn.startswith(topic_arn + ":")}
        pending -= chosen
        return len(chosen)


def _patch_ssoadmin() -> None:
    from moto.ssoadmin import models as sso_models

    original_init = sso_models.SSOAdminBackend.__init__
    original_list = sso_models.SSOAdminBackend.list_instances

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self._rootwarden_default = set(id(i) for i in self.instances)

    def list_instances(self: Any) -> Any:
        instances = original_list(self)
        if extras(self.account_id).identity_center:
            return instances
        hidden = getattr(self, "_rootwarden_default", set())
        return [i for i in instances if id(i) not in hidden]

    sso_models.SSOAdminBackend.__init__ = __init__
    sso_models.SSOAdminBackend.list_instances = list_instances


def assign_virtual_mfa(account_id: str, serial: str, user_arn: str, partition: str = "aws") -> None:
    """Mark a virtual MFA device as assigned to ``user_arn`` (root included, which moto cannot)."""
    from types import SimpleNamespace

    from moto.iam.models import iam_backends

    now = datetime.now(timezone.utc)
    device = iam_backends[account_id][partition].virtual_mfa_devices[serial]
    device.enable_date = now
    device.user = SimpleNamespace(path="/", name=user_arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1], id=account_id, arn=user_arn, create_date=now)


def org_backend_of(account_id: str) -> Any:
    """moto's organizations backend of the organization ``account_id`` manages or belongs to, or None."""
    from moto.organizations.models import organizations_backends

    for backends in list(organizations_backends.values()):
        for backend in list(backends.values()):
            org = backend.org
            if org is not None and (org.master_account_id == account_id or any(a.id == account_id for a in backend.accounts)):
                return backend
    return None
