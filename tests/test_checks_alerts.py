"""Step 6: root-activity alerts through EventBridge or the CIS metric filter."""
from __future__ import annotations


import pytest

from app.checks import alert_paths
from app.model import Status
from app.practice import moto_gaps
from tests.support import ACCOUNT_ID, answerer, put_rule

BOTH = {"detail-type": ["AWS Console Sign In via CloudTrail", "AWS API Call via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}}
SIGN_IN_ONLY = {"detail-type": ["AWS Console Sign In via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}}


def test_no_rule_fails(account):
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.FAIL
    assert "us-east-1" in finding.summary


def test_enabled_rule_with_confirmed_subscription_passes(account):
    put_rule(account, "root-alerts", BOTH)
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.PASS
    rule = finding.evidence["eventbridge"]["matching_rules"][0]
    assert rule["matches"] == ["api_call", "sign_in"] and rule["judged_by"] == ["local matcher"]


def test_disabled_rule_fails_and_says_so(account):
    put_rule(account, "root-alerts", BOTH, state="DISABLED")
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.FAIL
    assert "disabled" in finding.summary


def test_rule_outside_us_east_1_does_not_count(account):
    put_rule(account, "root-alerts", BOTH, region="eu-west-1")
    assert account.check("alerts.root-activity", region="eu-west-1").status is Status.FAIL


def test_only_sign_ins_warns(account):
    put_rule(account, "root-signins", SIGN_IN_ONLY)
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.WARN
    assert "root API calls" in finding.summary


def test_pending_subscription_warns(account):
    put_rule(account, "root-alerts", BOTH, confirm=False)
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.WARN
    assert "pending confirmation" in finding.summary


def test_rule_without_subscription_fails(account):
    put_rule(account, "root-alerts", BOTH, email=None)
    assert account.check("alerts.root-activity").status is Status.FAIL


# A pattern the local matcher cannot judge: an operator it does not implement.
UNJUDGEABLE = {**BOTH, "detail": {"userIdentity": {"type": ["Root"]}, "sourceIPAddress": [{"cidr": "0.0.0.0/0"}]}}


def test_testeventpattern_answer_is_used_for_patterns_the_local_matcher_cannot_judge(account):
    """Where the local matcher cannot judge a pattern and EventBridge answers TestEventPattern,
    AWS's answer decides."""
    put_rule(account, "root-alerts", UNJUDGEABLE)
    for answer, status in ((True, Status.PASS), (False, Status.FAIL)):
        seen: list = []
        ctx = account.context()
        ctx.add_hook("before-call", answerer({"events:TestEventPattern": {"Result": answer}}, seen))
        from app.checks import BY_ID
        from app.runner import run_checks

        (finding,) = run_checks(ctx, [BY_ID["alerts.root-activity"]], sleep=lambda s: None)
        assert len(seen) == 8  # one question per variant event: three sign-ins, five API calls
        assert finding.status is status
        if answer:
            assert finding.evidence["eventbridge"]["matching_rules"][0]["judged_by"] == ["TestEventPattern"]


def test_locally_judged_patterns_never_ask_testeventpattern(account):
    put_rule(account, "root-alerts", BOTH)
    seen: list = []
    ctx = account.context()
    ctx.add_hook("before-call", answerer({"events:TestEventPattern": {"Result": False}}, seen))
    from app.checks import BY_ID
    from app.runner import run_checks

    (finding,) = run_checks(ctx, [BY_ID["alerts.root-activity"]], sleep=lambda s: None)
    assert seen == [] and finding.status is Status.PASS


def test_unknown_when_listing_rules_is_denied_and_no_cis_alarm(account):
    finding = account.check("alerts.root-activity", deny=("events:ListRules",))
    assert finding.status is Status.UNKNOWN
    assert "events:ListRules" in finding.summary


@pytest.mark.parametrize("denied", ["events:ListTargetsByRule", "sns:ListSubscriptionsByTopic"])
def test_unknown_when_a_later_call_is_denied(account, denied):
    put_rule(account, "root-alerts", BOTH)
    finding = account.check("alerts.root-activity", deny=(denied,))
    assert finding.status is Status.UNKNOWN and denied in finding.summary


# -- the CIS metric filter form -----------------------------------------------------------
CIS_QUOTED = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
CIS_UNQUOTED = "{$.userIdentity.type=Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType!=AwsServiceEvent}"


@pytest.mark.parametrize("pattern", [CIS_QUOTED, CIS_UNQUOTED])
def test_cis_filter_forms_are_recognised(pattern):
    assert alert_paths.is_cis_root_filter(pattern)


def test_a_different_filter_is_not_cis():
    assert not alert_paths.is_cis_root_filter('{ $.userIdentity.type = "Root" }')


def _cis_setup(account, multi_region: bool = True, confirm: bool = True, pattern: str = CIS_QUOTED) -> None:
    logs, trail, cw, sns, s3 = (account.client(s) for s in ("logs", "cloudtrail", "cloudwatch", "sns", "s3"))
    s3.create_bucket(Bucket="trail-bucket")
    logs.create_log_group(logGroupName="trail-logs")
    group_arn = f"arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:trail-logs:*"
    trail.create_trail(Name="main", S3BucketName="trail-bucket", IsMultiRegionTrail=multi_region,
                       CloudWatchLogsLogGroupArn=group_arn, CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/ct")
    trail.start_logging(Name="main")
    logs.put_metric_filter(logGroupName="trail-logs", filterName="root-usage", filterPattern=pattern,
                           metricTransformations=[{"metricName": "RootUsage", "metricNamespace": "CIS", "metricValue": "1"}])
    topic = sns.create_topic(Name="cis-alarms")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="sec@example.com")
    if confirm:
        moto_gaps.confirm_email_subscriptions(ACCOUNT_ID, topic)
    cw.put_metric_alarm(AlarmName="root-usage", MetricName="RootUsage", Namespace="CIS", Statistic="Sum", Period=300,
                        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic])


def test_cis_metric_filter_with_alarm_passes(account):
    _cis_setup(account)
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.PASS
    assert finding.evidence["cis_metric_filter"]["cis_filters"][0]["alarms"] == ["root-usage"]


def test_cis_alarm_with_pending_subscription_warns(account):
    _cis_setup(account, confirm=False)
    assert account.check("alerts.root-activity").status is Status.WARN


def test_cis_filter_on_single_region_trail_fails(account):
    _cis_setup(account, multi_region=False)
    assert account.check("alerts.root-activity").status is Status.FAIL


@pytest.mark.parametrize("denied", ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "logs:DescribeMetricFilters",
                                    "cloudwatch:DescribeAlarmsForMetric"])
def test_cis_path_calls_denied_are_unknown(account, denied):
    _cis_setup(account)
    finding = account.check("alerts.root-activity", deny=(denied,))
    assert finding.status is Status.UNKNOWN and denied in finding.summary


def test_identity_denied_is_unknown(account):
    finding = account.check("alerts.root-activity", deny=("sts:GetCallerIdentity",))
    assert finding.status is Status.UNKNOWN and "sts:GetCallerIdentity" in finding.summary


def test_testeventpattern_denied_leaves_an_unjudgeable_pattern_unknown(account):
    put_rule(account, "root-alerts", UNJUDGEABLE)
    finding = account.check("alerts.root-activity", deny=("events:TestEventPattern",))
    assert finding.status is Status.UNKNOWN and finding.reason == "unsupported-pattern"


def test_testeventpattern_denied_does_not_matter_for_a_locally_judged_pattern(account):
    put_rule(account, "root-alerts", BOTH)
    finding = account.check("alerts.root-activity", deny=("events:TestEventPattern",))
    assert finding.status is Status.PASS
    assert finding.evidence["eventbridge"]["matching_rules"][0]["judged_by"] == ["local matcher"]


# -- can the alert reach the topic? (a confirmed subscriber behind a closed door is no alert) ---
def _policy(account, topic: str, statements: list[dict]) -> None:
    import json

    account.client("sns").set_topic_attributes(TopicArn=topic, AttributeName="Policy",
                                               AttributeValue=json.dumps({"Version": "2012-10-17", "Statement": statements}))


def _events_allow(topic: str, condition: dict | None = None, effect: str = "Allow") -> dict:
    statement = {"Effect": effect, "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish", "Resource": topic}
    return {**statement, "Condition": condition} if condition else statement


def test_a_topic_whose_policy_does_not_let_eventbridge_publish_fails(account):
    put_rule(account, "root-alerts", BOTH, allow_events=False)  # the topic's default policy: the account's principals only
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.FAIL and finding.reason == "delivery-blocked"
    assert "does not let EventBridge publish" in finding.summary


def test_a_topic_policy_for_another_rule_does_not_count(account):
    topic = put_rule(account, "root-alerts", BOTH, allow_events=False)
    _policy(account, topic, [_events_allow(topic, {"ArnEquals": {"aws:SourceArn": f"arn:aws:events:us-east-1:{ACCOUNT_ID}:rule/other"}})])
    assert account.check("alerts.root-activity").reason == "delivery-blocked"


def test_a_deny_for_eventbridge_wins_over_the_allow(account):
    topic = put_rule(account, "root-alerts", BOTH)
    import json

    policy = json.loads(account.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    _policy(account, topic, policy["Statement"] + [_events_allow(topic, effect="Deny")])
    assert account.check("alerts.root-activity").status is Status.FAIL


def test_an_allow_with_conditions_rootwarden_cannot_judge_is_unknown_not_pass(account):
    topic = put_rule(account, "root-alerts", BOTH, allow_events=False)
    _policy(account, topic, [_events_allow(topic, {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}})])
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.UNKNOWN and finding.reason == "delivery-unverified"


def test_a_wildcard_allow_for_the_source_account_passes(account):
    topic = put_rule(account, "root-alerts", BOTH, allow_events=False)
    _policy(account, topic, [{"Effect": "Allow", "Principal": {"Service": ["events.amazonaws.com"]}, "Action": "SNS:*",
                              "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}}])
    assert account.check("alerts.root-activity").status is Status.PASS


def test_a_topic_encrypted_with_the_aws_managed_key_fails(account):
    topic = put_rule(account, "root-alerts", BOTH)
    account.client("sns").set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns")
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.FAIL and finding.reason == "delivery-blocked" and "aws/sns" in finding.summary


@pytest.mark.parametrize("allow_events, status", [(False, Status.FAIL), (True, Status.PASS)])
def test_a_customer_key_must_let_eventbridge_use_it(account, allow_events, status):
    import json

    kms = account.client("kms")
    statements = [{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                   "Action": "kms:*", "Resource": "*"}]
    if allow_events:
        statements.append({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                           "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"})
    key = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))["KeyMetadata"]["KeyId"]
    topic = put_rule(account, "root-alerts", BOTH)
    account.client("sns").set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue=key)
    assert account.check("alerts.root-activity").status is status


def test_a_target_that_publishes_through_a_role_is_unknown(account):
    topic = put_rule(account, "root-alerts", BOTH)
    account.client("events").put_targets(Rule="root-alerts", Targets=[{"Id": "t", "Arn": topic,
                                                                       "RoleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/publisher"}])
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.UNKNOWN and "role/publisher" in finding.summary


@pytest.mark.parametrize("denied", ["sns:GetTopicAttributes", "kms:DescribeKey"])
def test_the_topics_door_unreadable_is_unknown(account, denied):
    topic = put_rule(account, "root-alerts", BOTH)
    key = account.client("kms").create_key()["KeyMetadata"]["KeyId"]
    account.client("sns").set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue=key)
    finding = account.check("alerts.root-activity", deny=(denied,))
    assert finding.status is Status.UNKNOWN and denied in finding.summary


def test_a_cis_alarm_topic_encrypted_with_the_aws_managed_key_fails(account):
    _cis_setup(account)
    topic = account.client("sns").list_topics()["Topics"][0]["TopicArn"]
    account.client("sns").set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns")
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.FAIL
    assert finding.evidence["cis_metric_filter"]["reason"] == "delivery-blocked"


# -- a pattern narrower than "every root sign-in / API call" ------------------------------------
NO_MFA_SIGN_INS = {"detail-type": ["AWS Console Sign In via CloudTrail", "AWS API Call via CloudTrail"],
                   "detail": {"userIdentity": {"type": ["Root"]}, "additionalEventData": {"MFAUsed": ["No"]}}}
IAM_ONLY = {"detail-type": ["AWS Console Sign In via CloudTrail", "AWS API Call via CloudTrail"], "source": ["aws.signin", "aws.iam"],
            "detail": {"userIdentity": {"type": ["Root"]}}}


@pytest.mark.parametrize("pattern, missed", [(NO_MFA_SIGN_INS, "root console sign-ins"), (IAM_ONLY, "root API calls")])
def test_a_rule_that_matches_only_some_root_activity_is_not_a_pass(account, pattern, missed):
    """A rule for root sign-ins *without MFA* goes quiet once Step 2 is done; one for IAM calls
    misses root's EC2 or S3 calls. Both matched the single sample event and passed."""
    put_rule(account, "narrow", pattern)
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.WARN and finding.reason == "partial-coverage"
    assert missed in finding.summary and "narrow" in finding.summary


def test_a_narrow_pattern_aws_must_judge_is_judged_on_every_variant(account):
    import json

    from app.checks import BY_ID
    from app.runner import run_checks

    narrow = {**IAM_ONLY, "detail": {**IAM_ONLY["detail"], "sourceIPAddress": [{"cidr": "0.0.0.0/0"}]}}
    put_rule(account, "narrow", narrow)
    seen: list = []
    ctx = account.context()
    def source(request) -> str:
        return json.loads(json.loads(request["body"])["Event"])["source"]

    ctx.add_hook("before-call", answerer({"events:TestEventPattern": lambda request: {"Result": source(request) in ("aws.signin", "aws.iam")}},
                                         seen))
    (finding,) = run_checks(ctx, [BY_ID["alerts.root-activity"]], sleep=lambda s: None)
    assert finding.status is Status.WARN and finding.reason == "partial-coverage"
    # AWS is asked only about the variants the local matcher cannot judge (the cidr operator is
    # reached only where the source matches); S3 and EC2 calls are ruled out locally
    assert sorted(source(request) for _, request in seen) == ["aws.iam", "aws.signin", "aws.signin", "aws.signin"]


# -- the trail behind the CIS filter must log root's management events ---------------------------
@pytest.mark.parametrize("selectors", [
    {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False,
                         "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]},
    {"EventSelectors": [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}]},
    {"AdvancedEventSelectors": [{"Name": "data only", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                                                          {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}]},
    {"AdvancedEventSelectors": [{"Name": "iam only", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                                                         {"Field": "eventSource", "Equals": ["iam.amazonaws.com"]}]}]},
])
def test_a_trail_that_does_not_log_roots_management_events_cannot_feed_the_cis_alarm(account, selectors):
    _cis_setup(account)
    account.client("cloudtrail").put_event_selectors(TrailName="main", **selectors)
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.FAIL
    assert "management events" in finding.evidence["cis_metric_filter"]["summary"]


@pytest.mark.parametrize("selectors", [
    {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]},
    {"AdvancedEventSelectors": [{"Name": "mgmt without KMS", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}]}]},
])
def test_a_trail_logging_all_management_events_feeds_it(account, selectors):
    _cis_setup(account)
    account.client("cloudtrail").put_event_selectors(TrailName="main", **selectors)
    assert account.check("alerts.root-activity").status is Status.PASS


