"""root.recent-use: the root user has not been used recently."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.aws.credential_report import parse_date
import app.checks.root_credentials as rc
from app.checks.base import Check, CheckRun
from app.errors import AwsCallFailed, MalformedResponse
from app.model import CheckInfo, Outcome, Reason, References, Severity, Status, Step, rfc3339

INFO = CheckInfo(
    id="root.recent-use",
    step=Step.LIMIT_USE,
    title="Root user not used recently",
    severity=Severity.HIGH,
    rationale=(
        "Root should be used only for the few tasks that need it (changing the account's "
        "settings or support plan, closing the account, restoring a locked-out admin, some "
        "S3/SQS policy unlocks). Daily work belongs to an administrator identity."
    ),
    console_steps=(
        "Create an administrator identity (IAM Identity Center user or IAM user) and use it daily.",
        "Sign out of the root user and store its credentials and MFA device safely.",
        "Review root activity in CloudTrail → Event history (filter User name = root).",
    ),
    console_url="https://console.aws.amazon.com/cloudtrail/home#/events?Username=root",
    references=References(
        cis=("CIS AWS Foundations v5 1.6",),
        docs=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks",),
    ),
    actions=("cloudtrail:LookupEvents",),  # root activity since the (up to 4 hours old) credential report
)

USE_FIELDS = ("password_last_used", "access_key_1_last_used_date", "access_key_2_last_used_date")
# IAM hands out a credential report up to 4 hours old; CloudTrail's event history covers the
# hours since (with a margin for its few minutes of delivery delay).
REPORT_MAX_AGE = timedelta(hours=4, minutes=15)
CLOUDTRAIL_MARGIN = timedelta(minutes=15)  # events reach the event history within minutes
ROOT_EVENTS_SINCE_REPORT = "root.recent-use:cloudtrail"


def _root_events_since(run: CheckRun, start: datetime) -> list[datetime]:
    """When root acted since ``start``, per CloudTrail in the sign-in region (root sign-ins and
    global-service calls are recorded there). Newest first; one page is enough for the newest."""
    page = run.snapshot.call("cloudtrail", "LookupEvents", run.snapshot.sign_in_region,
                             LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "root"}],
                             StartTime=start, MaxResults=50)
    return sorted((e["EventTime"] for e in page.get("Events") or [] if isinstance(e.get("EventTime"), datetime)), reverse=True)


def _report_time(text: str, now: datetime) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return now - REPORT_MAX_AGE  # unknown: assume the oldest a report can be
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def evaluate(run: CheckRun) -> Outcome:
    window = run.now - REPORT_MAX_AGE
    lately = lambda: run.snapshot.memo(ROOT_EVENTS_SINCE_REPORT, lambda: _root_events_since(run, window),  # noqa: E731
                                       "cloudtrail:LookupEvents")
    run.snapshot.start(lately)  # beside the credential report, not after it
    report = run.snapshot.credential_report()
    row = report.root
    if row is None:
        raise MalformedResponse(rc.REPORT_ACTION, "a credential report without the root row (<root_account>)")
    raw = {name: row.get(name, "N/A") for name in USE_FIELDS}
    # An unparseable date raises MalformedResponse: it is never read as "not used".
    used = [(when, name) for name, value in raw.items() if (when := parse_date(value, name)) is not None]
    threshold = run.settings.recent_use_days
    evidence = {**raw, "threshold_days": threshold, "credential_report_generated": report.generated_time}
    as_of = f" (credential report of {report.generated_time})" if report.generated_time else ""
    region = run.snapshot.sign_in_region
    since_report, unseen = "", None
    made = _report_time(report.generated_time, run.now)
    try:
        events = lately()
        if made < window:  # an older report (or a clock running ahead): look back to the report itself
            events = run.snapshot.memo((ROOT_EVENTS_SINCE_REPORT, made), lambda: _root_events_since(run, made - CLOUDTRAIL_MARGIN))
        later = [when for when in events if when > made]
    except AwsCallFailed as error:  # a pass from the report alone would rest on a stale source
        evidence["cloudtrail_since_report"] = {"error": error.action}
        unseen = error
    else:
        evidence["cloudtrail_since_report"] = {"region": region, "root_events": len(later)}
        if later:
            used.append((later[0], "cloudtrail"))
        else:
            since_report = f" CloudTrail in {region} (root sign-ins and global services) shows no root activity since."
    if not used:
        if unseen is not None:
            return _stale(unseen, as_of, evidence)
        return Outcome(Status.PASS, f"The credential report shows no root use at all{as_of}.{since_report}", evidence, Reason.NEVER_USED)
    newest, via = max(used)  # the newest of the dates, not the first one present
    evidence["last_used"] = rfc3339(newest)
    how = {"password_last_used": "signed in", "cloudtrail": "acted (CloudTrail event history, after the credential report)"}.get(
        via, "used an access key")
    days = (run.now - newest).days
    started = run.settings.session_started_at
    if started is not None and newest >= started:
        return Outcome(Status.WARN, f"Root {how} during this setup session, as expected (the console MFA step needs root).", evidence, Reason.USED_THIS_SESSION)
    if run.now - newest <= timedelta(days=threshold):
        ago = "today" if days <= 0 else "yesterday" if days == 1 else f"{days} days ago"
        return Outcome(Status.FAIL, f"Root {how} {ago} (within {threshold} days): use an admin identity instead.", evidence, Reason.USED_RECENTLY)
    if unseen is not None:
        return _stale(unseen, as_of, evidence)
    return Outcome(Status.PASS, f"Root was last used {days} days ago (more than {threshold} days){as_of}.{since_report}", evidence,
                   Reason.NOT_USED_RECENTLY)


def _stale(error: AwsCallFailed, as_of: str, evidence: dict) -> Outcome:
    """SPEC §2.2: a report up to 4 hours old without its live counterpart is not a pass."""
    return Outcome(Status.UNKNOWN, f"The credential report{as_of} shows no recent root use, but it can be up to 4 hours old and root "
                   f"activity since could not be read from CloudTrail ({error.action}: {error.reason}).", evidence, Reason.STALE_SOURCE)


CHECK = Check(INFO, evaluate, shared=("credential_report",))
