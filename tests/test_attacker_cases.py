"""Cases found by an attacker's review of the verdicts: each once gave a false pass, a false
warning or a crash; each now gives the honest verdict (SPEC §2.2)."""
from __future__ import annotations

from datetime import timedelta


from app.checks import BY_ID
from app.model import Status
from app.practice import moto_gaps
from app.runner import run_checks
from tests.support import ACCOUNT_ID, NOW, answerer, put_rule
from tests.test_real_account_verdicts import raw_body

ROOT_TYPE = {"userIdentity": {"type": ["Root"]}}
BOTH_TYPES = ["AWS Console Sign In via CloudTrail", "AWS API Call via CloudTrail"]
BOTH = {"detail-type": BOTH_TYPES, "detail": ROOT_TYPE}
CIS = CIS_QUOTED = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'


def run(ctx, *ids):
    return {f.id: f for f in run_checks(ctx, [BY_ID[i] for i in ids], sleep=lambda s: None)}

def test_anything_but_never_matches_an_absent_field(account):
    # AWS: anything-but never matches a field missing from the event; successful root calls
    # carry no errorCode, so this rule never fires on them.
    put_rule(account, "root-alerts", {"detail-type": BOTH_TYPES,
                                      "detail": {**ROOT_TYPE, "errorCode": [{"anything-but": "AccessDenied"}]}})
    f = account.check("alerts.root-activity")
    assert f.status is Status.FAIL

def test_wildcard_knows_only_the_star(account):
    # AWS wildcard knows only '*'; '?' and '[..]' are literal characters.
    put_rule(account, "root-alerts", {"detail-type": [{"wildcard": "AWS Console Sign In via CloudTrai?"},
                                                      {"wildcard": "AWS API Call via CloudTrai[l]"}],
                                      "detail": {"userIdentity": {"type": [{"wildcard": "R[o]ot"}]}}})
    f = account.check("alerts.root-activity")
    assert f.status is Status.FAIL

def test_exists_sees_only_leaf_values(account):
    # AWS: exists only sees leaf nodes; detail.userIdentity is an object, so exists:true never matches.
    put_rule(account, "root-alerts", {"detail-type": BOTH_TYPES, "detail": {"userIdentity": [{"exists": True}]}})
    f = account.check("alerts.root-activity")
    assert f.status is Status.FAIL

def test_exists_false_on_an_object_matches(account):
    # AWS: exists:false on a non-leaf (detail.additionalEventData is an object in sign-ins) matches; local says no.
    put_rule(account, "root-alerts", {"detail-type": BOTH_TYPES,
                                      "detail": {**ROOT_TYPE, "additionalEventData": [{"exists": False}]}})
    f = account.check("alerts.root-activity")
    assert f.status is Status.PASS

def test_an_alarm_with_actions_disabled_notifies_nobody(account):
    _cis(account, actions_enabled=False)
    f = account.check("alerts.root-activity")
    assert f.status is Status.FAIL

def test_a_metric_that_never_rises_cannot_alarm(account):
    _cis(account, metric_value="0")
    f = account.check("alerts.root-activity")
    assert f.status is Status.FAIL

def test_spaces_inside_quoted_values_count(account):
    _cis(account, pattern='{ $.userIdentity.type = "Ro ot" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }')
    f = account.check("alerts.root-activity")
    assert f.status is Status.FAIL

def _cis(account, *, pattern=CIS_QUOTED, metric_value="1", actions_enabled=True, selectors=None):
    logs, trail, cw, sns, s3 = (account.client(s) for s in ("logs", "cloudtrail", "cloudwatch", "sns", "s3"))
    s3.create_bucket(Bucket="trail-bucket")
    logs.create_log_group(logGroupName="trail-logs")
    trail.create_trail(Name="main", S3BucketName="trail-bucket", IsMultiRegionTrail=True,
                       CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:trail-logs:*",
                       CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/ct")
    if selectors:
        trail.put_event_selectors(TrailName="main", EventSelectors=selectors)
    trail.start_logging(Name="main")
    logs.put_metric_filter(logGroupName="trail-logs", filterName="root-usage", filterPattern=pattern,
                           metricTransformations=[{"metricName": "RootUsage", "metricNamespace": "CIS", "metricValue": metric_value}])
    topic = sns.create_topic(Name="cis-alarms")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="sec@example.com")
    moto_gaps.confirm_email_subscriptions(ACCOUNT_ID, topic)
    cw.put_metric_alarm(AlarmName="root-usage", MetricName="RootUsage", Namespace="CIS", Statistic="Sum", Period=300,
                        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                        AlarmActions=[topic], ActionsEnabled=actions_enabled)

def test_a_contact_of_another_type_is_malformed(account):
    ctx = account.context()
    ctx.add_hook(*raw_body("before-send.account.GetAlternateContact",
                           b'{"AlternateContact": {"AlternateContactType": "BILLING", "EmailAddress": ""}}'))
    f = run(ctx, "contacts.security")["contacts.security"]
    assert f.status is Status.UNKNOWN and f.reason == "malformed-response"

def test_a_subscription_of_another_topic_does_not_count(account):
    put_rule(account, "root-alerts", BOTH, email=None)  # no subscriber at all
    ctx = account.context()
    ctx.add_hook("before-call", answerer({"sns:ListSubscriptionsByTopic": {"Subscriptions": [{
        "SubscriptionArn": f"arn:aws:sns:us-east-1:{ACCOUNT_ID}:some-other-topic:0b1c2d3e-aaaa-bbbb-cccc-000000000000",
        "TopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT_ID}:some-other-topic", "Protocol": "email", "Owner": ACCOUNT_ID,
        "Endpoint": "x@example.com"}]}}))
    f = run(ctx, "alerts.root-activity")["alerts.root-activity"]
    assert f.status is Status.FAIL