def test_event_selectors_denied_is_unknown(account):
    _cis_setup(account)
    finding = account.check("alerts.root-activity", deny=("cloudtrail:GetEventSelectors",))
    assert finding.status is Status.UNKNOWN and "cloudtrail:GetEventSelectors" in finding.summary


@pytest.mark.parametrize("last_delivery_hours, status", [(None, Status.FAIL), (72, Status.FAIL), (1, Status.PASS)])
def test_a_trail_whose_cloudwatch_logs_delivery_fails_cannot_feed_the_cis_alarm(account, last_delivery_hours, status):
    from datetime import datetime, timedelta, timezone

    from app.checks import BY_ID
    from app.runner import run_checks

    _cis_setup(account)
    answer = {"IsLogging": True, "LatestCloudWatchLogsDeliveryError": "Role arn:aws:iam::123456789012:role/ct cannot be assumed"}
    if last_delivery_hours is not None:
        answer["LatestCloudWatchLogsDeliveryTime"] = datetime.now(timezone.utc) - timedelta(hours=last_delivery_hours)
    ctx = account.context()
    ctx.add_hook("before-call", answerer({"cloudtrail:GetTrailStatus": answer}))
    (finding,) = run_checks(ctx, [BY_ID["alerts.root-activity"]], sleep=lambda s: None)
    assert finding.status is status
    if status is Status.FAIL:
        assert "CloudWatch Logs" in finding.evidence["cis_metric_filter"]["summary"]
