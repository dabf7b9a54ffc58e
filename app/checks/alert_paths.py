"""The two ways an account can be alerted of root activity, each judged on its own.

1. An EventBridge rule in us-east-1 matching root sign-ins and root API calls, targeting an SNS
   topic with a confirmed subscription.
2. The CIS metric filter on a multi-region trail's log group, with an alarm notifying an SNS
   topic with a confirmed subscription.

Each path returns a ``PathResult``; ``root_activity_alerts`` combines them. Calls go through the
run's snapshot; independent calls are prefetched together to keep round trips few.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from app import event_pattern
from app.aws.context import ALERTS_REGION
from app.checks.base import CheckRun, paginate
from app.errors import AwsCallFailed
from app.model import Status

CIS_CLAUSES = frozenset({'$.userIdentity.type="Root"', "$.userIdentity.invokedByNOTEXISTS", '$.eventType!="AwsServiceEvent"'})


@dataclass
class PathResult:
    status: Status
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)


# -- shared: SNS subscriptions ----------------------------------------------------------------
def _region_of(arn: str) -> str:
    return arn.split(":")[3]


def topic_state(run: CheckRun, topic_arn: str) -> dict[str, Any]:
    """Confirmed and pending subscription counts of one topic (protocol names, no endpoints)."""
    subs = list(paginate(run, "sns", "ListSubscriptionsByTopic", "Subscriptions", "NextToken", _region_of(topic_arn), TopicArn=topic_arn))
    confirmed = [s["Protocol"] for s in subs if str(s.get("SubscriptionArn", "")).startswith("arn:")]
    pending = sum(1 for s in subs if s.get("SubscriptionArn") == "PendingConfirmation")
    return {"topic": topic_arn, "confirmed": confirmed, "pending": pending}


def _prefetch_topics(run: CheckRun, topics: list[str]) -> None:
    run.snapshot.prefetch(*[("sns", "ListSubscriptionsByTopic", _region_of(t), {"TopicArn": t}) for t in topics])


# -- path 1: EventBridge -------------------------------------------------------------------------
def _covers(run: CheckRun, pattern: str, sample: dict[str, Any]) -> tuple[bool | None, str]:
    """Whether a pattern matches a sample event: AWS's answer if it gives one, else the local matcher."""
    try:
        answer = run.snapshot.call("events", "TestEventPattern", ALERTS_REGION, EventPattern=pattern, Event=json.dumps(sample))
        if "Result" in answer:
            return bool(answer["Result"]), "TestEventPattern"
    except AwsCallFailed:
        pass
    try:
        return event_pattern.matches(pattern, sample), "local matcher"
    except (event_pattern.UnsupportedPattern, ValueError, TypeError):
        return None, "unsupported pattern"


def eventbridge(run: CheckRun) -> PathResult:
    account = run.snapshot.account_id
    samples = {"sign_in": event_pattern.sample_root_sign_in(account), "api_call": event_pattern.sample_root_api_call(account)}
    rules = [r for r in paginate(run, "events", "ListRules", "Rules", "NextToken", ALERTS_REGION) if r.get("EventPattern")]
    enabled = [r for r in rules if str(r.get("State", "")).startswith("ENABLED")]
    run.snapshot.prefetch(
        *[("events", "TestEventPattern", ALERTS_REGION, {"EventPattern": r["EventPattern"], "Event": json.dumps(s)}) for r in rules for s in samples.values()],
        *[("events", "ListTargetsByRule", ALERTS_REGION, {"Rule": r["Name"]}) for r in enabled],
    )
    described, covered, pending_only, unsupported = [], set(), set(), False
    for rule in rules:
        coverage = {kind: _covers(run, rule["EventPattern"], sample) for kind, sample in samples.items()}
        kinds = {kind for kind, (hit, _) in coverage.items() if hit}
        unsupported |= any(hit is None for hit, _ in coverage.values())
        entry: dict[str, Any] = {"rule": rule["Name"], "state": rule.get("State"), "matches": sorted(kinds),
                                 "judged_by": sorted({how for _, how in coverage.values()})}
        described.append(entry)
        if not kinds or rule not in enabled:
            continue
        targets = [t["Arn"] for t in paginate(run, "events", "ListTargetsByRule", "Targets", "NextToken", ALERTS_REGION, Rule=rule["Name"])]
        topics = [t for t in targets if t.startswith("arn:aws:sns:") or ":sns:" in t]
        _prefetch_topics(run, topics)
        entry["topics"] = [topic_state(run, t) for t in topics]
        if any(t["confirmed"] for t in entry["topics"]):
            covered |= kinds
        elif any(t["pending"] for t in entry["topics"]):
            pending_only |= kinds
    evidence = {"region": ALERTS_REGION, "rules": described}
    if covered >= {"sign_in", "api_call"}:
        return PathResult(Status.PASS, "An enabled EventBridge rule in us-east-1 sends root sign-ins and root API calls to a confirmed SNS subscription.", evidence)
    if covered:
        missing = "root API calls" if "sign_in" in covered else "root console sign-ins"
        return PathResult(Status.WARN, f"The EventBridge alert misses {missing}: widen the rule's pattern.", evidence)
    if pending_only:
        return PathResult(Status.WARN, "An EventBridge rule matches root activity, but every SNS subscription is still pending confirmation: confirm the e-mail.", evidence)
    if unsupported:
        return PathResult(Status.UNKNOWN, "A rule's pattern uses operators the local matcher cannot judge and AWS did not answer TestEventPattern.", evidence)
    disabled = [e["rule"] for e in described if e["matches"] and e["state"] not in ("ENABLED",) and not str(e["state"]).startswith("ENABLED")]
    if disabled:
        return PathResult(Status.FAIL, f"The rule(s) {', '.join(disabled)} would match root activity but are disabled: enable them.", evidence)
    return PathResult(Status.FAIL, "No enabled EventBridge rule in us-east-1 matches root activity (root sign-in events are delivered only there).", evidence)


