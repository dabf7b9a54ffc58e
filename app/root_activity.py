"""Root activity over the last 90 days, from CloudTrail event history (SPEC §4 Step 3).

``fetch`` makes network calls: run it off the UI thread. The result is plain data for a chart.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.aws.context import AwsContext

ACTIONS = ("cloudtrail:LookupEvents",)
DAYS = 90
MAX_PAGES = 20  # 1,000 events at most; enough for a chart, bounded for throttled accounts

# AWS's list of tasks that only the root user can do (IAM User Guide, "Tasks that require root").
ROOT_ONLY_TASKS = (
    "Change the account's root e-mail, password or name; close the account",
    "Change or cancel the AWS Support plan",
    "Restore IAM permissions when the only administrator locked themselves out",
    "Activate IAM access to the Billing console",
    "Unlock an S3 bucket or SQS queue policy that denies every principal",
    "Register as a seller in the Reserved Instance Marketplace",
    "Sign up for GovCloud; configure an S3 bucket for MFA delete",
)


@dataclass(frozen=True)
class RootActivity:
    start: date
    per_day: dict[date, int]  # events per day
    sign_ins: dict[date, int]
    total: int

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(DAYS + 1)]


def fetch(aws: AwsContext, now: datetime, region: str) -> RootActivity:
    """Root events of the last 90 days in ``region``: the partition's sign-in region, where
    root console sign-ins and global-service calls are recorded. Pages are bounded; a page
    token that repeats ends the listing."""
    start = now - timedelta(days=DAYS)
    seen: set[str] = set()
    per_day: Counter = Counter()
    sign_ins: Counter = Counter()
    token = None
    for _ in range(MAX_PAGES):
        params = {"LookupAttributes": [{"AttributeKey": "Username", "AttributeValue": "root"}],
                  "StartTime": start, "EndTime": now, "MaxResults": 50}
        if token:
            params["NextToken"] = token
        page = aws.call("cloudtrail", "LookupEvents", region, **params)
        for event in page.get("Events") or []:
            day = event["EventTime"].date()
            per_day[day] += 1
            if event.get("EventName") == "ConsoleLogin":
                sign_ins[day] += 1
        token = page.get("NextToken")
        if not token or token in seen:
            break
        seen.add(token)
    return RootActivity(start.date(), dict(per_day), dict(sign_ins), sum(per_day.values()))
