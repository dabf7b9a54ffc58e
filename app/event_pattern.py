"""A local EventBridge event-pattern matcher, for when TestEventPattern cannot be asked.

Covers the operators people use in root-activity rules: exact values, ``prefix``, ``suffix``,
``equals-ignore-case``, ``wildcard``, ``anything-but`` (value, list, prefix, suffix),
``exists``, ``numeric`` and ``$or``. An operator it does not know raises
``UnsupportedPattern`` rather than guessing. Pure functions, thread-safe.
"""
from __future__ import annotations

import copy
import re
import json
import operator
from typing import Any
from app.aws.partition import by_name
from app.nesting import depth

_MISSING = object()
_NUMERIC = {"<": operator.lt, "<=": operator.le, "=": operator.eq, ">": operator.gt, ">=": operator.ge}


# EventBridge caps patterns far below these; a local judgement is refused beyond them.
MAX_DEPTH = 32
MAX_PATTERN_CHARS = 64_000


class UnsupportedPattern(ValueError):
    pass


def matches(pattern: dict[str, Any] | str, event: dict[str, Any]) -> bool:
    """True when ``event`` matches ``pattern`` as EventBridge would.

    Raises ``UnsupportedPattern`` for what it cannot judge: unknown operators, a pattern that
    is not JSON, or one nested deeper than ``MAX_DEPTH`` (never a RecursionError)."""
    if isinstance(pattern, str):
        if len(pattern) > MAX_PATTERN_CHARS:
            raise UnsupportedPattern(f"pattern longer than {MAX_PATTERN_CHARS} characters")
        try:
            pattern = json.loads(pattern)
        except RecursionError:
            raise UnsupportedPattern("pattern nested too deeply") from None
        except ValueError as error:
            raise UnsupportedPattern(f"pattern is not JSON ({error.msg})") from None
    if not isinstance(pattern, dict):
        raise UnsupportedPattern("pattern is not a JSON object")
    if depth(pattern, MAX_DEPTH) > MAX_DEPTH:
        raise UnsupportedPattern(f"pattern nested deeper than {MAX_DEPTH} levels")
    return _match_object(pattern, event, 0)




def _match_object(pattern: dict[str, Any], node: Any, depth: int) -> bool:
    if depth > MAX_DEPTH:
        raise UnsupportedPattern(f"pattern nested deeper than {MAX_DEPTH} levels")
    for key, rule in pattern.items():
        if key == "$or":
            if not isinstance(rule, list) or not all(isinstance(a, dict) for a in rule):
                raise UnsupportedPattern("$or must be a list of objects")
            if not any(_match_object(alternative, node, depth + 1) for alternative in rule):
                return False
            continue
        value = node.get(key, _MISSING) if isinstance(node, dict) else _MISSING
        if isinstance(rule, dict):
            if value is _MISSING or not isinstance(value, dict):
                return False
            if not _match_object(rule, value, depth + 1):
                return False
        elif isinstance(rule, list):
            if not _match_field(rule, value):
                return False
        else:
            raise UnsupportedPattern(f"pattern value for {key!r} must be an object or a list")
    return True


def _wildcard(pattern: str) -> "re.Pattern[str]":
    """EventBridge wildcards: only ``*`` is special (``\\*`` a literal star); ``?`` and ``[`` are plain."""
    parts, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if char == "*" else re.escape(char))
        i += 1
    return re.compile("".join(parts), re.DOTALL)


def _match_field(rules: list[Any], value: Any) -> bool:
    if isinstance(value, dict) or value == []:
        value = _MISSING  # patterns match leaf values only
    values = value if isinstance(value, list) else [value]
    for rule in rules:
        if isinstance(rule, dict):
            if _match_operator(rule, value, values):
                return True
        elif value is not _MISSING and any(v == rule and type(v) is type(rule) or (v is None and rule is None) for v in values):
            return True
    return False


def _match_operator(rule: dict[str, Any], value: Any, values: list[Any]) -> bool:
    if len(rule) != 1:
        raise UnsupportedPattern(f"one operator per object expected, got {sorted(rule)}")
    (name, arg), = rule.items()
    if name == "exists":  # EventBridge: only leaf values exist; objects and empty lists do not
        return (value is not _MISSING) == bool(arg)
    if value is _MISSING:
        return False  # a missing field matches nothing but {"exists": false}, anything-but included
    strings = [v for v in values if isinstance(v, str)]
    if name == "prefix":
        return _text_test(arg, strings, str.startswith)
    if name == "suffix":
        return _text_test(arg, strings, str.endswith)
    if name == "equals-ignore-case":
        return any(s.lower() == str(arg).lower() for s in strings)
    if name == "wildcard":
        return any(_wildcard(str(arg)).fullmatch(s) for s in strings)
    if name == "anything-but":
        return not any(_anything_but_hits(arg, v) for v in values)
    if name == "numeric":
        return any(_numeric(arg, v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool))
    raise UnsupportedPattern(f"operator {name!r} is not supported by the local matcher")


def _text_test(arg: Any, strings: list[str], test: Any) -> bool:
    if isinstance(arg, dict) and "equals-ignore-case" in arg:
        needle = str(arg["equals-ignore-case"]).lower()
        return any(test(s.lower(), needle) for s in strings)
    return any(test(s, str(arg)) for s in strings)


