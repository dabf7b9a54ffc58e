"""Test helpers: a simulated account, denying one AWS call, running checks.

Denial works like an IAM deny seen from the client: a botocore ``before-call`` handler answers
the chosen operation with a 403 AccessDenied before any request is sent.
"""
from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

from app.aws.context import AwsContext
from app.checks import BY_ID, Settings
from app.model import Finding

ACCOUNT_ID = "123456789012"
NOW = datetime.now(timezone.utc)


@dataclass
class Account:
    admin_keys: tuple[str, str]
    seed: Any  # a boto3 session for arranging state, as the account owner
    region: str = "us-east-1"  # its partition is the account's (moto keeps one IAM per partition)

    @classmethod
    @contextlib.contextmanager
    def started(cls, region: str = "us-east-1") -> Iterator["Account"]:
        import boto3
        from moto import mock_aws

        from app.practice import moto_gaps

        moto_gaps.install()
        moto_gaps.reset()
        with mock_aws():
            seed = boto3.Session(aws_access_key_id="AKIASEEDSEEDSEEDSEED", aws_secret_access_key="s" * 40, region_name=region)
            iam = seed.client("iam")
            iam.create_user(UserName="admin")
            key = iam.create_access_key(UserName="admin")["AccessKey"]
            yield cls((key["AccessKeyId"], key["SecretAccessKey"]), seed, region)

    @property
    def root(self):
        from app.practice import moto_gaps

        return moto_gaps.extras(ACCOUNT_ID).root

    @property
    def extras(self):
        from app.practice import moto_gaps

        return moto_gaps.extras(ACCOUNT_ID)

    def client(self, service: str, region: str | None = None) -> Any:
        return self.seed.client(service, region_name=region or self.region)

    def context(self, region: str | None = None, deny: tuple[str, ...] = (), **kw: Any) -> AwsContext:
        ctx = AwsContext.from_keys(*self.admin_keys, region=region or self.region, **kw)
        if deny:
            ctx.add_hook("before-call", denier(deny))
        return ctx

    def check(self, check_id: str, deny: tuple[str, ...] = (), settings: Settings | None = None, region: str | None = None) -> Finding:
        from app.runner import run_checks

        (finding,) = list(run_checks(self.context(region, deny), [BY_ID[check_id]], settings=settings, sleep=lambda s: None))
        return finding

    def add_root_key(self, active: bool = True, last_used_days: int | None = None, key_id: str = "AKIAROOTKEY000000001"):
        from app.practice import moto_gaps

        used = NOW - timedelta(days=last_used_days) if last_used_days is not None else None
        self.root.access_keys.append(moto_gaps.RootKey(key_id, active, NOW - timedelta(days=100), used, "us-east-1", "iam"))


def denier(operations: tuple[str, ...]):
    """A before-call handler that denies the named operations (e.g. "iam:GetAccountSummary")."""
    from botocore.awsrequest import AWSResponse

    def handler(model: Any, **_: Any):
        prefix = {"sso-admin": "sso"}.get(model.service_model.service_name, model.service_model.service_name)
        if f"{prefix}:{model.name}" in operations:
            body = {"Error": {"Code": "AccessDenied", "Message": f"User is not authorized to perform: {prefix}:{model.name}"},
                    "ResponseMetadata": {"HTTPStatusCode": 403}}
            return AWSResponse("https://denied.invalid", 403, {}, None), body
        return None

    return handler


def put_rule(account: Account, name: str, pattern: dict, state: str = "ENABLED", region: str | None = None,
             email: str | None = "ops@example.com", confirm: bool = True, allow_events: bool = True) -> str:
    """An EventBridge rule targeting a fresh SNS topic with one e-mail subscription; with
    ``allow_events`` the topic policy lets EventBridge publish for this rule (as the console
    adds when it creates the target)."""
    events, sns = account.client("events", region), account.client("sns", region)
    rule_arn = events.put_rule(Name=name, EventPattern=json.dumps(pattern), State=state)["RuleArn"]
    topic = sns.create_topic(Name=f"{name}-topic")["TopicArn"]
    if allow_events:
        allow_eventbridge(sns, topic, rule_arn)
    events.put_targets(Rule=name, Targets=[{"Id": "t", "Arn": topic}])
    if email:
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=email)
        if confirm:
            from app.practice import moto_gaps

            moto_gaps.confirm_email_subscriptions(ACCOUNT_ID, topic)
    return topic


def allow_eventbridge(sns: Any, topic: str, rule_arn: str) -> None:
    """Add to the topic policy the statement the console adds for an EventBridge target."""
    policy = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
    policy["Statement"].append({"Sid": "AWSEvents", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                                "Action": "sns:Publish", "Resource": topic, "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}}})
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(policy))


def answerer(answers: dict[str, Any], seen: list | None = None):
    """A before-call handler that answers the named operations with hand-written responses
    (validated against botocore's output shapes), as AWS would where moto cannot."""
    from botocore.awsrequest import AWSResponse

    from app.practice.moto_gaps import validated

    def handler(model: Any, params: Any = None, **_: Any):
        key = f"{model.service_model.service_name}:{model.name}"
        if key in answers:
            answer = answers[key](params) if callable(answers[key]) else answers[key]
            if seen is not None:
                seen.append((key, params))
            return AWSResponse("https://answered.invalid", 200, {}, None), validated(model.service_model.service_name, model.name, answer)
        return None

    return handler
