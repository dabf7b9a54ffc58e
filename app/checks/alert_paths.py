"""The two ways an account can be alerted of root activity, each judged on its own.

1. An EventBridge rule in the partition's sign-in region (us-east-1, us-gov-west-1,
   cn-north-1) matching root sign-ins and root API calls, targeting an SNS topic with a
   confirmed subscription.
2. The CIS metric filter on a multi-region trail's log group, with an alarm notifying an SNS
   topic with a confirmed subscription.

Each path returns a ``PathResult``; ``root_activity_alerts`` combines them. Any one valid way
passes, whatever other rules or alarms are broken: a rule whose topic was deleted, or that
points into another partition, is evidence, not a reason for ``unknown`` — unless it could
have completed the coverage nothing else gives. Rules are matched locally first; AWS's
``TestEventPattern`` is asked only about patterns the local matcher cannot judge, and targets
are read only for rules that match, so the calls do not grow with unrelated rules.
"""
from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from typing import Any

from app import event_pattern
from app.checks.base import CheckRun, paginate
from app.checks.topic_delivery import CLOUDWATCH, EVENTS, Delivery, Verdict, delivery
from app.errors import AwsCallFailed
from app.model import Reason, Status

CIS_CLAUSES = frozenset({'$.userIdentity.type="Root"', "$.userIdentity.invokedByNOTEXISTS", '$.eventType!="AwsServiceEvent"'})
KINDS = {"sign_in": "root console sign-ins", "api_call": "root API calls"}
ALL_EVENTS_STATE = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"


@dataclass
class PathResult:
    status: Status
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    reason: Reason | None = None


def required_kinds(run: CheckRun) -> set[str]:
    """Root sign-ins and root API calls; API calls alone where root has no console (GovCloud)."""
    return set(KINDS) if run.snapshot.partition.root_console else {"api_call"}


# -- shared: SNS subscriptions ----------------------------------------------------------------
def _region_of(arn: str) -> str:
    return arn.split(":")[3]


def topic_state(run: CheckRun, topic_arn: str) -> dict[str, Any]:
    """Confirmed and pending subscription counts of one topic (protocol names, no endpoints), and
    how many confirmed subscribers have a filter policy (which may drop the alert)."""
    region = _region_of(topic_arn)
    subs = paginate(run, "sns", "ListSubscriptionsByTopic", "Subscriptions", "NextToken", region, TopicArn=topic_arn)
    # A subscription counts only when its ARN is one of this topic's (TOPIC_ARN:uuid).
    mine = [s for s in subs if s["SubscriptionArn"].startswith(topic_arn + ":")]
    run.snapshot.prefetch(*[("sns", "GetSubscriptionAttributes", region, {"SubscriptionArn": s["SubscriptionArn"]}) for s in mine])
    filtered = sum(1 for s in mine if run.snapshot.call("sns", "GetSubscriptionAttributes", region,
                                                        SubscriptionArn=s["SubscriptionArn"]).get("Attributes", {}).get("FilterPolicy"))
    pending = sum(1 for s in subs if s["SubscriptionArn"] == "PendingConfirmation")
    return {"topic": topic_arn, "confirmed": [s["Protocol"] for s in mine], "filtered": filtered, "pending": pending}


def _sns_topics(run: CheckRun, arns: list[str]) -> tuple[list[str], list[str]]:
    """(SNS topics in this partition, SNS topics elsewhere) among target/action ARNs."""
    ours, elsewhere = [], []
    partition = run.snapshot.partition.name
    for arn in arns:
        parts = arn.split(":")
        if len(parts) < 6 or parts[0] != "arn" or parts[2] != "sns" or not parts[3]:
            continue
        (ours if parts[1] == partition else elsewhere).append(arn)
    return ours, elsewhere


def _prefetch_topics(run: CheckRun, topics: list[str]) -> None:
    """Subscribers and the topic's policy/encryption at once: both are needed, neither waits."""
    run.snapshot.prefetch(*[("sns", "ListSubscriptionsByTopic", _region_of(t), {"TopicArn": t}) for t in topics],
                          *[("sns", "GetTopicAttributes", _region_of(t), {"TopicArn": t}) for t in topics])


