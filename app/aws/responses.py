"""What a response must hold before any verdict is drawn from it (SPEC §2.2).

An empty or malformed 200 answer (a proxy that strips the body, a broken endpoint override, a
service change) parses to ``{}`` or to odd types; read naively, ``{}`` means "no rules", "no
instances" — a false verdict. Each operation the checks read names the fields it needs here;
``require`` raises ``MalformedResponse`` naming the call and the field when one is missing or of
the wrong type. Operations not listed (the fixes' writes) are not checked.

Spec language: a type (``str``, ``int``…), a predicate function, a ``dict`` of field → spec
(a field name ending in ``?`` is optional but typed when present), or ``[spec]`` for a list
whose every item fits ``spec``. Pure functions; safe from any thread.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Callable

from app.account_id import is_account_id
from app.aws.errors import iam_action
from app.errors import MalformedResponse

_ARN = re.compile(r"arn:[a-z0-9-]+:[a-z0-9-]*:[a-z0-9-]*:([0-9]{12})?:.+")  # the partition as from_arn reads it


def _arn(value: Any) -> bool:
    return isinstance(value, str) and _ARN.fullmatch(value) is not None


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _summary_map(value: Any) -> bool:
    """GetAccountSummary's map: the root flags the checks read are present and 0 or more."""
    return isinstance(value, dict) and all(_count(value.get(k)) for k in
                                           ("AccountMFAEnabled", "AccountAccessKeysPresent", "AccountSigningCertificatesPresent"))


_TOPIC_ARN_OR_PENDING = lambda v: isinstance(v, str) and bool(v)  # noqa: E731  (ARN, "PendingConfirmation", "Deleted")

REQUIRED: dict[tuple[str, str], dict[str, Any]] = {
    ("sts", "GetCallerIdentity"): {"Account": is_account_id, "Arn": _arn},
    ("iam", "GetAccountSummary"): {"SummaryMap": _summary_map},
    ("iam", "GenerateCredentialReport"): {"State": str},
    ("iam", "GetCredentialReport"): {"Content": bytes, "GeneratedTime?": datetime},
    ("iam", "ListAccountAliases"): {"AccountAliases": [str]},
    ("iam", "ListVirtualMFADevices"): {"VirtualMFADevices": [{"SerialNumber": str, "User?": {"Arn": str}}]},
    ("iam", "ListRoles"): {"Roles": [{"RoleName": str, "Arn": str}]},
    ("iam", "ListSAMLProviders"): {"SAMLProviderList": [{"Arn": _arn}]},
    ("iam", "ListOpenIDConnectProviders"): {"OpenIDConnectProviderList": [{"Arn": _arn}]},
    ("iam", "ListOrganizationsFeatures"): {"EnabledFeatures": [str]},
    ("sso-admin", "ListInstances"): {"Instances": [{"InstanceArn": _arn}]},
    ("account", "GetAlternateContact"): {"AlternateContact": {"AlternateContactType": str, "EmailAddress": lambda v: isinstance(v, str) and "@" in v,
                                                              "Name?": str}},
    ("events", "ListRules"): {"Rules": [{"Name": str, "EventPattern?": str, "State?": str}]},
    ("events", "ListTargetsByRule"): {"Targets": [{"Id": str, "Arn": str}]},
    ("events", "TestEventPattern"): {"Result": bool},
    ("sns", "ListSubscriptionsByTopic"): {"Subscriptions": [{"SubscriptionArn": _TOPIC_ARN_OR_PENDING, "Protocol": str}]},
    ("cloudtrail", "DescribeTrails"): {"trailList": [{"Name": str, "TrailARN": _arn, "IsMultiRegionTrail?": bool,
                                                      "CloudWatchLogsLogGroupArn?": str, "HomeRegion?": str}]},
    ("cloudtrail", "GetTrailStatus"): {"IsLogging": bool},
    ("cloudtrail", "LookupEvents"): {"Events": [{"EventTime": datetime}]},
    ("logs", "DescribeMetricFilters"): {"metricFilters": [{"filterPattern?": str, "metricTransformations?": [
        {"metricName": str, "metricNamespace": str}]}]},
    ("cloudwatch", "DescribeAlarmsForMetric"): {"MetricAlarms": [{"AlarmActions?": [str], "ActionsEnabled?": bool}]},
}


def require(service: str, operation: str, response: Any) -> None:
    """Raise ``MalformedResponse`` unless ``response`` holds what the checks read from it."""
    spec = REQUIRED.get((service, operation))
    if spec is None:
        return
    problem = _problem(spec, response, "the response")
    if problem:
        raise MalformedResponse(iam_action(service, operation), problem)


def _problem(spec: Any, value: Any, where: str) -> str | None:
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return f"{where} not an object"
        for key, inner in spec.items():
            optional = key.endswith("?")
            name = key.rstrip("?")
            if name not in value:
                if optional:
                    continue
                return f"no {name} field" if where == "the response" else f"no {name} in {where}"
            problem = _problem(inner, value[name], name)
            if problem:
                return problem
        return None
    if isinstance(spec, list):
        if not isinstance(value, list):
            return f"{where} not a list"
        for index, item in enumerate(value):
            problem = _problem(spec[0], item, f"{where}[{index}]")
            if problem:
                return problem
        return None
    if isinstance(spec, type):
        ok = isinstance(value, spec) and not (spec is int and isinstance(value, bool))
        return None if ok else f"{where} of the wrong type ({type(value).__name__})"
    check: Callable[[Any], bool] = spec
    return None if check(value) else f"an invalid {where}"
