"""Set up root-activity alerts: SNS topic, scoped topic policy, e-mail subscription,
EventBridge rule in us-east-1, and its target. Every call is idempotent."""
from __future__ import annotations

import json

from app.aws.context import ALERTS_REGION, AwsContext
from app.fixes.base import MANAGED_TAG, Change, Fix
from app.fixes.contacts import _EMAIL
from app.errors import InvalidInput

ACTIONS = (
    "sns:CreateTopic", "sns:TagResource", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic",
    "events:PutRule", "events:TagResource", "events:PutTargets",
)
NAME = "rootwarden-root-activity"
TARGET_ID = "rootwarden-sns"
PATTERN = {
    "detail-type": ["AWS Console Sign In via CloudTrail", "AWS API Call via CloudTrail"],
    "detail": {"userIdentity": {"type": ["Root"]}},
}


def topic_policy(account_id: str, topic_arn: str, rule_arn: str) -> dict:
    """The account keeps managing its topic; EventBridge may publish only for this rule."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountOwnerManages",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic",
                           "sns:Publish", "sns:DeleteTopic", "sns:TagResource"],
                "Resource": topic_arn,
            },
            {
                "Sid": "EventBridgeRootActivityRuleOnly",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            },
        ],
    }


class SetUpRootAlerts(Fix):
    name = "Set up root-activity alerts"

    def __init__(self, account_id: str, email: str) -> None:
        email = email.strip()
        if not _EMAIL.match(email):
            raise InvalidInput("E-mail", "is not a valid address (like security@example.com)")
        self.account_id = account_id
        self.email = email
        self.topic_arn = f"arn:aws:sns:{ALERTS_REGION}:{account_id}:{NAME}"
        self.rule_arn = f"arn:aws:events:{ALERTS_REGION}:{account_id}:rule/{NAME}"

    def _steps(self, aws: AwsContext | None):
        r = ALERTS_REGION

        def create_topic() -> None:
            aws.call("sns", "CreateTopic", r, Name=NAME, Tags=[MANAGED_TAG])

        def put_rule() -> None:
            aws.call("events", "PutRule", r, Name=NAME, EventPattern=json.dumps(PATTERN), State="ENABLED",
                     Description="Rootwarden: alert on root console sign-ins and root API calls", Tags=[MANAGED_TAG])

        def set_policy() -> None:
            aws.call("sns", "SetTopicAttributes", r, TopicArn=self.topic_arn, AttributeName="Policy",
                     AttributeValue=json.dumps(topic_policy(self.account_id, self.topic_arn, self.rule_arn)))

        def subscribe() -> str | None:
            subs = aws.call("sns", "ListSubscriptionsByTopic", r, TopicArn=self.topic_arn).get("Subscriptions") or []
            if any(s.get("Protocol") == "email" and s.get("Endpoint", "").lower() == self.email.lower() for s in subs):
                return "already in place"
            aws.call("sns", "Subscribe", r, TopicArn=self.topic_arn, Protocol="email", Endpoint=self.email)
            return "done; AWS has sent a confirmation e-mail"

        def put_target() -> None:
            response = aws.call("events", "PutTargets", r, Rule=NAME, Targets=[{"Id": TARGET_ID, "Arn": self.topic_arn}])
            if response.get("FailedEntryCount"):
                raise RuntimeError(f"EventBridge refused the target: {response.get('FailedEntries')}")

        return [
            (Change("create", f"SNS topic {NAME} in {r} (tagged rootwarden:managed)", "sns:CreateTopic"), create_topic),
            (Change("create", f"EventBridge rule {NAME} in {r} matching root sign-ins and root API calls", "events:PutRule"), put_rule),
            (Change("update", f"the topic's policy so only rule {NAME} may publish to it", "sns:SetTopicAttributes"), set_policy),
            (Change("create", f"an e-mail subscription for {self.email} (it must be confirmed from the e-mail)", "sns:Subscribe"), subscribe),
            (Change("create", f"the rule's target: topic {NAME}", "events:PutTargets"), put_target),
        ]