# SNS's answer for a topic that no longer exists: it notifies nobody (a fact, not an error).
_TOPIC_GONE = {"NotFound", "NotFoundException", "ResourceNotFoundException"}


def topic_or_gone(run: CheckRun, topic_arn: str) -> dict[str, Any]:
    """``topic_state``, or ``deleted`` for a topic that no longer exists; other errors raise."""
    try:
        return topic_state(run, topic_arn)
    except AwsCallFailed as error:
        if error.code in _TOPIC_GONE:
            return {"topic": topic_arn, "deleted": True, "confirmed": [], "pending": 0}
        raise


def _error(error: AwsCallFailed) -> dict[str, str]:
    return {"action": error.action, "reason": error.reason, "message": str(error)}


# -- path 1: EventBridge -------------------------------------------------------------------------
def _judge_locally(pattern: str, sample: dict[str, Any]) -> bool | None:
    """The local matcher's answer, or None where it cannot judge the pattern."""
    try:
        return event_pattern.matches(pattern, sample)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None


def _ask_aws(run: CheckRun, region: str, pattern: str, sample: dict[str, Any]) -> bool | None:
    try:
        return run.snapshot.call("events", "TestEventPattern", region, EventPattern=pattern, Event=json.dumps(sample))["Result"]
    except AwsCallFailed:
        return None


def _coverage_words(kinds: set[str]) -> str:
    return " and ".join(KINDS[k] for k in KINDS if k in kinds)


@dataclass
class RuleMatch:
    """How one rule's pattern fares against one kind's variants (every one must match)."""

    covers: bool | None  # True: every variant; False: not every one; None: some could not be judged
    missed: list[str]  # the variants it does not match (labels such as "ec2:RunInstances")
    hit: bool  # it matches at least one variant
    asked_aws: bool  # TestEventPattern judged at least one variant


def _match_rules(run: CheckRun, region: str, rules: list[dict[str, Any]],
                 variants: dict[str, list[tuple[str, dict[str, Any]]]]) -> dict[str, dict[str, RuleMatch]]:
    """Each rule against each kind's variant events: locally where the matcher can, else one
    TestEventPattern per variant (all asked at once)."""
    answers = {r["Name"]: {kind: [_judge_locally(r["EventPattern"], event) for _, event in events] for kind, events in variants.items()}
               for r in rules}
    unjudged = [(r, kind, i) for r in rules for kind, hits in answers[r["Name"]].items() for i, hit in enumerate(hits) if hit is None]
    run.snapshot.prefetch(*[("events", "TestEventPattern", region, {"EventPattern": r["EventPattern"], "Event": json.dumps(variants[k][i][1])})
                            for r, k, i in unjudged])
    for rule, kind, i in unjudged:
        answers[rule["Name"]][kind][i] = _ask_aws(run, region, rule["EventPattern"], variants[kind][i][1])
    asked = {(r["Name"], kind) for r, kind, _ in unjudged}
    result: dict[str, dict[str, RuleMatch]] = {}
    for name, kinds in answers.items():
        result[name] = {}
        for kind, hits in kinds.items():
            covers = False if False in hits else (True if all(hits) else None)
            missed = [variants[kind][i][0] for i, hit in enumerate(hits) if hit is False]
            result[name][kind] = RuleMatch(covers, missed, any(hits), (name, kind) in asked)
    return result


@dataclass
class _Coverage:
    """What the rules matching root activity deliver, gathered rule by rule. Kinds are the keys
    of ``KINDS``; each list keeps what the verdict's sentence names."""

    described: list[dict[str, Any]] = field(default_factory=list)  # evidence, one entry per matching rule
    covered: dict[str, list[str]] = field(default_factory=dict)  # kind → rules delivering it to a confirmed subscriber
    narrow: dict[str, list[str]] = field(default_factory=dict)  # kind → "rule (it misses …)": delivered, but only in part
    pending_only: set[str] = field(default_factory=set)  # kinds whose subscribers are all still pending
    uncertain: set[str] = field(default_factory=set)  # kinds a rule might deliver, had we been able to judge it
    errors: list[AwsCallFailed] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)  # why a confirmed topic may not accept a rule's alerts
    blocked: list[str] = field(default_factory=list)  # why a topic with subscribers refuses a rule's alerts