# -- path 2: CIS metric filter -----------------------------------------------------------------
def is_cis_root_filter(pattern: str) -> bool:
    """The CIS root-usage filter, quoted or unquoted, in any clause order and spacing."""
    text = re.sub(r"\s+", "", pattern or "").strip("{}")
    clauses = {c.replace('"', "").replace("'", "") for c in text.split("&&")}
    expected = {c.replace('"', "") for c in CIS_CLAUSES}
    return clauses == expected


def _log_group(arn: str) -> tuple[str, str]:
    """(region, name) of a CloudWatch Logs log-group ARN (``...:log-group:NAME:*``)."""
    parts = arn.split(":")
    return parts[3], parts[6]


def metric_filter(run: CheckRun) -> PathResult:
    trails = run.snapshot.call("cloudtrail", "DescribeTrails").get("trailList") or []
    fed = [t for t in trails if t.get("IsMultiRegionTrail") and t.get("CloudWatchLogsLogGroupArn")]
    evidence: dict[str, Any] = {"multi_region_trails_with_logs": [t.get("Name") for t in fed]}
    if not fed:
        return PathResult(Status.FAIL, "No multi-region CloudTrail trail sends its logs to CloudWatch Logs, so the CIS metric filter has nothing to watch.", evidence)
    groups = {t["TrailARN"]: _log_group(t["CloudWatchLogsLogGroupArn"]) for t in fed}
    run.snapshot.prefetch(
        *[("cloudtrail", "GetTrailStatus", t.get("HomeRegion"), {"Name": t["TrailARN"]}) for t in fed],
        *[("logs", "DescribeMetricFilters", region, {"logGroupName": name}) for region, name in groups.values()],
    )
    found: list[dict[str, Any]] = []
    for trail in fed:
        if not run.snapshot.call("cloudtrail", "GetTrailStatus", trail.get("HomeRegion"), Name=trail["TrailARN"]).get("IsLogging"):
            continue
        region, group = groups[trail["TrailARN"]]
        filters = run.snapshot.call("logs", "DescribeMetricFilters", region, logGroupName=group).get("metricFilters") or []
        for flt in filters:
            if not is_cis_root_filter(flt.get("filterPattern", "")):
                continue
            for metric in flt.get("metricTransformations") or []:
                alarms = run.snapshot.call("cloudwatch", "DescribeAlarmsForMetric", region,
                                           MetricName=metric["metricName"], Namespace=metric["metricNamespace"]).get("MetricAlarms") or []
                topics = sorted({a for alarm in alarms for a in alarm.get("AlarmActions") or [] if ":sns:" in a})
                _prefetch_topics(run, topics)
                found.append({"trail": trail["Name"], "log_group": group, "filter": flt.get("filterName"),
                              "alarms": [a.get("AlarmName") for a in alarms], "topics": [topic_state(run, t) for t in topics]})
    evidence["cis_filters"] = found
    if any(t["confirmed"] for f in found for t in f["topics"]):
        return PathResult(Status.PASS, "The CIS root-usage metric filter on a logging multi-region trail has an alarm notifying a confirmed SNS subscription.", evidence)
    if any(t["pending"] for f in found for t in f["topics"]):
        return PathResult(Status.WARN, "The CIS root-usage alarm exists, but every SNS subscription is still pending confirmation.", evidence)
    if found:
        return PathResult(Status.FAIL, "The CIS root-usage metric filter exists, but no alarm on it notifies a confirmed SNS subscription.", evidence)
    return PathResult(Status.FAIL, "No CIS root-usage metric filter on a logging multi-region trail's log group.", evidence)
