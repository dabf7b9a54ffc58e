"""Can the alert really reach the SNS topic? A confirmed subscriber is worth nothing if the
topic refuses the publisher (SPEC §2.2: never a false pass).

* EventBridge publishes to an SNS target through the topic's resource policy: it must allow
  the service principal ``events.amazonaws.com`` ``sns:Publish`` on the topic (the topic's
  default policy does not: it allows only the account's own principals).
* A topic encrypted with KMS needs a key the publishing service may use: the AWS managed key
  ``aws/sns`` allows no service, so neither EventBridge nor CloudWatch alarms can publish; a
  customer managed key's policy must allow the service ``kms:GenerateDataKey*`` and
  ``kms:Decrypt``.

The policy evaluation here is deliberately small and conservative. It understands Allow and
Deny, Principal/Action/Resource and their Not- forms, wildcards, and the condition keys the
publisher sets (``aws:SourceArn``, ``aws:SourceAccount``) with the string and ARN operators.
Anything else that could grant or deny makes the answer ``UNSURE`` (the check says
``unknown``), never ``ALLOWED``. Pure functions except ``delivery``, which makes the calls
through the run's snapshot (any thread).
"""
from __future__ import annotations

import enum
import fnmatch
import json
from dataclasses import dataclass
from typing import Any, Iterable

from app.checks.base import CheckRun
from app.errors import AwsCallFailed

EVENTS = "events.amazonaws.com"
CLOUDWATCH = "cloudwatch.amazonaws.com"
_AWS_MANAGED_SNS_KEY = "alias/aws/sns"
_KNOWN_OPERATORS = {"stringequals", "stringlike", "arnequals", "arnlike", "stringequalsignorecase"}
_KNOWN_KEYS = {"aws:sourcearn", "aws:sourceaccount"}
# The topic's default statement: for the account's own principals. EventBridge requests do not
# satisfy it (AWS: "the topic's resource-based policy must allow EventBridge").
_NEVER_FOR_SERVICES = {"aws:sourceowner"}


class Delivery(str, enum.Enum):
    ALLOWED = "allowed"
    BLOCKED = "blocked"
    UNSURE = "unsure"


@dataclass(frozen=True)
class Verdict:
    delivery: Delivery
    why: str  # one clause, e.g. "the topic policy does not let events.amazonaws.com publish"


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches(patterns: Iterable[Any], value: str, ignore_case: bool = False) -> bool:
    for pattern in patterns:
        if not isinstance(pattern, str):
            continue
        if ignore_case:
            if fnmatch.fnmatchcase(value.lower(), pattern.lower()):
                return True
        elif fnmatch.fnmatchcase(value, pattern):
            return True
    return False


def _principal_covers(statement: dict[str, Any], service: str) -> bool | None:
    if "NotPrincipal" in statement:
        return None
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    if "*" in _listed(principal.get("AWS", [])):
        return True
    return service in _listed(principal.get("Service", []))


def _covers(statement: dict[str, Any], field: str, value: str, ignore_case: bool) -> bool:
    if field in statement:
        return _matches(_listed(statement[field]), value, ignore_case)
    negative = f"Not{field}"
    if negative in statement:
        return not _matches(_listed(statement[negative]), value, ignore_case)
    return False


def _conditions_hold(statement: dict[str, Any], context: dict[str, str]) -> bool | None:
    """True/False when every condition can be judged for this request; None otherwise."""
    conditions = statement.get("Condition") or {}
    if not isinstance(conditions, dict):
        return None
    for operator, tests in conditions.items():
        if not isinstance(tests, dict):
            return None
        op = str(operator).lower()
        for key, expected in tests.items():
            name = str(key).lower()
            if name in _NEVER_FOR_SERVICES:
                return False
            if op not in _KNOWN_OPERATORS or name not in _KNOWN_KEYS:
                return None
            actual = context.get(name)
            if actual is None:
                return False
            values = _listed(expected)
            if op in {"stringequals", "arnequals"}:
                hit = actual in values
            elif op == "stringequalsignorecase":
                hit = actual.lower() in [str(v).lower() for v in values]
            else:
                hit = _matches(values, actual)
            if not hit:
                return False
    return True


