"""Set up root-activity alerts: SNS topic, scoped topic policy, e-mail subscription,
EventBridge rule in the partition's sign-in region (us-east-1, us-gov-west-1, cn-north-1) with
state ``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`` (plain ``ENABLED`` does not deliver
read-only root API calls), and its target. Every call is idempotent."""
from __future__ import annotations

import json

from app.aws.context import AwsContext
from app.aws.partition import Partition, by_name
from app.fixes.base import MANAGED_TAG, Change, Fix
from app.fixes.contacts import _EMAIL
from app.errors import AwsCallFailed, InvalidInput, RootwardenError, UnsupportedPartition

ACTIONS = (
    "sns:ListTagsForResource", "events:DescribeRule", "events:ListTagsForResource",
    "sns:CreateTopic", "sns:TagResource", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic",
    "events:PutRule", "events:TagResource", "events:PutTargets",
)
NAME = "rootwarden-root-activity"
RULE_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
TARGET_ID = "rootwarden-sns"
PATTERN = {
    "detail-type": ["AWS Console Sign In via CloudTrail", "AWS API Call via CloudTrail"],
    "detail": {"userIdentity": {"type": ["Root"]}},
}


def topic_policy(account_id: str, topic_arn: str, rule_arn: str, partition: Partition = by_name("aws")) -> dict:
    """The account keeps managing its topic; EventBridge may publish only for this rule."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountOwnerManages",
                "Effect": "Allow",
                "Principal": {"AWS": partition.root_arn(account_id)},
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


class NotOurs(RootwardenError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what}; Rootwarden does not take it over. Rename or delete it yourself if it is unused, "
                         "or keep it and set up alerts in the console.")


class SetUpRootAlerts(Fix):
    name = "Set up root-activity alerts"

    def __init__(self, account_id: str, email: str, partition: Partition = by_name("aws")) -> None:
        email = email.strip()
        if not _EMAIL.fullmatch(email):
            raise InvalidInput("E-mail", "is not a valid address (like security@example.com)")
        if partition.sign_in_region is None:
            raise UnsupportedPartition(partition.name)
        self.account_id = account_id
        self.email = email
        self.partition = partition
        self.region = partition.sign_in_region
        self.topic_arn = partition.arn("sns", self.region, account_id, NAME)
        self.rule_arn = partition.arn("events", self.region, account_id, f"rule/{NAME}")

    def preflight(self, aws: AwsContext) -> None:
        """Never take over a topic or rule of the same name that Rootwarden did not create:
        CreateTopic would return the existing topic and SetTopicAttributes replace its policy;
        PutRule would rewrite someone else's rule."""
        r = self.region
        try:
            tags = aws.call("sns", "ListTagsForResource", r, ResourceArn=self.topic_arn).get("Tags") or []
        except AwsCallFailed as error:
            if error.code not in ("NotFound", "NotFoundException", "ResourceNotFound", "ResourceNotFoundException"):
                raise
        else:
            if MANAGED_TAG not in tags:
                raise NotOurs(f"an SNS topic named {NAME} already exists in {r} and was not created by Rootwarden")
        try:
            aws.call("events", "DescribeRule", r, Name=NAME)
        except AwsCallFailed as error:
            if error.code != "ResourceNotFoundException":
                raise
            return
        tags = aws.call("events", "ListTagsForResource", r, ResourceARN=self.rule_arn).get("Tags") or []
        if MANAGED_TAG not in tags:
            raise NotOurs(f"an EventBridge rule named {NAME} already exists in {r} and was not created by Rootwarden")

    def _steps(self, aws: AwsContext | None):
        r = self.region

        def create_topic() -> None:
            aws.call("sns", "CreateTopic", r, Name=NAME, Tags=[MANAGED_TAG])

        def put_rule() -> None:
            aws.call("events", "PutRule", r, Name=NAME, EventPattern=json.dumps(PATTERN), State=RULE_STATE,
                     Description="Rootwarden: alert on root console sign-ins and root API calls", Tags=[MANAGED_TAG])

        def set_policy() -> None:
            aws.call("sns", "SetTopicAttributes", r, TopicArn=self.topic_arn, AttributeName="Policy",
                     AttributeValue=json.dumps(topic_policy(self.account_id, self.topic_arn, self.rule_arn, self.partition)))

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
            (Change("create", f"EventBridge rule {NAME} in {r} matching root sign-ins and root API calls, read-only ones included "
                    f"(state {RULE_STATE})", "events:PutRule"), put_rule),
            (Change("update", f"the topic's policy so only rule {NAME} may publish to it", "sns:SetTopicAttributes"), set_policy),
            (Change("create", f"an e-mail subscription for {self.email} (it must be confirmed from the e-mail)", "sns:Subscribe"), subscribe),
            (Change("create", f"the rule's target: topic {NAME}", "events:PutTargets"), put_target),
        ]
