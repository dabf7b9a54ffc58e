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
        assert len(seen) == 2  # one question per sample event
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
