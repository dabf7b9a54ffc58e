"""Is the organization ready for central root-access management? (SPEC §12, `rootwarden org enable`)

``read_readiness`` reads, for the organization the caller manages: who the caller is (the
management account, IAM's delegated administrator, or neither), whether the organization has
all features, trusted access for ``iam.amazonaws.com`` and ``account.amazonaws.com``, IAM's
``RootCredentialsManagement`` and ``RootSessions``, and IAM's delegated administrator (for
information). Each item is ``enabled``, ``disabled`` or ``unknown`` with a ``Reason`` code; an
item that could not be read is ``unknown`` (denied, throttled, malformed), never ``enabled`` —
unless another answer proves it (``iam:ListOrganizationsFeatures`` answers only when trusted
access for IAM is on; its ``ServiceAccessNotEnabledException`` proves it off).

``plan_enable`` lists exactly the changes that would turn the disabled, fixable items on, in
AWS's order (trusted access before the IAM features it enables); ``apply`` makes them, each
right after checking the credentials still reach the caller's account, and stops at the first
failure: every planned change comes back as done, already enabled, failed (AWS's code and what
to do) or not attempted. Results are plain data for the organization record's change log.

Only the management account can enable trusted access, and AWS lists
``CallerIsNotManagementAccountException`` for the two IAM Enable calls (not for the List), so
from IAM's delegated administrator nothing here is fixable: it is told to use the management
account. Functions block on AWS; call them off any UI thread. Values are immutable.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from app.errors import AwsCallFailed, MalformedResponse, RootwardenError, WrongAccount
from app.model import Reason, rfc3339
from app.org.inventory import paged

IAM = "iam.amazonaws.com"
ACCOUNT = "account.amazonaws.com"
MAX_PAGES = 100
PAGE_SIZE = 20


class State(str, enum.Enum):
    ENABLED = "enabled"
    DISABLED = "disabled"
    UNKNOWN = "unknown"


class Role(str, enum.Enum):
    MANAGEMENT = "management"
    DELEGATED_ADMIN = "delegated-admin"
    MEMBER = "member"  # neither: cannot administer root access
    NO_ORGANIZATION = "no-organization"
    UNKNOWN = "unknown"


CALLER = "org.caller"
ALL_FEATURES = "org.all-features"
TRUSTED_IAM = "org.trusted-access.iam"
TRUSTED_ACCOUNT = "org.trusted-access.account"
ROOT_CREDENTIALS = "org.root-credentials-management"
ROOT_SESSIONS = "org.root-sessions"
DELEGATED_ADMIN = "org.delegated-admin.iam"

TITLES = {
    CALLER: "Connected as the management account or IAM's delegated administrator",
    ALL_FEATURES: "Organization has all features enabled",
    TRUSTED_IAM: "Trusted access for IAM (iam.amazonaws.com)",
    TRUSTED_ACCOUNT: "Trusted access for Account Management (account.amazonaws.com)",
    ROOT_CREDENTIALS: "IAM root credentials management (RootCredentialsManagement)",
    ROOT_SESSIONS: "IAM privileged root actions (RootSessions)",
    DELEGATED_ADMIN: "Delegated administrator for IAM",
}

# What each fixable item's change is: (IAM action, boto3 service, operation, parameters, target).
_ENABLERS: dict[str, tuple[str, str, str, dict[str, str], str]] = {
    TRUSTED_IAM: ("organizations:EnableAWSServiceAccess", "organizations", "EnableAWSServiceAccess", {"ServicePrincipal": IAM}, IAM),
    TRUSTED_ACCOUNT: ("organizations:EnableAWSServiceAccess", "organizations", "EnableAWSServiceAccess", {"ServicePrincipal": ACCOUNT},
                      ACCOUNT),
    ROOT_CREDENTIALS: ("iam:EnableOrganizationsRootCredentialsManagement", "iam", "EnableOrganizationsRootCredentialsManagement", {},
                       "RootCredentialsManagement"),
    ROOT_SESSIONS: ("iam:EnableOrganizationsRootSessions", "iam", "EnableOrganizationsRootSessions", {}, "RootSessions"),
}
PLAN_ORDER = (TRUSTED_IAM, TRUSTED_ACCOUNT, ROOT_CREDENTIALS, ROOT_SESSIONS)


@dataclass(frozen=True)
class Item:
    """One readiness item. ``meaning`` says what its state means for the user (may hold AWS
    text such as an account name: show it through ``for_terminal`` / plain-text labels)."""

    id: str
    title: str
    state: State
    reason: str  # an app.model.Reason value
    meaning: str
    fixable: bool = False  # Rootwarden can enable it from this caller
    info: bool = False  # information only: does not count toward readiness
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "state": self.state.value, "reason": self.reason, "meaning": self.meaning,
                "rootwarden_can_fix": self.fixable, "information_only": self.info, "evidence": dict(self.evidence)}


@dataclass(frozen=True)
class Readiness:
    caller_account: str
    caller_arn: str
    role: Role
    organization_id: str  # "" when not read
    management_account_id: str  # "" when not read
    items: tuple[Item, ...]
    read_at: datetime

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)

    @property
    def counted(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if not i.info)

    @property
    def ready(self) -> bool:
        return all(i.state == State.ENABLED for i in self.counted)

    def as_dict(self) -> dict[str, Any]:
        return {"caller_account": self.caller_account, "caller_arn": self.caller_arn, "role": self.role.value,
                "organization_id": self.organization_id or None, "management_account_id": self.management_account_id or None,
                "read_at": rfc3339(self.read_at), "items": [i.as_dict() for i in self.items]}


@dataclass(frozen=True)
class Change:
    """One change ``apply`` will make, for the account the readiness was read from."""

    item_id: str
    action: str  # the IAM action that makes it
    target: str  # the service principal or IAM feature it turns on
    description: str
    account: str  # the caller's account: apply refuses to act on any other


class Outcome(str, enum.Enum):
    DONE = "done"
    ALREADY_ENABLED = "already-enabled"
    FAILED = "failed"
    NOT_ATTEMPTED = "not-attempted"


@dataclass(frozen=True)
class ChangeResult:
    """What happened to one planned change; plain data for the organization record's change log."""

    item_id: str
    action: str
    target: str
    account: str
    outcome: Outcome
    time: datetime | None = None  # when it was done or tried; None when not attempted
    error_code: str = ""  # AWS's error code (or Rootwarden's) when it failed
    message: str = ""  # what happened and what to do, when it failed or was not attempted

    def as_dict(self) -> dict[str, Any]:
        return {"item": self.item_id, "action": self.action, "target": self.target, "account": self.account,
                "time": rfc3339(self.time) if self.time else None, "outcome": self.outcome.value,
                "error_code": self.error_code or None, "message": self.message}