def eventbridge(run: CheckRun) -> PathResult:
    region = run.snapshot.sign_in_region
    partition = run.snapshot.partition.name
    account = run.snapshot.account_id
    variants = {"sign_in": event_pattern.root_sign_in_variants(account, partition, region),
                "api_call": event_pattern.root_api_call_variants(account, partition, region)}
    rules = [r for r in paginate(run, "events", "ListRules", "Rules", "NextToken", region, Limit=100) if r.get("EventPattern")]
    matched = _match_rules(run, region, rules, variants)
    matching = [r for r in rules if any(m.hit or m.covers is None for m in matched[r["Name"]].values())]
    enabled = [r for r in matching if str(r.get("State", "")).startswith("ENABLED")]
    run.snapshot.prefetch(*[("events", "ListTargetsByRule", region, {"Rule": r["Name"]}) for r in enabled])
    found = _Coverage(uncertain={k for r in rules for k, m in matched[r["Name"]].items() if m.covers is None})
    for rule in matching:
        _follow_rule(run, region, rule, matched[rule["Name"]], rule in enabled, found)
    unjudged = sorted({r["Name"] for r in rules if any(m.covers is None for m in matched[r["Name"]].values())})
    evidence = {"region": region, "rules_on_default_bus": len(rules), "matching_rules": found.described, "unjudged_rules": unjudged}
    return _eventbridge_verdict(region, required_kinds(run), found, unjudged, rules, evidence)


def _follow_rule(run: CheckRun, region: str, rule: dict[str, Any], matches: dict[str, RuleMatch], enabled: bool,
                 found: _Coverage) -> None:
    """One matching rule: describe it, and if enabled follow its targets to their subscribers."""
    kinds = {k for k, m in matches.items() if m.covers}
    partly = {k: m.missed for k, m in matches.items() if m.covers is False and m.hit}
    entry: dict[str, Any] = {"rule": rule["Name"], "state": rule.get("State"), "matches": sorted(kinds),
                             "judged_by": sorted({"TestEventPattern" if m.asked_aws else "local matcher" for m in matches.values()})}
    if partly:
        entry["matches_only_in_part"] = {k: {"misses": missed} for k, missed in partly.items()}
    found.described.append(entry)
    if not enabled:
        return
    try:
        listed = paginate(run, "events", "ListTargetsByRule", "Targets", "NextToken", region, Rule=rule["Name"])
        roles = {t["Arn"]: t["RoleArn"] for t in listed if t.get("RoleArn")}
        topics, elsewhere = _sns_topics(run, [t["Arn"] for t in listed])
        if elsewhere:
            entry["topics_in_another_partition"] = elsewhere
        _prefetch_topics(run, topics)
        entry["topics"] = []
        for topic in topics:
            try:
                entry["topics"].append(topic_or_gone(run, topic))
            except AwsCallFailed as error:  # e.g. a topic in another account we may not read
                entry["topics"].append({"topic": topic, "error": _error(error)})
                found.errors.append(error)
                found.uncertain |= kinds
    except AwsCallFailed as error:
        entry["error"] = _error(error)
        found.errors.append(error)
        found.uncertain |= kinds
        return
    states = entry["topics"]
    _judge_delivery(states, lambda topic: _eventbridge_delivery(run, topic, rule, roles))
    delivered = {t.get("delivery") for t in states if t.get("confirmed")}
    if Delivery.ALLOWED.value in delivered:
        for kind in kinds:
            found.covered.setdefault(kind, []).append(rule["Name"])
        for kind, missed in partly.items():
            found.narrow.setdefault(kind, []).append(f"{rule['Name']} (it misses {', '.join(missed)})")
    elif Delivery.UNSURE.value in delivered:
        found.uncertain |= kinds
        found.unsure.extend(t["delivery_problem"] for t in states if t.get("delivery") == Delivery.UNSURE.value)
    elif any(t.get("pending") and t["delivery"] != Delivery.BLOCKED.value for t in states):
        found.pending_only |= kinds
    else:
        found.blocked.extend(t["delivery_problem"] for t in states if t.get("delivery") == Delivery.BLOCKED.value)


