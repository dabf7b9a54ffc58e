"""alerts.root-activity: someone is told, within minutes, whenever root signs in or acts."""
from __future__ import annotations

from app.aws.context import ALERTS_REGION
from app.checks import alert_paths
from app.checks.base import Check, CheckRun
from app.errors import AwsCallFailed
from app.model import CheckInfo, Outcome, References, Severity, Status, Step

INFO = CheckInfo(
    id="alerts.root-activity",
    step=Step.ALERTS,
    title="Root activity sends an alert",
    severity=Severity.MEDIUM,
    rationale=(
        "Root use should be rare and expected. An alert on every root sign-in and root API call "
        "turns an intruder's first move into an e-mail within minutes."
    ),
    console_steps=(
        "Open Amazon EventBridge in us-east-1 → Rules → Create rule on the default bus.",
        'Use the pattern {"detail-type": ["AWS Console Sign In via CloudTrail", "AWS API Call via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}}.',
        "Target an SNS topic with an e-mail subscription, and confirm the e-mail AWS sends.",
    ),
    console_url=f"https://{ALERTS_REGION}.console.aws.amazon.com/events/home?region={ALERTS_REGION}#/rules",
    references=References(
        cis=("CIS AWS Foundations v5 4.3",),
        security_hub=("CloudWatch.1",),
        docs=("https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html#ru-bp-monitor",),
    ),
    fixable=True,
    actions=(
        "events:ListRules", "events:TestEventPattern", "events:ListTargetsByRule", "sns:ListSubscriptionsByTopic",
        "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "logs:DescribeMetricFilters", "cloudwatch:DescribeAlarmsForMetric",
    ),
)

_RANK = {Status.PASS: 0, Status.WARN: 1, Status.UNKNOWN: 2, Status.FAIL: 3}


def _guarded(path, run: CheckRun) -> alert_paths.PathResult:
    try:
        return path(run)
    except AwsCallFailed as error:
        return alert_paths.PathResult(Status.UNKNOWN, str(error), {"denied_or_failed": error.action})


def evaluate(run: CheckRun) -> Outcome:
    # Both paths' first calls start together; the second path is judged only if the first fails.
    run.snapshot.prefetch(("events", "ListRules", ALERTS_REGION, {}), ("cloudtrail", "DescribeTrails", None, {}))
    results = {"eventbridge": _guarded(alert_paths.eventbridge, run)}
    if results["eventbridge"].status is not Status.PASS:
        results["cis_metric_filter"] = _guarded(alert_paths.metric_filter, run)
    best = min(results.values(), key=lambda r: _RANK[r.status])
    evidence = {name: {"status": r.status.value, "summary": r.summary, **r.evidence} for name, r in results.items()}
    if best.status is Status.FAIL:
        return Outcome(Status.FAIL, f"{results['eventbridge'].summary} No CIS root-usage alarm either.", evidence)
    return Outcome(best.status, best.summary, evidence)


CHECK = Check(INFO, evaluate, shared=("identity",))