def allows(policy_text: str | None, service: str, action: str, resource: str, context: dict[str, str]) -> Verdict:
    """Whether resource policy ``policy_text`` lets ``service`` do ``action`` on ``resource``
    for a request carrying ``context`` (lower-case condition keys)."""
    if not policy_text:
        return Verdict(Delivery.BLOCKED, "there is no policy granting it")
    try:
        policy = json.loads(policy_text)
        statements = _listed(policy.get("Statement", []))
    except (ValueError, AttributeError):
        return Verdict(Delivery.UNSURE, "the policy could not be read")
    granted, unsure = False, False
    for statement in statements:
        if not isinstance(statement, dict):
            unsure = True
            continue
        principal = _principal_covers(statement, service)
        if principal is False or not _covers(statement, "Action", action, True) or not _covers(statement, "Resource", resource, False):
            continue
        holds = _conditions_hold(statement, context) if principal else None
        effect = statement.get("Effect")
        if effect == "Deny":
            if holds is True:
                return Verdict(Delivery.BLOCKED, f"a Deny statement refuses {service} {action}")
            unsure = unsure or holds is None
        elif effect == "Allow":
            granted = granted or holds is True
            unsure = unsure or holds is None
    if unsure:
        return Verdict(Delivery.UNSURE, f"a statement about {service} has conditions Rootwarden cannot evaluate")
    if granted:
        return Verdict(Delivery.ALLOWED, f"the policy lets {service} {action}")
    return Verdict(Delivery.BLOCKED, f"the policy does not let {service} {action}")


def _key(run: CheckRun, key_id: str, region: str, service: str) -> Verdict:
    if key_id == _AWS_MANAGED_SNS_KEY or key_id.endswith(":" + _AWS_MANAGED_SNS_KEY):
        return Verdict(Delivery.BLOCKED, f"the topic is encrypted with the AWS managed key aws/sns, which {service} cannot use")
    metadata = run.snapshot.call("kms", "DescribeKey", region, KeyId=key_id)["KeyMetadata"]
    if metadata.get("KeyManager") == "AWS":
        return Verdict(Delivery.BLOCKED, f"the topic is encrypted with an AWS managed key, which {service} cannot use")
    policy = run.snapshot.call("kms", "GetKeyPolicy", region, KeyId=metadata["Arn"], PolicyName="default").get("Policy")
    for action in ("kms:GenerateDataKey", "kms:Decrypt"):
        verdict = allows(policy, service, action, "*", {})
        if verdict.delivery is not Delivery.ALLOWED:
            return Verdict(verdict.delivery, f"the topic's KMS key policy does not clearly let {service} use the key ({action})")
    return Verdict(Delivery.ALLOWED, f"the topic's KMS key lets {service} use it")


def delivery(run: CheckRun, topic_arn: str, service: str, source_arn: str | None = None) -> Verdict:
    """Whether ``service`` can publish to ``topic_arn`` (for EventBridge: as rule ``source_arn``).
    Calls: sns:GetTopicAttributes, and for an encrypted topic kms:DescribeKey and kms:GetKeyPolicy.
    A denied or failed call is ``UNSURE`` naming the action."""
    region = topic_arn.split(":")[3]
    try:
        attributes = run.snapshot.call("sns", "GetTopicAttributes", region, TopicArn=topic_arn).get("Attributes") or {}
        if service == EVENTS:
            context = {"aws:sourceaccount": run.snapshot.account_id, **({"aws:sourcearn": source_arn} if source_arn else {})}
            verdict = allows(attributes.get("Policy"), service, "sns:Publish", topic_arn, context)
            if verdict.delivery is Delivery.UNSURE:
                return Verdict(verdict.delivery, f"the topic policy of {topic_arn} may not let EventBridge publish ({verdict.why})")
            if verdict.delivery is Delivery.BLOCKED:
                return Verdict(verdict.delivery, f"the topic policy of {topic_arn} does not let EventBridge publish to it")
        key_id = attributes.get("KmsMasterKeyId")
        if key_id:
            verdict = _key(run, str(key_id), region, service)
            if verdict.delivery is not Delivery.ALLOWED:
                return Verdict(verdict.delivery, f"{topic_arn}: {verdict.why}")
    except AwsCallFailed as error:
        return Verdict(Delivery.UNSURE, f"whether {topic_arn} accepts the alert could not be checked: {error}")
    return Verdict(Delivery.ALLOWED, "")