def _judge_delivery(states: list[dict[str, Any]], judge: Any) -> None:
    """Add ``delivery`` (and ``delivery_problem``) to each topic state that has subscribers
    (their attributes were fetched with the subscribers: ``_prefetch_topics``)."""
    for state in (t for t in states if t.get("confirmed") or t.get("pending")):
        confirmed = len(state.get("confirmed") or [])
        if confirmed and state.get("filtered", 0) >= confirmed:  # SNS drops what a filter policy does not match
            verdict = Verdict(Delivery.UNSURE, f"every confirmed subscriber of {state['topic']} has a filter policy that may drop the alert")
        else:
            verdict = judge(state["topic"])
        state["delivery"] = verdict.delivery.value
        if verdict.why:
            state["delivery_problem"] = verdict.why


def _eventbridge_delivery(run: CheckRun, topic: str, rule: dict[str, Any], roles: dict[str, str]) -> Verdict:
    if topic in roles:  # EventBridge publishes as that role: its IAM permissions decide
        return Verdict(Delivery.UNSURE, f"EventBridge publishes to {topic} as the role {roles[topic]}, whose permissions Rootwarden "
                                        "does not evaluate")
    return delivery(run, topic, EVENTS, rule.get("Arn"))


def _eventbridge_verdict(region: str, required: set[str], found: _Coverage, unjudged: list[str], rules: list[dict[str, Any]],
                         evidence: dict[str, Any]) -> PathResult:
    covered, narrow, errors, unsure = found.covered, found.narrow, found.errors, found.unsure
    if required <= set(covered):
        names = sorted({name for kind in required for name in covered[kind]})
        states = {r["Name"]: r.get("State") for r in rules}
        read_only = all(states.get(n) == ALL_EVENTS_STATE for n in names)
        scope = ("including read-only calls" if read_only else
                 f"but not read-only calls (state ENABLED; {ALL_EVENTS_STATE} adds them)")
        return PathResult(
            Status.PASS,
            f"The EventBridge rule {', '.join(names)} in {region} sends {_coverage_words(required)} to a confirmed SNS subscription. "
            f"It sees API calls made in {region} and to global services such as IAM, {scope}; API calls in other regions need "
            "the CIS metric filter on a multi-region trail.",
            evidence, Reason.COMPLIANT)
    if errors or unjudged or unsure:
        if required <= set(covered) | found.uncertain:
            if errors:
                first = errors[0]
                return PathResult(Status.UNKNOWN, f"A rule that matches root activity could not be followed to its subscribers: {first}",
                                  evidence, Reason(first.reason))
            if unsure:
                return PathResult(Status.UNKNOWN, f"A rule matches root activity and its topic has a confirmed subscriber, but {unsure[0]}.",
                                  evidence, Reason.DELIVERY_UNVERIFIED)
            return PathResult(Status.UNKNOWN, f"The pattern of rule(s) {', '.join(unjudged[:5])} cannot be judged locally and AWS did not "
                              "answer TestEventPattern for it.", evidence, Reason.UNSUPPORTED_PATTERN)
    if covered or narrow:
        missing = [f"{KINDS[k]} (matched only in part by {'; '.join(narrow[k])})" if k in narrow else KINDS[k]
                   for k in KINDS if k in required - set(covered)]
        return PathResult(Status.WARN, f"The EventBridge alert in {region} misses {' and '.join(missing)}: widen the rule's pattern.",
                          evidence, Reason.PARTIAL_COVERAGE)
    if found.blocked and not found.pending_only:
        return PathResult(Status.FAIL, f"A rule in {region} matches root activity, but {found.blocked[0]}: no alert would arrive. "
                          "Allow it (Rootwarden's “Set up alerts” creates a topic that does).", evidence, Reason.DELIVERY_BLOCKED)
    if found.pending_only:
        return PathResult(Status.WARN, f"An EventBridge rule in {region} matches root activity, but every SNS subscription is still pending "
                          "confirmation: confirm the e-mail.", evidence, Reason.PENDING_CONFIRMATION)
    disabled = [e["rule"] for e in found.described if not str(e["state"] or "").startswith("ENABLED")]
    if disabled:
        return PathResult(Status.FAIL, f"The rule(s) {', '.join(disabled)} would match root activity but are disabled: enable them.",
                          evidence, Reason.RULE_DISABLED)
    if found.described:
        return PathResult(Status.FAIL, f"A rule in {region} matches root activity but notifies no confirmed SNS subscription in this partition.",
                          evidence, Reason.NO_CONFIRMED_SUBSCRIBER)
    return PathResult(Status.FAIL, f"No enabled EventBridge rule in {region} matches root activity (root sign-in events are delivered only there).",
                      evidence, Reason.NO_ALERT)