def test_a_log_group_of_another_account_is_not_read_in_ours(account):
    """DescribeTrails shows the organization trail, whose log group lives in the management account
    (999999999999). A same-named log group in THIS account, fed by nothing, holds a CIS filter+alarm."""
    logs, cw, sns = (account.client(s) for s in ("logs", "cloudwatch", "sns"))
    logs.create_log_group(logGroupName="org-trail-logs")
    logs.put_metric_filter(logGroupName="org-trail-logs", filterName="root-usage", filterPattern=CIS,
                           metricTransformations=[{"metricName": "RootUsage", "metricNamespace": "CIS", "metricValue": "1"}])
    topic = sns.create_topic(Name="cis")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")
    moto_gaps.confirm_email_subscriptions(ACCOUNT_ID, topic)
    cw.put_metric_alarm(AlarmName="root", MetricName="RootUsage", Namespace="CIS", Statistic="Sum", Period=300, EvaluationPeriods=1,
                        Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic])
    trail_arn = "arn:aws:cloudtrail:us-east-1:999999999999:trail/org-trail"
    ctx = account.context()
    ctx.add_hook("before-call", answerer({
        "cloudtrail:DescribeTrails": {"trailList": [{"Name": "org-trail", "TrailARN": trail_arn, "IsMultiRegionTrail": True,
                                                     "IsOrganizationTrail": True, "HomeRegion": "us-east-1",
                                                     "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:999999999999:log-group:org-trail-logs:*"}]},
        "cloudtrail:GetTrailStatus": {"IsLogging": True}}))
    f = run(ctx, "alerts.root-activity")["alerts.root-activity"]
    assert f.status is not Status.PASS

def test_no_credentials_needs_the_live_password_flag(account):
    """Live summary (as real AWS returns it: no AccountPasswordPresent) says no keys, no MFA.
    The report (up to 4 h old) says password_enabled=false. Root has since got a password."""
    account.root.password = False  # the report's (stale) view
    ctx = account.context()
    ctx.add_hook("before-call.iam.GetAccountSummary", answerer({"iam:GetAccountSummary": {"SummaryMap": {
        "AccountMFAEnabled": 0, "AccountAccessKeysPresent": 0, "AccountSigningCertificatesPresent": 0, "Users": 1}}}))
    f = run(ctx, "root.mfa", "root.mfa-hardware")
    for x in f.values():
        assert f["root.mfa"].status is Status.UNKNOWN and f["root.mfa"].reason == "stale-source"

def test_a_truncated_root_row_is_malformed(account, monkeypatch):
    """A root row cut short after mfa_active: every use date is None -> 'never used' pass."""
    account.root.password_last_used = NOW - timedelta(days=1)  # used yesterday
    real = moto_gaps.root_row
    def short(a):
        fields = real(a).rstrip("\n").split(",")
        return ",".join(fields[:4]) + "\n"  # user, arn, created, password_enabled; then nothing
    monkeypatch.setattr(moto_gaps, "root_row", short)
    f = run(account.context(), "root.recent-use")["root.recent-use"]
    assert f.status is Status.UNKNOWN and f.reason == "malformed-response"

def test_a_repeated_header_column_is_malformed(account, monkeypatch):
    """A duplicated password_last_used column: DictReader keeps the last one ('N/A')."""
    account.root.password_last_used = NOW - timedelta(days=1)
    from moto.iam import models as iam_models
    real = iam_models.IAMBackend.get_credential_report
    def dup(self):
        text = real(self)
        lines = text.split("\n")
        lines[0] = lines[0] + ",password_last_used"
        lines = [lines[0]] + [l + ",N/A" if l else l for l in lines[1:]]
        return "\n".join(lines)
    monkeypatch.setattr(iam_models.IAMBackend, "get_credential_report", dup)
    f = run(account.context(), "root.recent-use")["root.recent-use"]
    assert f.status is Status.UNKNOWN and f.reason == "malformed-response"

def test_truncated_without_a_marker_is_incomplete(account):
    """IsTruncated=true but no Marker: the listing ends early; root's virtual device on page 2 is never seen."""
    account.root.mfa_active = True
    ctx = account.context()
    ctx.add_hook("before-call", answerer({"iam:ListVirtualMFADevices": {"VirtualMFADevices": [], "IsTruncated": True}}))
    f = run(ctx, "root.mfa-hardware")["root.mfa-hardware"]
    assert f.status is Status.UNKNOWN and f.reason == "incomplete-listing"

def test_an_odd_caller_arn_is_malformed_not_a_crash(account):
    ctx = account.context()
    ctx.add_hook("before-call", answerer({"sts:GetCallerIdentity": {
        "Account": ACCOUNT_ID, "Arn": f"arn:AWS:iam::{ACCOUNT_ID}:user/admin", "UserId": "AIDAX"}}))
    found = run(ctx, "root.mfa", "contacts.security")
    assert found["root.mfa"].status is Status.UNKNOWN and found["root.mfa"].reason == "malformed-response"
    assert found["contacts.security"].status is Status.FAIL


def test_an_unknown_partition_is_unknown_not_not_applicable(account):
    ctx = account.context()
    ctx.add_hook("before-call", answerer({"sts:GetCallerIdentity": {
        "Account": ACCOUNT_ID, "Arn": f"arn:aws-eusc:iam::{ACCOUNT_ID}:user/admin", "UserId": "AIDAX"}}))
    found = run(ctx, "root.mfa", "root.mfa-hardware")
    assert all(f.status is Status.UNKNOWN and f.reason == "unsupported-partition" for f in found.values())
