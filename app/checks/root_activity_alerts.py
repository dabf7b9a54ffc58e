"""alerts.root-activity: someone is told, within minutes, whenever root signs in or acts."""
from __future__ import annotations

from typing import Callable

import app.checks.alert_paths as alert_paths
from app.checks.base import Check, CheckRun
from app.errors import AwsCallFailed, RootwardenError
from app.model import CheckInfo, Outcome, Reason, References, Severity, Status, Step

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
        "Open Amazon EventBridge in us-east-1 (us-gov-west-1 in GovCloud, cn-north-1 in China) → Rules → Create rule on the default bus.",
        'Use the pattern {"detail-type": ["AWS Console Sign In via CloudTrail", "AWS API Call via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}}.',
        "Set its state to \"Enabled with all CloudTrail management events\" so read-only root calls alert too.",
        "Target an SNS topic with an e-mail subscription, and confirm the e-mail AWS sends.",
    ),
    console_url="https://us-east-1.console.aws.amazon.com/events/home?region=us-east-1#/rules",
    references=References(
        cis=("CIS AWS Foundations v5 4.3",),
        security_hub=("CloudWatch.1",),
        docs=("https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html#ru-bp-monitor",),
    ),
    fixable=True,
    actions=(
        "events:ListRules", "events:TestEventPattern", "events:ListTargetsByRule", "sns:ListSubscriptionsByTopic",
        "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "logs:DescribeMetricFilters",
        "cloudwatch:DescribeAlarmsForMetric",
        "sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "kms:DescribeKey", "kms:GetKeyPolicy",
    ),
)

_RANK = {Status.PASS: 0, Status.WARN: 1, Status.UNKNOWN: 2, Status.FAIL: 3}
CIS_PATH = "alerts:cis-metric-filter-path"


def _guarded(path: Callable[[CheckRun], alert_paths.PathResult], run: CheckRun) -> alert_paths.PathResult:
    try:
        return path(run)
    except AwsCallFailed as error:
        return alert_paths.PathResult(Status.UNKNOWN, str(error), {"failed_action": error.action}, Reason(error.reason))
    except RootwardenError as error:
        return alert_paths.PathResult(Status.UNKNOWN, str(error), {}, Reason(error.reason))


def evaluate(run: CheckRun) -> Outcome:
    # Both paths start at once (the CIS path on the snapshot's I/O pool), so the run waits for
    # the longer chain, not for one after the other; the CIS path's answer is read only when
    # EventBridge alone does not pass.
    cis = lambda: run.snapshot.memo(CIS_PATH, lambda: _guarded(alert_paths.metric_filter, run))  # noqa: E731
    run.snapshot.start(cis)
    results = {"eventbridge": _guarded(alert_paths.eventbridge, run)}
    if results["eventbridge"].status is not Status.PASS:
        results["cis_metric_filter"] = cis()
    best = min(results.values(), key=lambda r: _RANK[r.status])
    evidence = {name: {"status": r.status.value, "reason": r.reason.value if r.reason else None, "summary": r.summary, **r.evidence}
                for name, r in results.items()}
    if best.status is Status.FAIL:
        return Outcome(Status.FAIL, f"{results['eventbridge'].summary} No CIS root-usage alarm either.", evidence, results["eventbridge"].reason)
    return Outcome(best.status, best.summary, evidence, best.reason)


CHECK = Check(INFO, evaluate, shared=("identity",))