# -- path 2: CIS metric filter -----------------------------------------------------------------
def is_cis_root_filter(pattern: str) -> bool:
    """The CIS root-usage filter, quoted or unquoted, in any clause order and spacing."""
    # Whitespace is dropped only outside quotes: "Ro ot" is not "Root".
    text = re.sub(r'\s+(?=(?:[^"]*"[^"]*")*[^"]*$)', "", (pattern or "").strip()).strip("{}")
    clauses = {c.replace('"', "").replace("'", "") for c in text.split("&&")}
    expected = {c.replace('"', "") for c in CIS_CLAUSES}
    return clauses == expected


def _log_group(arn: str, account_id: str) -> tuple[str, str]:
    """(region, name) of a CloudWatch Logs log-group ARN (``...:log-group:NAME:*``) in this
    account; a group in another account (an organization trail's) cannot be read from here."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[5] != "log-group" or not parts[3] or parts[4] != account_id:
        raise ValueError(arn)
    return parts[3], parts[6]


def _cis_alarms(run: CheckRun, trail: dict[str, Any], region: str, group: str) -> list[dict[str, Any]]:
    """The CIS root-usage filters on one trail's log group and the alarms on their metrics."""
    found = []
    filters = paginate(run, "logs", "DescribeMetricFilters", "metricFilters", "nextToken", region, logGroupName=group)
    for flt in filters:
        if not is_cis_root_filter(flt.get("filterPattern", "")):
            continue
        for metric in flt.get("metricTransformations") or []:
            if not _counts_up(metric.get("metricValue", "1")):
                continue  # a metric that never rises cannot trigger an alarm
            alarms = paginate(run, "cloudwatch", "DescribeAlarmsForMetric", "MetricAlarms", "NextToken", region,
                              MetricName=metric["metricName"], Namespace=metric["metricNamespace"])
            alarms = [a for a in alarms if a.get("ActionsEnabled", True) is not False]  # disabled actions notify nobody
            silent = {a.get("AlarmName"): why for a in alarms if (why := why_one_event_cannot_fire(a, metric))}
            alarms = [a for a in alarms if a.get("AlarmName") not in silent]
            topics, elsewhere = _sns_topics(run, sorted({a for alarm in alarms for a in alarm.get("AlarmActions") or []}))
            _prefetch_topics(run, topics)
            states = [topic_or_gone(run, topic) for topic in topics]  # other errors: this trail is unreadable
            _judge_delivery(states, lambda topic: delivery(run, topic, CLOUDWATCH))
            entry = {"trail": trail["Name"], "log_group": group, "filter": flt.get("filterName"),
                     "alarms": [a.get("AlarmName") for a in alarms], "topics": states, "topics_in_another_partition": elsewhere}
            if silent:
                entry["alarms_that_cannot_fire"] = [{"alarm": name, "why": why} for name, why in silent.items()]
            found.append(entry)
    return found


_FIRES_ON = {"GreaterThanOrEqualToThreshold": lambda value, threshold: value >= threshold,
             "GreaterThanThreshold": lambda value, threshold: value > threshold}


