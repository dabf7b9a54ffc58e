"""Account states real administrators have and no practice account seeds (SPEC §2.2, §3, §4).

Each test is a way Rootwarden once gave a false pass or a false verdict: a stale credential
report, workload OIDC providers, Identity Center in another region, unparseable report values,
malformed 200 answers, a broken alert rule beside a working one, endless pagination, a hung
call, other partitions, and the cost of many unrelated EventBridge rules.
"""
from __future__ import annotations

import contextlib
import json
import threading
from typing import Any, Iterator

import pytest

from app.checks import BY_ID, REGISTRY, Settings
from app.model import Status
from app.practice import moto_gaps
from app.runner import run_checks
from tests.support import ACCOUNT_ID, Account, answerer, put_rule

BOTH = {"detail-type": ["AWS Console Sign In via CloudTrail", "AWS API Call via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}}
API_ONLY = {"detail-type": ["AWS API Call via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}}


def run(ctx, *check_ids: str, settings: Settings | None = None) -> dict[str, Any]:
    return {f.id: f for f in run_checks(ctx, [BY_ID[i] for i in check_ids], settings=settings, sleep=lambda s: None)}


def raw_body(event: str, body: bytes, status: int = 200):
    """A before-send handler answering ``event``'s requests with these exact bytes, parsed by
    botocore as AWS's own answer would be (the real parsing path, not a hand-made dict)."""
    from botocore.awsrequest import AWSResponse

    class Raw:
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield body

    def handler(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, status, {"Content-Type": "application/x-amz-json-1.1"}, Raw())

    return event, handler


@contextlib.contextmanager
def stale_report(account: Account) -> Iterator[None]:
    """Freeze the credential report as it is now: later changes show only in the live summary,
    as with AWS's report, which is cached for up to four hours."""
    frozen = moto_gaps.root_row(ACCOUNT_ID)
    real = moto_gaps.root_row
    moto_gaps.root_row = lambda account_id: frozen
    try:
        yield
    finally:
        moto_gaps.root_row = real


# -- two sources, one rule ---------------------------------------------------------------------
def test_summary_denied_and_a_report_older_than_the_new_root_key_is_not_a_pass(account):
    with stale_report(account):
        account.add_root_key()  # created after the report
        finding = account.check("root.access-keys", deny=("iam:GetAccountSummary",))
        assert finding.status is Status.UNKNOWN and finding.reason == "stale-source"
        assert "iam:GetAccountSummary" in finding.summary
        # With the live summary, the same report cannot hide the key.
        assert account.check("root.access-keys").status is Status.FAIL


def test_summary_denied_and_a_report_older_than_removed_mfa_is_not_a_pass(account):
    account.root.mfa_active = True
    with stale_report(account):
        account.root.mfa_active = False  # removed after the report
        for check_id in ("root.mfa", "root.mfa-hardware"):
            finding = account.check(check_id, deny=("iam:GetAccountSummary",))
            assert finding.status is Status.UNKNOWN and finding.reason == "stale-source", check_id
        assert account.check("root.mfa").status is Status.FAIL


def test_summary_denied_and_no_certificate_in_the_report_is_unknown(account):
    finding = account.check("root.signing-certificates", deny=("iam:GetAccountSummary",))
    assert finding.status is Status.UNKNOWN and finding.reason == "stale-source"


def test_both_sources_denied_names_the_live_one(account):
    finding = account.check("root.mfa", deny=("iam:GetAccountSummary", "iam:GetCredentialReport"))
    assert finding.status is Status.UNKNOWN and finding.reason == "denied"
    assert "iam:GetAccountSummary" in finding.summary


def test_no_credentials_needs_the_live_password_flag(account):
    """A report saying "no password" is not enough when the summary says a password exists."""
    account.root.password = False
    with stale_report(account):
        account.root.password = True  # e.g. a password recovery after the report
        finding = account.check("root.mfa")
        assert finding.status is Status.FAIL and finding.reason == "no-mfa"


# -- the credential report's values ----------------------------------------------------------
@pytest.mark.parametrize("bad", ["yesterday", "2026-13-45T99:00:00+00:00", "2026-11-01 10:00:00"])
def test_unparseable_last_used_date_is_unknown_not_never_used(account, monkeypatch, bad):
    real = moto_gaps.root_row
    account.root.password_last_used = moto_gaps.datetime(2026, 11, 1, tzinfo=moto_gaps.timezone.utc)
    good = real(ACCOUNT_ID)
    monkeypatch.setattr(moto_gaps, "root_row", lambda a: good.replace("2026-11-01T00:00:00+00:00", bad))
    finding = account.check("root.recent-use")
    assert finding.status is Status.UNKNOWN and finding.reason == "malformed-response"
    assert "password_last_used" in finding.summary


def test_two_root_rows_are_unknown_whichever_comes_first(account, monkeypatch):
    real = moto_gaps.root_row
    account.add_root_key(last_used_days=2)
    used = real(ACCOUNT_ID)
    account.root.access_keys.clear()
    unused = real(ACCOUNT_ID)
    monkeypatch.setattr(moto_gaps, "root_row", lambda a: unused + used)
    finding = account.check("root.recent-use")
    assert finding.status is Status.UNKNOWN and finding.reason == "malformed-response"
    assert "2 root rows" in finding.summary


def test_garbage_flag_in_the_root_row_is_unknown(account, monkeypatch):
    real = moto_gaps.root_row
    monkeypatch.setattr(moto_gaps, "root_row", lambda a: real(a).replace(",false,", ",maybe,", 1))
    finding = account.check("root.mfa", deny=("iam:GetAccountSummary",))
    assert finding.status is Status.UNKNOWN


# -- malformed or empty 200 answers ---------------------------------------------------------------
@pytest.mark.parametrize("body", [b"", b"{}", b'{"Rules": [{"Arn": "arn:aws:events:us-east-1:123456789012:rule/x"}]}'])
def test_malformed_list_rules_is_unknown_not_fail(account, body):
    ctx = account.context()
    ctx.add_hook(*raw_body("before-send.events.ListRules", body))
    finding = run(ctx, "alerts.root-activity")["alerts.root-activity"]
    assert finding.status is Status.UNKNOWN and finding.reason == "malformed-response"
    assert "events:ListRules" in finding.summary


@pytest.mark.parametrize("body", [b"", b"{}", b'{"Targets": [{"Id": "t"}]}'])
def test_malformed_list_targets_is_unknown(account, body):
    put_rule(account, "root-alerts", BOTH)
    ctx = account.context()
    ctx.add_hook(*raw_body("before-send.events.ListTargetsByRule", body))
    finding = run(ctx, "alerts.root-activity")["alerts.root-activity"]
    assert finding.status is Status.UNKNOWN and finding.reason == "malformed-response"
    assert "events:ListTargetsByRule" in finding.summary


@pytest.mark.parametrize("body", [b"", b"{}", b'{"Instances": "none"}'])
def test_malformed_list_instances_is_unknown(account, body):
    ctx = account.context()
    ctx.add_hook(*raw_body("before-send.sso-admin.ListInstances", body))
    finding = run(ctx, "identity.central")["identity.central"]
    assert finding.status is Status.UNKNOWN and finding.reason == "malformed-response"
    assert "sso:ListInstances" in finding.summary


def test_account_summary_without_the_root_flags_is_not_a_pass(account):
    ctx = account.context()
    ctx.add_hook("before-call.iam.GetAccountSummary", answerer({"iam:GetAccountSummary": {"SummaryMap": {"Users": 3}}}))
    finding = run(ctx, "root.access-keys")["root.access-keys"]
    assert finding.status is Status.UNKNOWN and finding.reason == "stale-source"
    assert finding.evidence["account_summary_error"]["reason"] == "malformed-response"


# -- identity: OIDC providers and Identity Center's region ---------------------------------------------
def test_identity_center_in_another_region_is_found(account):
    """The connection is in us-east-1, the instance in eu-west-1: ListInstances must ask all regions."""
    instance = {"InstanceArn": "arn:aws:sso:::instance/ssoins-7223a6d5a1b2c3d4", "IdentityStoreId": "d-93670a1b2c",
                "OwnerAccountId": ACCOUNT_ID, "Status": "ACTIVE", "PrimaryRegion": "eu-west-1"}
    asked: list[dict] = []

    def list_instances(params: Any) -> dict:
        body = json.loads(params["body"] or b"{}")
        asked.append(body)
        return {"Instances": [instance] if body.get("RegionScope") == "ALL_REGIONS" else []}

    ctx = account.context(region="us-east-1")
    ctx.add_hook("before-call", answerer({"sso-admin:ListInstances": list_instances}))
    finding = run(ctx, "identity.central")["identity.central"]
    assert finding.status is Status.PASS and finding.reason == "compliant"
    assert finding.evidence["identity_center_instances"][0]["region"] == "eu-west-1"
    assert asked and all(a.get("RegionScope") == "ALL_REGIONS" for a in asked)


# -- alerts: any valid path passes ------------------------------------------------------------------
def test_a_rule_whose_topic_was_deleted_does_not_hide_a_working_rule(account):
    stale = put_rule(account, "old-root-alerts", BOTH)
    account.client("sns").delete_topic(TopicArn=stale)
    put_rule(account, "root-alerts", BOTH)
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.PASS, finding.summary
    assert "root-alerts" in finding.summary


def test_a_rule_whose_topic_was_deleted_alone_fails(account):
    stale = put_rule(account, "old-root-alerts", BOTH)
    account.client("sns").delete_topic(TopicArn=stale)
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.FAIL and finding.reason == "no-confirmed-subscriber"


def test_a_rule_targeting_another_partition_does_not_hide_a_working_rule(account):
    events = account.client("events")
    events.put_rule(Name="cn-forward", EventPattern=json.dumps(BOTH), State="ENABLED")
    events.put_targets(Rule="cn-forward", Targets=[{"Id": "t", "Arn": f"arn:aws-cn:sns:cn-north-1:{ACCOUNT_ID}:elsewhere"}])
    put_rule(account, "root-alerts", BOTH)
    finding = account.check("alerts.root-activity")
    assert finding.status is Status.PASS
    forwarded = [r for r in finding.evidence["eventbridge"]["matching_rules"] if r["rule"] == "cn-forward"]
    assert forwarded[0]["topics_in_another_partition"] == [f"arn:aws-cn:sns:cn-north-1:{ACCOUNT_ID}:elsewhere"]


def test_a_3000_deep_pattern_is_judged_without_crashing(account):
    put_rule(account, "root-alerts", BOTH)
    deep = "{" + '"a":{' * 3000 + '"b":["c"]' + "}" * 3001
    valid = account.client("events").list_rules()["Rules"][0]
    ctx = account.context()
    ctx.add_hook("before-call", answerer({"events:ListRules": {"Rules": [
        {"Name": "deep", "Arn": f"arn:aws:events:us-east-1:{ACCOUNT_ID}:rule/deep", "EventPattern": deep, "State": "ENABLED"},
        {k: valid[k] for k in ("Name", "Arn", "EventPattern", "State")}]}}))
    finding = run(ctx, "alerts.root-activity")["alerts.root-activity"]
    assert finding.status is Status.PASS
    assert finding.evidence["eventbridge"]["unjudged_rules"] == ["deep"]


def test_the_local_matcher_refuses_deep_patterns_instead_of_recursing():
    from app import event_pattern

    with pytest.raises(event_pattern.UnsupportedPattern):
        event_pattern.matches("{" + '"a":{' * 3000 + '"b":["c"]' + "}" * 3001, {})
    with pytest.raises(event_pattern.UnsupportedPattern):
        event_pattern.matches(_nested(100), {})


def _nested(depth: int) -> dict:
    node: dict = {"b": ["c"]}
    for _ in range(depth):
        node = {"a": node}
    return node


# -- pagination and deadlines ------------------------------------------------------------------------
def test_a_repeating_next_token_stops_with_unknown(account):
    seen: list = []
    ctx = account.context()
    ctx.add_hook("before-call", answerer({"events:ListRules": {"Rules": [], "NextToken": "again"}}, seen))
    finding = run(ctx, "alerts.root-activity")["alerts.root-activity"]
    assert finding.status is Status.UNKNOWN and finding.reason == "incomplete-listing"
    assert len(seen) == 2  # the first page, and the page that repeated the token


def test_more_pages_than_the_bound_stop_with_unknown(account, monkeypatch):
    from app.aws import snapshot

    monkeypatch.setattr(snapshot, "MAX_PAGES", 5)
    counter = iter(range(1000))
    ctx = account.context()
    ctx.add_hook("before-call", answerer({"iam:ListVirtualMFADevices": lambda p: {"VirtualMFADevices": [], "IsTruncated": True,
                                                                                   "Marker": f"m{next(counter)}"}}))
    finding = run(ctx, "root.mfa-hardware")["root.mfa-hardware"]
    assert finding.status is Status.UNKNOWN and finding.reason == "incomplete-listing"


def test_a_hung_call_ends_at_the_run_deadline_naming_it(account):
    release = threading.Event()
    ctx = account.context()

    def hang(**_: Any) -> None:
        release.wait(30)

    ctx.add_hook("before-call.iam.GenerateCredentialReport", hang)
    try:
        findings = run(ctx, *[c.id for c in REGISTRY], settings=Settings(deadline_seconds=1.0))
    finally:
        release.set()
    waiting = findings["root.recent-use"]
    assert waiting.status is Status.UNKNOWN and waiting.reason == "timeout"
    assert "iam:GenerateCredentialReport" in waiting.summary and "deadline" in waiting.summary
    assert findings["contacts.security"].reason != "timeout"  # independent checks still answered
    assert len(findings) == len(REGISTRY)


def test_checks_waiting_for_slow_calls_do_not_hold_back_independent_ones(account):
    """While every other call is slow (the credential report, the summary, the listings), the
    three contact checks must already be asking AWS: no check queues behind another's wait."""
    release = threading.Event()
    contacts = threading.Semaphore(0)
    ctx = account.context()

    def slow_except_contacts(model: Any, **_: Any) -> None:
        if model.name == "GetAlternateContact":
            contacts.release()
        else:
            release.wait(30)

    ctx.add_hook("before-call", slow_except_contacts)
    started = threading.Thread(target=lambda: run(ctx, *[c.id for c in REGISTRY]))
    started.start()
    try:
        assert all(contacts.acquire(timeout=15) for _ in range(3)), "contact calls queued behind other checks' waits"
    finally:
        release.set()
        started.join(60)


# -- partitions -----------------------------------------------------------------------------------
@pytest.fixture
def china():
    with Account.started("cn-north-1") as acct:
        yield acct


@pytest.fixture
def govcloud():
    with Account.started("us-gov-west-1") as acct:
        yield acct


def test_china_root_virtual_mfa_is_seen(china):
    china.root.mfa_active = True
    serial = china.client("iam").create_virtual_mfa_device(VirtualMFADeviceName="root-phone")["VirtualMFADevice"]["SerialNumber"]
    moto_gaps.assign_virtual_mfa(ACCOUNT_ID, serial, f"arn:aws-cn:iam::{ACCOUNT_ID}:root", partition="aws-cn")
    finding = china.check("root.mfa-hardware")
    assert finding.status is Status.WARN and finding.reason == "virtual-mfa"
    assert finding.evidence["root_arn"] == f"arn:aws-cn:iam::{ACCOUNT_ID}:root"
    assert "console.amazonaws.cn" in finding.as_dict()["remediation"]["console_url"]


def test_china_root_caller_is_root(china):
    from app.aws.context import AwsContext
    from app.connection import identify

    china.add_root_key(key_id="AKIAROOTCHINA0000001")
    ctx = AwsContext.from_keys("AKIAROOTCHINA0000001", "r" * 40, region="cn-north-1")
    identity = identify(ctx)
    assert identity.caller_arn == f"arn:aws-cn:iam::{ACCOUNT_ID}:root" and identity.is_root


def test_china_alerts_live_in_cn_north_1(china):
    put_rule(china, "root-alerts", BOTH)
    finding = china.check("alerts.root-activity")
    assert finding.status is Status.PASS and "cn-north-1" in finding.summary
    assert finding.evidence["eventbridge"]["region"] == "cn-north-1"


def test_govcloud_root_has_no_console_so_mfa_is_not_applicable(govcloud):
    for check_id in ("root.mfa", "root.mfa-hardware"):
        finding = govcloud.check(check_id)
        assert finding.status is Status.NOT_APPLICABLE and finding.reason == "no-console-in-partition", check_id
    keys = govcloud.check("root.access-keys")
    assert keys.status is Status.PASS
    assert keys.as_dict()["remediation"]["console_url"].startswith("https://console.amazonaws-us-gov.com/")


def test_govcloud_alerts_need_api_calls_only_in_us_gov_west_1(govcloud):
    put_rule(govcloud, "root-api", API_ONLY)
    finding = govcloud.check("alerts.root-activity")
    assert finding.status is Status.PASS and "us-gov-west-1" in finding.summary


def test_govcloud_alert_fix_builds_partition_arns(govcloud):
    from app.fixes.alerts import RULE_STATE, SetUpRootAlerts
    from app.aws.partition import by_name

    fix = SetUpRootAlerts(ACCOUNT_ID, "sec@example.com", by_name("aws-us-gov"))
    ctx = govcloud.context()
    for _change, step in fix._steps(ctx):
        step()
    rule = govcloud.client("events").describe_rule(Name="rootwarden-root-activity")
    assert rule["State"] == RULE_STATE and rule["Arn"].startswith("arn:aws-us-gov:events:us-gov-west-1:")
    policy = json.loads(govcloud.client("sns").get_topic_attributes(TopicArn=fix.topic_arn)["Attributes"]["Policy"])
    assert policy["Statement"][0]["Principal"]["AWS"] == f"arn:aws-us-gov:iam::{ACCOUNT_ID}:root"
    moto_gaps.confirm_email_subscriptions(ACCOUNT_ID)
    assert govcloud.check("alerts.root-activity").status is Status.PASS


# -- alert coverage wording and the fix's rule state ---------------------------------------------------
def test_pass_text_says_which_calls_a_plain_enabled_rule_misses(account):
    put_rule(account, "root-alerts", BOTH, state="ENABLED")
    summary = account.check("alerts.root-activity").summary
    assert "not read-only calls" in summary and "us-east-1" in summary and "other regions" in summary


def test_pass_text_with_all_management_events(account):
    put_rule(account, "root-alerts", BOTH, state="ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
    summary = account.check("alerts.root-activity").summary
    assert "including read-only calls" in summary


# -- scale: unrelated rules cost nothing --------------------------------------------------------------
def _alert_calls(account: Account) -> list[str]:
    calls: list[str] = []
    ctx = account.context()
    ctx.add_hook("before-call", lambda model, **_: calls.append(model.name))
    run(ctx, "alerts.root-activity")
    return calls


def test_unrelated_rules_add_no_calls(account):
    put_rule(account, "root-alerts", BOTH)
    baseline = _alert_calls(account)
    events = account.client("events")
    for i in range(200):
        name = f"unrelated-{i}"
        pattern = {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]} if i % 2 else \
            {"source": [{"prefix": "com.example"}], "detail": {"bucket": [f"b{i}"]}}
        events.put_rule(Name=name, EventPattern=json.dumps(pattern), State="ENABLED" if i % 3 else "DISABLED")
        events.put_targets(Rule=name, Targets=[{"Id": "t", "Arn": f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:f{i}"}])
    with_rules = _alert_calls(account)
    assert "TestEventPattern" not in with_rules
    assert with_rules.count("ListTargetsByRule") == baseline.count("ListTargetsByRule") == 1
    assert len(with_rules) - len(baseline) <= 3  # at most a few more ListRules pages
