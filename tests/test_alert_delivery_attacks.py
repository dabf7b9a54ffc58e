"""alerts.root-activity against setups built to look protected but not be (an attacker's review of
the delivery and narrow-rule judgements): every case here once read as `pass`."""
from __future__ import annotations

import json

import pytest

from app.model import Status
from tests.support import ACCOUNT_ID, put_rule
from tests.test_checks_alerts import BOTH, _cis_setup, _policy

ROOT_KEY_ADMIN = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "kms:*", "Resource": "*"}
EVENTS_USE_KEY = {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                  "Resource": "*"}


def _alarm_topic(account) -> str:
    return account.client("cloudwatch").describe_alarms()["MetricAlarms"][0]["AlarmActions"][0]


def _realarm(account, **settings) -> None:
    alarm = {"AlarmName": "root-usage", "MetricName": "RootUsage", "Namespace": "CIS", "Statistic": "Sum", "Period": 300,
             "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
             "AlarmActions": [_alarm_topic(account)]}
    account.client("cloudwatch").put_metric_alarm(**{**alarm, **settings})


@pytest.mark.parametrize("settings", [{"Threshold": 5, "ComparisonOperator": "GreaterThanThreshold"},
                                      {"ComparisonOperator": "LessThanThreshold"},
                                      {"EvaluationPeriods": 3, "DatapointsToAlarm": 3},
                                      {"Statistic": "Average", "Threshold": 2}])
def test_a_cis_alarm_that_one_root_event_cannot_trip_does_not_count(account, settings):
    _cis_setup(account)
    _realarm(account, **settings)
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.FAIL
    assert finding.evidence["cis_metric_filter"]["cis_filters"][0]["alarms_that_cannot_fire"]


def test_the_usual_cis_alarm_forms_count(account):
    _cis_setup(account)
    _realarm(account, Threshold=0, ComparisonOperator="GreaterThanThreshold", EvaluationPeriods=2, DatapointsToAlarm=1)
    assert account.check("alerts.root-activity").status is Status.PASS


def test_a_subscriber_whose_filter_policy_may_drop_the_alert_is_not_a_pass(account):
    topic = put_rule(account, "root-alerts", BOTH)
    sns = account.client("sns")
    sub = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0]["SubscriptionArn"]
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue=json.dumps({"severity": ["critical"]}))
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.UNKNOWN and finding.reason == "delivery-unverified" and "filter policy" in finding.summary


@pytest.mark.parametrize("disable", ["disable_key", "schedule_key_deletion"])
def test_a_disabled_or_doomed_key_refuses_the_alert(account, disable):
    kms = account.client("kms")
    key = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [ROOT_KEY_ADMIN, EVENTS_USE_KEY]}))["KeyMetadata"]["KeyId"]
    getattr(kms, disable)(KeyId=key)
    topic = put_rule(account, "root-alerts", BOTH)
    account.client("sns").set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue=key)
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.FAIL and finding.reason == "delivery-blocked"


@pytest.mark.parametrize("condition", [{"Null": {"aws:SourceOwner": "true"}}, {"StringNotEquals": {"aws:SourceOwner": ACCOUNT_ID}}])
def test_a_deny_on_a_key_eventbridge_does_not_send_applies_to_it(account, condition):
    topic = put_rule(account, "root-alerts", BOTH)
    policy = json.loads(account.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    _policy(account, topic, policy["Statement"] + [{"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": topic,
                                                     "Condition": condition}])
    assert account.check("alerts.root-activity").reason == "delivery-blocked"


def test_brackets_in_a_policy_resource_are_not_wildcards(account):
    topic = put_rule(account, "root-alerts", BOTH, allow_events=False)
    _policy(account, topic, [{"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish",
                              "Resource": topic[:-1] + "[a-z]"}])
    assert account.check("alerts.root-activity").reason == "delivery-blocked"


@pytest.mark.parametrize("effect, status", [("Deny", Status.FAIL), ("Allow", Status.PASS)])
def test_a_key_policy_statement_naming_the_key_arn_applies(account, effect, status):
    kms = account.client("kms")
    meta = kms.create_key()["KeyMetadata"]
    statements = [ROOT_KEY_ADMIN, {**EVENTS_USE_KEY, "Resource": meta["Arn"]}]
    if effect == "Deny":
        statements = [ROOT_KEY_ADMIN, EVENTS_USE_KEY, {"Effect": "Deny", "Principal": {"Service": "events.amazonaws.com"},
                                                       "Action": "kms:*", "Resource": meta["Arn"]}]
    kms.put_key_policy(KeyId=meta["KeyId"], PolicyName="default", Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    topic = put_rule(account, "root-alerts", BOTH)
    account.client("sns").set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue=meta["KeyId"])
    assert account.check("alerts.root-activity").status is status


def test_a_deny_in_the_cis_alarm_topics_policy_refuses_the_alarm(account):
    _cis_setup(account)
    topic = _alarm_topic(account)
    policy = json.loads(account.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    _policy(account, topic, policy["Statement"] + [{"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": topic}])
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.FAIL and finding.evidence["cis_metric_filter"]["reason"] == "delivery-blocked"


def test_the_enforce_tls_deny_aws_recommends_does_not_stop_the_alert(account):
    topic = put_rule(account, "root-alerts", BOTH)
    policy = json.loads(account.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    _policy(account, topic, policy["Statement"] + [{"Sid": "AllowPublishThroughSSLOnly", "Effect": "Deny", "Principal": "*",
                                                     "Action": "SNS:Publish", "Resource": topic,
                                                     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}])
    assert account.check("alerts.root-activity").status is Status.PASS


@pytest.mark.parametrize("pattern", [
    {"source": ["aws.signin", "aws.iam", "aws.s3", "aws.ec2"], "detail": {"userIdentity": {"type": ["Root"]}}},
    {"detail": {"userIdentity": {"type": ["Root"]}, "sourceIPAddress": [{"prefix": "192.0.2."}]}},
    {"detail": {"userIdentity": {"type": ["Root"]}, "eventName": ["ConsoleLogin", "CreateAccessKey", "PutBucketPolicy", "RunInstances"]}},
])
def test_a_rule_narrowed_to_what_sample_events_look_like_is_partial(account, pattern):
    put_rule(account, "looks-complete", pattern)
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.WARN and finding.reason == "partial-coverage"