# -- reading ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Read:
    value: Any = None
    error: AwsCallFailed | None = None

    @property
    def code(self) -> str:
        return self.error.code if self.error is not None else ""


def _try(read: Callable[[], Any]) -> _Read:
    """A read's value, or the AWS error it ended on. Connection problems (expired session, no
    network) are not item states: they propagate, and the caller cannot connect."""
    try:
        return _Read(read())
    except AwsCallFailed as error:
        return _Read(error=error)


def _organization(context: Any) -> dict[str, str]:
    action = "organizations:DescribeOrganization"
    org = context.call("organizations", "DescribeOrganization").get("Organization")
    if not isinstance(org, dict) or not all(isinstance(org.get(k), str) and org.get(k) for k in ("Id", "MasterAccountId", "FeatureSet")):
        raise MalformedResponse(action, "no organization ID, management account or feature set")
    return {k: str(org[k]) for k in ("Id", "MasterAccountId", "FeatureSet")}


def _paged(context: Any, operation: str, key: str, field_name: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of an organizations listing, read to its end or not at all."""
    return paged(lambda token: context.call("organizations", operation, MaxResults=PAGE_SIZE, **params,
                                            **({"NextToken": token} if token else {})),
                 key, f"organizations:{operation}", lambda item: isinstance(item, dict) and isinstance(item.get(field_name), str),
                 max_pages=MAX_PAGES, malformed=f"no {key} list of entries with a {field_name}")


def _features(context: Any) -> list[str]:
    return [str(f) for f in context.call("iam", "ListOrganizationsFeatures")["EnabledFeatures"]]


def read_readiness(context: Any, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> Readiness:
    """Read every item (about six calls, plus pages). Raises only when the caller cannot be
    identified at all (sts:GetCallerIdentity fails: cannot connect)."""
    identity = context.call("sts", "GetCallerIdentity")
    caller, arn = str(identity["Account"]), str(identity["Arn"])
    org = _try(lambda: _organization(context))
    if org.code == "AWSOrganizationsNotInUseException":
        return _no_organization(caller, arn, clock())
    features = _try(lambda: _features(context))
    access = _try(lambda: [s["ServicePrincipal"] for s in _paged(context, "ListAWSServiceAccessForOrganization",
                                                                  "EnabledServicePrincipals", "ServicePrincipal")])
    admins = _try(lambda: _paged(context, "ListDelegatedAdministrators", "DelegatedAdministrators", "Id", ServicePrincipal=IAM))
    role = _role(caller, org, features, admins)
    all_features = _all_features_item(org, features)
    trusted_iam = _trusted_item(TRUSTED_IAM, IAM, access, features, role, all_features)
    trusted_account = _trusted_item(TRUSTED_ACCOUNT, ACCOUNT, access, None, role, all_features)
    items = (
        _caller_item(caller, role, org, features, admins),
        all_features,
        trusted_iam,
        trusted_account,
        _feature_item(ROOT_CREDENTIALS, "RootCredentialsManagement", features, role, all_features, trusted_iam),
        _feature_item(ROOT_SESSIONS, "RootSessions", features, role, all_features, trusted_iam),
        _delegated_item(admins),
    )
    value = org.value or {}
    return Readiness(caller, arn, role, value.get("Id", ""), value.get("MasterAccountId", ""), items, clock())


def _no_organization(caller: str, arn: str, now: datetime) -> Readiness:
    meaning = (f"The account {caller} is not in an AWS Organization: there are no member accounts whose root access could be "
               "managed centrally.")
    items = tuple(Item(i, TITLES[i], State.DISABLED, Reason.NO_ORGANIZATION.value, meaning, info=(i == DELEGATED_ADMIN))
                  for i in (CALLER, ALL_FEATURES, *PLAN_ORDER, DELEGATED_ADMIN))
    return Readiness(caller, arn, Role.NO_ORGANIZATION, "", "", items, now)


def _role(caller: str, org: _Read, features: _Read, admins: _Read) -> Role:
    if org.value is not None and org.value["MasterAccountId"] == caller:
        return Role.MANAGEMENT
    if features.code == "AccountNotManagementOrDelegatedAdministratorException":
        return Role.MEMBER  # IAM says so outright
    if admins.value is not None:
        if any(a.get("Id") == caller for a in admins.value):
            return Role.DELEGATED_ADMIN
        if org.value is not None:
            return Role.MEMBER
    if org.value is not None and features.value is not None:
        return Role.DELEGATED_ADMIN  # IAM answers the features only to the management account or its delegated admin
    return Role.UNKNOWN


def _unread(item_id: str, error: AwsCallFailed, what: str, **extra: Any) -> Item:
    return Item(item_id, TITLES[item_id], State.UNKNOWN, error.reason,
                f"Could not read {what}: {error}", evidence={"action": error.action, "error": error.code, **extra})


def _caller_item(caller: str, role: Role, org: _Read, features: _Read, admins: _Read) -> Item:
    evidence = {"caller_account": caller, "role": role.value}
    if role == Role.MANAGEMENT:
        return Item(CALLER, TITLES[CALLER], State.ENABLED, Reason.COMPLIANT.value,
                    "You are connected as the organization's management account: Rootwarden can make the changes below.",
                    evidence=evidence)
    if role == Role.DELEGATED_ADMIN:
        return Item(CALLER, TITLES[CALLER], State.ENABLED, Reason.COMPLIANT.value,
                    "You are connected as IAM's delegated administrator: you can audit member accounts, but only the "
                    "management account can enable trusted access and the root-access features.", evidence=evidence)
    if role == Role.MEMBER:
        return Item(CALLER, TITLES[CALLER], State.DISABLED, Reason.NOT_ORGANIZATION_ADMIN.value,
                    f"The account {caller} is a member that is neither the management account nor IAM's delegated "
                    "administrator: connect as the management account.", evidence=evidence)
    error = next(r.error for r in (org, admins, features) if r.error is not None)
    return _unread(CALLER, error, "whether you are the management account or IAM's delegated administrator", **evidence)


def _all_features_item(org: _Read, features: _Read) -> Item:
    if org.value is not None:
        feature_set = org.value["FeatureSet"]
        if feature_set == "ALL":
            return Item(ALL_FEATURES, TITLES[ALL_FEATURES], State.ENABLED, Reason.COMPLIANT.value,
                        "All features are enabled, which trusted access needs.", evidence={"feature_set": feature_set})
        if feature_set == "CONSOLIDATED_BILLING":
            return _consolidated(feature_set)
        return _unread(ALL_FEATURES, MalformedResponse("organizations:DescribeOrganization", "an unknown FeatureSet"),
                       "the organization's feature set", feature_set=feature_set[:40])
    if features.code == "OrganizationNotInAllFeaturesModeException":
        return _consolidated("CONSOLIDATED_BILLING")
    assert org.error is not None
    return _unread(ALL_FEATURES, org.error, "the organization's feature set")


def _consolidated(feature_set: str) -> Item:
    return Item(ALL_FEATURES, TITLES[ALL_FEATURES], State.DISABLED, Reason.CONSOLIDATED_BILLING_ONLY.value,
                "The organization has consolidated billing only. Enable all features in the AWS Organizations console "
                "(invited members must approve); Rootwarden does not do this.", evidence={"feature_set": feature_set})


def _blocker(role: Role, all_features: Item) -> str:
    """Why Rootwarden cannot enable an organization setting from this caller ("" when it can)."""
    if role == Role.DELEGATED_ADMIN:
        return " Only the management account can enable it: run `rootwarden org enable` connected as the management account."
    if role != Role.MANAGEMENT:
        return " Only the organization's management account can enable it."
    if all_features.state != State.ENABLED:
        return " It needs all features enabled in the organization first."
    return ""


def _trusted_item(item_id: str, principal: str, access: _Read, features: _Read | None, role: Role, all_features: Item) -> Item:
    blocker = _blocker(role, all_features)
    if access.value is not None:
        if principal in access.value:
            return Item(item_id, TITLES[item_id], State.ENABLED, Reason.COMPLIANT.value,
                        f"Trusted access for {principal} is enabled.", evidence={"service_principal": principal})
        return _trusted_off(item_id, principal, blocker, {"service_principal": principal})
    if features is not None and features.value is not None:  # IAM answers the features only with trusted access on
        return Item(item_id, TITLES[item_id], State.ENABLED, Reason.COMPLIANT.value,
                    f"Trusted access for {principal} is enabled (shown by iam:ListOrganizationsFeatures answering).",
                    evidence={"service_principal": principal, "source": "iam:ListOrganizationsFeatures"})
    if features is not None and features.code == "ServiceAccessNotEnabledException":
        return _trusted_off(item_id, principal, blocker, {"service_principal": principal, "source": "iam:ListOrganizationsFeatures",
                                                          "error": features.code})
    assert access.error is not None
    return _unread(item_id, access.error, f"trusted access for {principal}", service_principal=principal)


def _trusted_off(item_id: str, principal: str, blocker: str, evidence: dict[str, Any]) -> Item:
    why = {IAM: "IAM cannot manage member root access centrally without it.",
           ACCOUNT: "Rootwarden cannot read or put member accounts' alternate contacts without it."}[principal]
    return Item(item_id, TITLES[item_id], State.DISABLED, Reason.TRUSTED_ACCESS_DISABLED.value,
                f"Trusted access for {principal} is not enabled: {why}{blocker}", fixable=not blocker, evidence=evidence)


def _feature_item(item_id: str, feature: str, features: _Read, role: Role, all_features: Item, trusted_iam: Item) -> Item:
    what = {"RootCredentialsManagement": "member root credentials cannot be removed centrally",
            "RootSessions": "no member account can be audited or fixed through sts:AssumeRoot"}[feature]
    blocker = _blocker(role, all_features)
    if not blocker and trusted_iam.state == State.UNKNOWN:
        blocker = " Trusted access for IAM, which it needs, could not be read."
    evidence = {"feature": feature}
    if features.value is not None:
        if feature in features.value:
            return Item(item_id, TITLES[item_id], State.ENABLED, Reason.COMPLIANT.value, f"{feature} is enabled for the organization.",
                        evidence={**evidence, "enabled_features": list(features.value)})
        return Item(item_id, TITLES[item_id], State.DISABLED, Reason.FEATURES_DISABLED.value,
                    f"{feature} is not enabled: {what}.{blocker}", fixable=not blocker,
                    evidence={**evidence, "enabled_features": list(features.value)})
    code = features.code
    if code == "ServiceAccessNotEnabledException":
        return Item(item_id, TITLES[item_id], State.DISABLED, Reason.TRUSTED_ACCESS_DISABLED.value,
                    f"{feature} is not enabled ({what}); IAM needs trusted access first, which comes first in the plan.{blocker}",
                    fixable=not blocker, evidence={**evidence, "error": code})
    if code == "OrganizationNotInAllFeaturesModeException":
        return Item(item_id, TITLES[item_id], State.DISABLED, Reason.CONSOLIDATED_BILLING_ONLY.value,
                    f"{feature} needs an organization with all features.", evidence={**evidence, "error": code})
    if code == "AccountNotManagementOrDelegatedAdministratorException":
        return Item(item_id, TITLES[item_id], State.UNKNOWN, Reason.NOT_ORGANIZATION_ADMIN.value,
                    f"Only the management account or IAM's delegated administrator can read whether {feature} is enabled.",
                    evidence={**evidence, "error": code})
    assert features.error is not None
    return _unread(item_id, features.error, f"whether {feature} is enabled", **evidence)


def _delegated_item(admins: _Read) -> Item:
    if admins.error is not None:
        return Item(DELEGATED_ADMIN, TITLES[DELEGATED_ADMIN], State.UNKNOWN, admins.error.reason,
                    f"Could not read IAM's delegated administrators: {admins.error}", info=True,
                    evidence={"action": admins.error.action, "error": admins.error.code})
    registered = [(str(a.get("Id")), str(a.get("Name", ""))) for a in admins.value]
    if not registered:
        return Item(DELEGATED_ADMIN, TITLES[DELEGATED_ADMIN], State.DISABLED, Reason.NO_DELEGATED_ADMIN.value,
                    "No delegated administrator for IAM: only the management account manages member root access. Optional: "
                    "a delegated administrator (a security account, say) can audit members without the management account; "
                    "register one from the management account (aws organizations register-delegated-administrator "
                    "--service-principal iam.amazonaws.com).", info=True)
    names = ", ".join(f"{i} ({n[:60]})" if n else i for i, n in registered)
    return Item(DELEGATED_ADMIN, TITLES[DELEGATED_ADMIN], State.ENABLED, Reason.COMPLIANT.value,
                f"IAM's delegated administrator: {names}.", info=True, evidence={"accounts": [i for i, _ in registered]})


# -- changing --------------------------------------------------------------------------------------
def plan_enable(readiness: Readiness) -> list[Change]:
    """The changes that would enable every disabled item Rootwarden can fix from this caller,
    in the order AWS needs them. Unknown items are never planned (nothing blind)."""
    changes = []
    for item_id in PLAN_ORDER:
        item = readiness.item(item_id)
        if item.state == State.DISABLED and item.fixable:
            action, _, _, _, target = _ENABLERS[item_id]
            changes.append(Change(item_id, action, target, f"Enable {TITLES[item_id]}", readiness.caller_account))
    return changes


_ADVICE = {
    "ServiceAccessNotEnabledException": "Trusted access for IAM is not enabled in AWS Organizations; enable it first, then run "
                                        "`rootwarden org enable` again.",
    "CallerIsNotManagementAccountException": "Only the organization's management account can enable this; connect as the "
                                             "management account.",
    "AccountNotManagementOrDelegatedAdministratorException": "This account does not manage the organization; connect as the "
                                                             "management account.",
    "OrganizationNotInAllFeaturesModeException": "The organization has consolidated billing only; enable all features in the AWS "
                                                 "Organizations console first.",
    "AWSOrganizationsNotInUseException": "The account is not in an AWS Organization.",
    "ConstraintViolationException": "AWS Organizations refused the change because of a constraint on the organization; see the "
                                    "AWS Organizations console, then run `rootwarden org enable` again.",
}


def apply(context: Any, plan: list[Change], clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> list[ChangeResult]:
    """Make the planned changes in order; return one result per change. The state is read
    afresh first (an item enabled meanwhile is ``already-enabled``, no call made), and before
    each change sts:GetCallerIdentity must still name the plan's account. The first failure
    stops the run: later changes are ``not-attempted``. Call ``read_readiness`` again after."""
    if not plan:
        return []
    results: list[ChangeResult] = []
    stopped = ""  # why the remaining changes are not attempted, once one has failed
    current: Readiness | None = None
    try:
        current = read_readiness(context)
    except RootwardenError as error:
        results.append(_failed(plan[0], clock(), error))
        stopped = "Not attempted: the organization's state could not be read before the first change."
    for change in plan[len(results):]:
        if stopped:
            results.append(ChangeResult(change.item_id, change.action, change.target, change.account, Outcome.NOT_ATTEMPTED,
                                        message=stopped))
            continue
        assert current is not None
        if current.item(change.item_id).state == State.ENABLED:
            results.append(ChangeResult(change.item_id, change.action, change.target, change.account, Outcome.ALREADY_ENABLED, clock()))
            continue
        try:
            _check_account(context, change.account)
            _, service, operation, params, _ = _ENABLERS[change.item_id]
            context.call(service, operation, **params)
        except RootwardenError as error:
            results.append(_failed(change, clock(), error))
            stopped = f"Not attempted, because an earlier change failed ({change.description})."
            continue
        results.append(ChangeResult(change.item_id, change.action, change.target, change.account, Outcome.DONE, clock()))
    return results


def _check_account(context: Any, account: str) -> None:
    """SPEC §2.4: the credentials must still reach the account the plan was made for."""
    actual = str(context.call("sts", "GetCallerIdentity")["Account"])
    if actual != account:
        raise WrongAccount(account, actual)


def _failed(change: Change, when: datetime, error: RootwardenError) -> ChangeResult:
    code = str(getattr(error, "code", "") or type(error).__name__)
    message = _ADVICE.get(code) or str(error)
    return ChangeResult(change.item_id, change.action, change.target, change.account, Outcome.FAILED, when, code, message)