def why_one_event_cannot_fire(alarm: dict[str, Any], metric: dict[str, Any]) -> str | None:
    """Why a single root event (one datapoint of the filter's metric value) would not put the
    alarm into ALARM, or None when it would. Every filter value is the same number, so Sum,
    Average, Minimum, Maximum and percentiles of one period are that number (SampleCount is 1)."""
    operator = alarm.get("ComparisonOperator")
    if operator not in _FIRES_ON:
        return f"its comparison {str(operator)[:40]} does not fire on a rise"
    needed = alarm.get("DatapointsToAlarm") or alarm.get("EvaluationPeriods") or 1
    if needed != 1:
        return f"it needs {needed} breaching periods, so one root event never fires it"
    if alarm.get("Dimensions") and not metric.get("dimensions"):
        return "it watches dimensions the filter's metric does not have"
    try:
        value = 1.0 if alarm.get("Statistic") == "SampleCount" else float(str(metric.get("metricValue", "1")))
        threshold = float(alarm.get("Threshold"))
    except (TypeError, ValueError):
        return "its threshold or the filter's metric value is not a number"
    if not _FIRES_ON[operator](value, threshold):
        return f"one root event gives {value:g}, which does not reach its threshold {threshold:g}"
    return None


def _counts_up(value: object) -> bool:
    try:
        return float(str(value)) > 0
    except ValueError:
        return False


_MANAGEMENT_FIELDS_KEPT = {"eventCategory", "readOnly"}  # fields that do not narrow which root events are logged


def management_scope(selectors: dict[str, Any]) -> str | None:
    """None when the trail logs root's write management events (sign-ins and changes), else why
    not. No selectors at all is CloudTrail's default: every management event."""
    basic = selectors.get("EventSelectors") or []
    advanced = selectors.get("AdvancedEventSelectors") or []
    if not basic and not advanced:
        return None
    if any(s.get("IncludeManagementEvents", True) and s.get("ReadWriteType", "All") in ("All", "WriteOnly") for s in basic):
        return None
    for selector in advanced:
        fields = {f.get("Field"): f for f in selector.get("FieldSelectors") or []}
        category = fields.get("eventCategory") or {}
        if "Management" not in (category.get("Equals") or []):
            continue
        read_only = fields.get("readOnly")
        if read_only and "false" not in [str(v).lower() for v in read_only.get("Equals") or []]:
            continue  # read-only events only
        narrowing = [name for name, f in fields.items() if name not in _MANAGEMENT_FIELDS_KEPT
                     and not (name == "eventSource" and set(f) <= {"Field", "NotEquals"})]
        if not narrowing:
            return None
    return "its event selectors do not log all write management events (root sign-ins and changes)"


DELIVERY_STALE = datetime.timedelta(hours=24)


def logs_delivery_stalled(status: dict[str, Any]) -> str | None:
    """Why the trail's events are not reaching CloudWatch Logs (so no filter sees them), or None.
    An error is believed when no delivery succeeded in the last 24 hours: CloudTrail keeps
    reporting its latest error after delivery recovers."""
    error = status.get("LatestCloudWatchLogsDeliveryError")
    if not error:
        return None
    last = status.get("LatestCloudWatchLogsDeliveryTime")
    now = datetime.datetime.now(datetime.timezone.utc)
    if isinstance(last, datetime.datetime) and now - last.astimezone(datetime.timezone.utc) < DELIVERY_STALE:
        return None
    since = f"since {last.astimezone(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC" if isinstance(last, datetime.datetime) else "at all"
    return f"CloudTrail has not delivered its events to CloudWatch Logs {since} (its latest error: {str(error)[:200]})"


