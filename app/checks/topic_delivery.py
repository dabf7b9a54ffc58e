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
Deny, Principal/Action/Resource and their Not- forms, IAM's ``*``/``?`` wildcards, and the
condition keys a service's request carries or is known to lack (``aws:SourceArn``,
``aws:SourceAccount``, ``aws:SecureTransport``; ``aws:SourceOwner`` absent) with the string,
ARN, Bool and Null operators (negated and ``IfExists`` forms too). Anything else that could
grant or deny makes the answer ``UNSURE`` (the check says ``unknown``), never ``ALLOWED``.
The evaluation is pure; ``delivery`` and ``_key`` make their calls through the run's
snapshot (any thread; each call once per run).
"""
from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from typing import Any, Iterable

from app.checks.base import CheckRun
from app.errors import AwsCallFailed

EVENTS = "events.amazonaws.com"
CLOUDWATCH = "cloudwatch.amazonaws.com"
_AWS_MANAGED_SNS_KEY = "alias/aws/sns"
_POSITIVE = {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "bool"}
_NEGATED = {"stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike"}
# Keys a service's request is known NOT to carry: the topic's default statement keys on
# aws:SourceOwner, which EventBridge requests do not satisfy (AWS: "the topic's resource-based
# policy must allow EventBridge").
_ABSENT_FOR_SERVICES = {"aws:sourceowner"}


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


def _wildcard(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM's wildcards: ``*`` and ``?`` only (brackets and the rest are literal)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def _matches(patterns: Iterable[Any], value: str, ignore_case: bool = False) -> bool:
    return any(isinstance(p, str) and _wildcard(p, value, ignore_case) for p in patterns)


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


def _one_condition(operator: str, key: str, expected: Any, context: dict[str, str]) -> bool | None:
    """One operator/key test for this request, or None when it cannot be judged."""
    op = operator.lower()
    if ":" in op:  # ForAnyValue:/ForAllValues: multi-valued keys
        return None
    if_exists = op.endswith("ifexists")
    op = op.removesuffix("ifexists")
    values = [str(v) for v in _listed(expected)]
    if op == "null":
        if key in context:
            return values == ["false"]
        return values == ["true"] if key in _ABSENT_FOR_SERVICES else None
    if op not in _POSITIVE | _NEGATED:
        return None
    if key not in context:
        if key not in _ABSENT_FOR_SERVICES:
            return None
        return if_exists or op in _NEGATED  # a missing key fails positive tests, passes negated ones
    actual = context[key]
    base = op.replace("not", "", 1) if op in _NEGATED else op
    if base in ("stringequals", "arnequals", "bool"):
        hit = actual in values if base != "bool" else actual.lower() in [v.lower() for v in values]
    elif base == "stringequalsignorecase":
        hit = actual.lower() in [v.lower() for v in values]
    else:  # stringlike, arnlike
        hit = _matches(values, actual)
    return not hit if op in _NEGATED else hit


def _conditions_hold(statement: dict[str, Any], context: dict[str, str]) -> bool | None:
    """True/False when every condition can be judged for this request; None otherwise."""
    conditions = statement.get("Condition") or {}
    if not isinstance(conditions, dict):
        return None
    unsure = False
    for operator, tests in conditions.items():
        if not isinstance(tests, dict):
            return None
        for key, expected in tests.items():
            result = _one_condition(str(operator), str(key).lower(), expected, context)
            if result is False:
                return False
            unsure = unsure or result is None
    return None if unsure else True


def allows(policy_text: str | None, service: str, action: str, resource: str, context: dict[str, str],
           need_allow: bool = True) -> Verdict:
    """Whether resource policy ``policy_text`` lets ``service`` do ``action`` on ``resource``
    for a request carrying ``context`` (lower-case condition keys). With ``need_allow`` False
    only Deny statements matter (the publisher is allowed by other means)."""
    context = {"aws:securetransport": "true", **context}  # AWS services call each other over TLS
    if not policy_text:
        return Verdict(Delivery.ALLOWED if not need_allow else Delivery.BLOCKED, "there is no policy granting it")
    try:
        policy = json.loads(policy_text)
        statements = _listed(policy.get("Statement", []))
    except (ValueError, AttributeError):
        return Verdict(Delivery.UNSURE, "the policy could not be read")
    granted, deny_unsure, allow_unsure = False, False, False
    for statement in statements:
        if not isinstance(statement, dict):
            deny_unsure = True
            continue
        principal = _principal_covers(statement, service)
        if principal is False or not _covers(statement, "Action", action, True) or not _covers(statement, "Resource", resource, False):
            continue
        holds = _conditions_hold(statement, context) if principal else None
        effect = statement.get("Effect")
        if effect == "Deny":
            if holds is True:
                return Verdict(Delivery.BLOCKED, f"a Deny statement refuses {service} {action}")
            deny_unsure = deny_unsure or holds is None
        elif effect == "Allow":
            granted = granted or holds is True
            allow_unsure = allow_unsure or holds is None
    if deny_unsure or (need_allow and not granted and allow_unsure):
        return Verdict(Delivery.UNSURE, f"a statement about {service} has conditions Rootwarden cannot evaluate")
    if granted or not need_allow:
        return Verdict(Delivery.ALLOWED, f"the policy lets {service} {action}")
    return Verdict(Delivery.BLOCKED, f"the policy does not let {service} {action}")


def _key(run: CheckRun, key_id: str, region: str, service: str) -> Verdict:
    if key_id == _AWS_MANAGED_SNS_KEY or key_id.endswith(":" + _AWS_MANAGED_SNS_KEY):
        return Verdict(Delivery.BLOCKED, f"the topic is encrypted with the AWS managed key aws/sns, which {service} cannot use")
    metadata = run.snapshot.call("kms", "DescribeKey", region, KeyId=key_id)["KeyMetadata"]
    if metadata.get("KeyManager") == "AWS":
        return Verdict(Delivery.BLOCKED, f"the topic is encrypted with an AWS managed key, which {service} cannot use")
    state = metadata.get("KeyState")
    if state != "Enabled" or metadata.get("Enabled") is False:
        return Verdict(Delivery.BLOCKED, f"the topic's KMS key is not enabled (state {str(state)[:40]}), so nothing can publish to it")
    arn = str(metadata["Arn"])
    policy = run.snapshot.call("kms", "GetKeyPolicy", region, KeyId=arn, PolicyName="default").get("Policy")
    for action in ("kms:GenerateDataKey", "kms:Decrypt"):
        verdict = allows(policy, service, action, arn, {})
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
        context = {"aws:sourceaccount": run.snapshot.account_id, **({"aws:sourcearn": source_arn} if source_arn else {})}
        # EventBridge needs a statement allowing it; a same-account CloudWatch alarm is allowed by
        # the default policy, so for it only a Deny can close the door.
        verdict = allows(attributes.get("Policy"), service, "sns:Publish", topic_arn, context, need_allow=service == EVENTS)
        who = "EventBridge" if service == EVENTS else "CloudWatch alarms"
        if verdict.delivery is Delivery.UNSURE:
            return Verdict(verdict.delivery, f"the topic policy of {topic_arn} may not let {who} publish ({verdict.why})")
        if verdict.delivery is Delivery.BLOCKED:
            return Verdict(verdict.delivery, f"the topic policy of {topic_arn} does not let {who} publish to it")
        key_id = attributes.get("KmsMasterKeyId")
        if key_id:
            verdict = _key(run, str(key_id), region, service)
            if verdict.delivery is not Delivery.ALLOWED:
                return Verdict(verdict.delivery, f"{topic_arn}: {verdict.why}")
    except AwsCallFailed as error:
        return Verdict(Delivery.UNSURE, f"whether {topic_arn} accepts the alert could not be checked: {error}")
    return Verdict(Delivery.ALLOWED, "")