def _anything_but_hits(arg: Any, value: Any) -> bool:
    if isinstance(arg, list):
        return value in arg
    if isinstance(arg, dict):
        if "prefix" in arg:
            return isinstance(value, str) and value.startswith(arg["prefix"])
        if "suffix" in arg:
            return isinstance(value, str) and value.endswith(arg["suffix"])
        if "equals-ignore-case" in arg:
            options = arg["equals-ignore-case"]
            options = options if isinstance(options, list) else [options]
            return isinstance(value, str) and value.lower() in {o.lower() for o in options}
        raise UnsupportedPattern(f"anything-but operator {sorted(arg)} is not supported")
    return value == arg


def _numeric(arg: list[Any], value: float) -> bool:
    for i in range(0, len(arg), 2):
        op = _NUMERIC.get(arg[i])
        if op is None:
            raise UnsupportedPattern(f"numeric operator {arg[i]!r}")
        if not op(value, arg[i + 1]):
            return False
    return True


def sample_root_sign_in(account_id: str, partition: str = "aws", region: str = "us-east-1") -> dict[str, Any]:
    """A root console sign-in as EventBridge delivers it in the partition's sign-in region."""
    return {
        "version": "0",
        "id": "6f87d04b-9f74-4f04-a780-7acf4b0a9b38",
        "detail-type": "AWS Console Sign In via CloudTrail",
        "source": "aws.signin",
        "account": account_id,
        "time": "2026-01-01T00:00:00Z",
        "region": region,
        "resources": [],
        "detail": {
            "eventVersion": "1.08",
            "userIdentity": {"type": "Root", "principalId": account_id, "arn": by_name(partition).root_arn(account_id), "accountId": account_id},
            "eventTime": "2026-01-01T00:00:00Z",
            "eventSource": "signin.amazonaws.com",
            "eventName": "ConsoleLogin",
            "awsRegion": region,
            "sourceIPAddress": "192.0.2.1",
            "responseElements": {"ConsoleLogin": "Success"},
            "additionalEventData": {"MFAUsed": "No"},
            "eventType": "AwsConsoleSignIn",
            "recipientAccountId": account_id,
        },
    }


def sample_root_api_call(account_id: str, partition: str = "aws", region: str = "us-east-1") -> dict[str, Any]:
    """A root API call (IAM, a global service) as EventBridge delivers it in the partition's
    sign-in region."""
    return {
        "version": "0",
        "id": "3c1b9f5e-1f0a-4a5e-9d2b-1a6f0c3e8b71",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws.iam",
        "account": account_id,
        "time": "2026-01-01T00:00:00Z",
        "region": region,
        "resources": [],
        "detail": {
            "eventVersion": "1.08",
            "userIdentity": {"type": "Root", "principalId": account_id, "arn": by_name(partition).root_arn(account_id), "accountId": account_id},
            "eventTime": "2026-01-01T00:00:00Z",
            "eventSource": "iam.amazonaws.com",
            "eventName": "CreateAccessKey",
            "awsRegion": region,
            "sourceIPAddress": "192.0.2.1",
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account_id,
        },
    }


def root_sign_in_variants(account_id: str, partition: str = "aws", region: str = "us-east-1") -> list[tuple[str, dict[str, Any]]]:
    """Root console sign-ins a rule must all match to cover "every root sign-in": with and
    without MFA (a rule for sign-ins without MFA goes quiet once MFA is on)."""
    without = sample_root_sign_in(account_id, partition, region)
    with_mfa = copy.deepcopy(without)
    with_mfa["id"] = "0b6f1f3e-5a0c-4c4e-8f0e-2d9f6a1c7e52"
    with_mfa["detail"]["additionalEventData"]["MFAUsed"] = "Yes"
    elsewhere = copy.deepcopy(with_mfa)
    elsewhere["id"] = "5d0c7e29-8b1f-4e3a-9c47-0f6e2b8a1d93"
    elsewhere["detail"]["sourceIPAddress"] = "2001:db8:7:1::42"
    elsewhere["detail"]["userAgent"] = "Mozilla/5.0 (rootwarden probe; another browser)"
    return [("a sign-in without MFA", without), ("a sign-in with MFA", with_mfa),
            ("a sign-in from another address and browser", elsewhere)]


def root_api_call_variants(account_id: str, partition: str = "aws", region: str = "us-east-1") -> list[tuple[str, dict[str, Any]]]:
    """Root API calls a rule must all match to cover "every root API call": a global service
    (IAM) and regional ones (S3, EC2) in the rule's region."""
    base = sample_root_api_call(account_id, partition, region)
    variants = [("iam:CreateAccessKey", base)]
    # Regional services, a root-only task, and a service and action no list could name (so a rule
    # that enumerates sources or event names is seen as narrow), from other addresses and tools.
    others = (("s3", "PutBucketPolicy", "192.0.2.1"), ("ec2", "RunInstances", "192.0.2.1"),
              ("account", "PutAlternateContact", "198.51.100.23"), ("rootwardenprobe", "ProbeAnyAction", "2001:db8:7:1::42"))
    for number, (source, name, address) in enumerate(others, start=1):
        event = copy.deepcopy(base)
        event["id"] = f"3c1b9f5e-1f0a-4a5e-9d2b-1a6f0c3e8b7{number + 1}"
        event["source"] = f"aws.{source}"
        event["detail"]["eventSource"] = f"{source}.amazonaws.com"
        event["detail"]["eventName"] = name
        event["detail"]["sourceIPAddress"] = address
        event["detail"]["userAgent"] = f"rootwarden-probe/{number}"
        label = "any other service's calls" if source == "rootwardenprobe" else f"{source}:{name}"
        variants.append((label, event))
    return variants