def metric_filter(run: CheckRun) -> PathResult:
    trails = run.snapshot.call("cloudtrail", "DescribeTrails")["trailList"]
    fed = [t for t in trails if t.get("IsMultiRegionTrail") and t.get("CloudWatchLogsLogGroupArn")]
    evidence: dict[str, Any] = {"multi_region_trails_with_logs": [t["Name"] for t in fed]}
    if not fed:
        return PathResult(Status.FAIL, "No multi-region CloudTrail trail sends its logs to CloudWatch Logs, so the CIS metric filter has nothing to watch.",
                          evidence, Reason.NO_ALERT)
    groups: dict[str, tuple[str, str]] = {}
    for trail in fed:
        try:
            groups[trail["TrailARN"]] = _log_group(trail["CloudWatchLogsLogGroupArn"], run.snapshot.account_id)
        except ValueError:
            evidence.setdefault("log_groups_not_in_this_account", []).append(trail["CloudWatchLogsLogGroupArn"])
    run.snapshot.prefetch(
        *[("cloudtrail", "GetTrailStatus", t.get("HomeRegion"), {"Name": t["TrailARN"]}) for t in fed if t["TrailARN"] in groups],
        *[("cloudtrail", "GetEventSelectors", t.get("HomeRegion"), {"TrailName": t["TrailARN"]}) for t in fed if t["TrailARN"] in groups],
        *[("logs", "DescribeMetricFilters", region, {"logGroupName": name}) for region, name in groups.values()],
    )
    blind: list[dict[str, str]] = []  # logging trails whose logs cannot show root's activity
    found: list[dict[str, Any]] = []
    errors: list[AwsCallFailed] = []
    for trail in fed:
        if trail["TrailARN"] not in groups:
            continue
        try:
            status = run.snapshot.call("cloudtrail", "GetTrailStatus", trail.get("HomeRegion"), Name=trail["TrailARN"])
            if not status["IsLogging"]:
                continue
            stalled = logs_delivery_stalled(status)
            if stalled:
                blind.append({"trail": trail["Name"], "why": stalled})
                continue
            scope = management_scope(run.snapshot.call("cloudtrail", "GetEventSelectors", trail.get("HomeRegion"), TrailName=trail["TrailARN"]))
            if scope:
                blind.append({"trail": trail["Name"], "why": scope})
                continue
            found.extend(_cis_alarms(run, trail, *groups[trail["TrailARN"]]))
        except AwsCallFailed as error:  # one unreadable trail does not hide another that works
            errors.append(error)
    evidence["cis_filters"] = found
    if blind:
        evidence["trails_not_logging_root_activity"] = blind
    if errors:
        evidence["errors"] = [_error(e) for e in errors]
    if any(t.get("confirmed") and t["delivery"] == Delivery.ALLOWED.value for f in found for t in f["topics"]):
        return PathResult(Status.PASS, "The CIS root-usage metric filter on a logging multi-region trail has an alarm notifying a confirmed SNS "
                          "subscription; it sees root activity in every region.", evidence, Reason.COMPLIANT)
    if errors:
        return PathResult(Status.UNKNOWN, f"A trail's CIS metric filter or alarm could not be read: {errors[0]}", evidence, Reason(errors[0].reason))
    problems = {t.get("delivery"): t.get("delivery_problem") for f in found for t in f["topics"] if t.get("confirmed")}
    if Delivery.UNSURE.value in problems:
        return PathResult(Status.UNKNOWN, f"The CIS root-usage alarm notifies a confirmed subscriber, but {problems[Delivery.UNSURE.value]}.",
                          evidence, Reason.DELIVERY_UNVERIFIED)
    if Delivery.BLOCKED.value in problems:
        return PathResult(Status.FAIL, f"The CIS root-usage alarm notifies a confirmed subscriber, but {problems[Delivery.BLOCKED.value]}: "
                          "no alert would arrive.", evidence, Reason.DELIVERY_BLOCKED)
    if any(t.get("pending") for f in found for t in f["topics"]):
        return PathResult(Status.WARN, "The CIS root-usage alarm exists, but every SNS subscription is still pending confirmation.", evidence,
                          Reason.PENDING_CONFIRMATION)
    if found:
        return PathResult(Status.FAIL, "The CIS root-usage metric filter exists, but no alarm on it notifies a confirmed SNS subscription.", evidence,
                          Reason.NO_CONFIRMED_SUBSCRIBER)
    if blind:
        return PathResult(Status.FAIL, f"The multi-region trail {blind[0]['trail']} cannot feed the CIS root-usage filter: {blind[0]['why']}. "
                          "Fix it, or let Rootwarden set up an EventBridge alert.", evidence, Reason.NO_ALERT)
    return PathResult(Status.FAIL, "No CIS root-usage metric filter on a logging multi-region trail's log group.", evidence, Reason.NO_ALERT)
