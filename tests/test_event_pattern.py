"""The local EventBridge pattern matcher, on the operators root-activity rules use."""
from __future__ import annotations

import pytest

from app.event_pattern import UnsupportedPattern, matches, sample_root_api_call, sample_root_sign_in

SIGN_IN = sample_root_sign_in("123456789012")
API = sample_root_api_call("123456789012")


@pytest.mark.parametrize("pattern, sign_in, api", [
    ({"detail": {"userIdentity": {"type": ["Root"]}}}, True, True),
    ({"detail-type": ["AWS Console Sign In via CloudTrail"]}, True, False),
    ({"detail-type": ["AWS API Call via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}}, False, True),
    ({"source": [{"prefix": "aws."}], "detail": {"userIdentity": {"type": ["Root"]}}}, True, True),
    ({"detail": {"userIdentity": {"arn": [{"suffix": ":root"}]}}}, True, True),
    ({"detail": {"userIdentity": {"type": [{"equals-ignore-case": "root"}]}}}, True, True),
    ({"detail-type": [{"wildcard": "AWS * via CloudTrail"}]}, True, True),
    ({"detail": {"userIdentity": {"type": [{"anything-but": "IAMUser"}]}}}, True, True),
    ({"detail": {"userIdentity": {"type": [{"anything-but": ["Root"]}]}}}, False, False),
    ({"detail": {"userIdentity": {"invokedBy": [{"exists": False}]}}}, True, True),
    ({"detail": {"userIdentity": {"invokedBy": [{"exists": True}]}}}, False, False),
    ({"detail": {"eventType": [{"anything-but": {"prefix": "AwsService"}}]}}, True, True),
    ({"$or": [{"source": ["aws.signin"]}, {"detail": {"eventSource": ["iam.amazonaws.com"]}}]}, True, True),
    ({"detail": {"userIdentity": {"type": ["IAMUser"]}}}, False, False),
    ({"source": ["aws.signin"], "detail": {"missing": ["x"]}}, False, False),
])
def test_operators(pattern, sign_in, api):
    assert matches(pattern, SIGN_IN) is sign_in
    assert matches(pattern, API) is api


def test_numeric_and_json_text():
    event = {"detail": {"n": 5}}
    assert matches('{"detail": {"n": [{"numeric": [">", 1, "<=", 5]}]}}', event)
    assert not matches({"detail": {"n": [{"numeric": ["<", 5]}]}}, event)


def test_unknown_operator_is_refused_not_guessed():
    with pytest.raises(UnsupportedPattern):
        matches({"detail": {"x": [{"cidr": "10.0.0.0/8"}]}}, {"detail": {"x": "10.1.1.1"}})
