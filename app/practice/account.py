"""The practice account: a moto-simulated AWS account seeded as SPEC §9 describes.

Ownership: one ``PracticeAccount`` per process, started by ``start()``; it keeps moto's mock
active until ``stop()``. All AWS traffic of the process then goes to the simulation (that is the
point: the real code path runs unchanged). The console-only actions a person would take in the
AWS console are offered here as clearly named ``simulate_*`` methods; nothing else in Rootwarden
can reach them.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from app.aws.context import AwsContext
from app.errors import PracticeUnavailable

ACCOUNT_ID = "123456789012"
ALIAS = "rootwarden-practice"
REGION = "us-east-1"
ADMIN_USER = "practice-admin"
CONSOLE_USERS = ("alice", "bob")
# Made-up key IDs of the simulated account (AWS's shape, so moto can route them); not real keys.
ROOT_KEY_ID = "AKIAPRACTICEROOTKEY1"
SEED_KEY_ID = "AKIASEEDSEEDSEEDSEED"


@dataclass(frozen=True)
class _Keys:
    access_key_id: str
    secret_access_key: str


class PracticeAccount:
    def __init__(self, now: datetime | None = None) -> None:
        self._now = now
        self._mock: Any = None
        self._admin: _Keys | None = None
        self._lock = threading.Lock()

    @property
    def account_id(self) -> str:
        return ACCOUNT_ID

    def start(self) -> "PracticeAccount":
        try:
            from moto import mock_aws
        except ImportError:
            raise PracticeUnavailable(
                "The practice account needs the 'demo' extra (moto). Install it with "
                "`pip install 'rootwarden[demo]'` or run `make demo`."
            ) from None
        from app.practice import moto_gaps

        moto_gaps.install()
        moto_gaps.reset()
        self._mock = mock_aws()
        self._mock.start()
        self._admin = seed(self._now or datetime.now(timezone.utc))
        _warm_simulation()
        return self

    def stop(self) -> None:
        if self._mock is not None:
            self._mock.stop()
            self._mock = None

    def aws_context(self, region: str | None = None, **kw: Any) -> AwsContext:
        """A connection as the practice account's administrator (an IAM user, not root).
        Two calls at a time: the simulation is CPU-bound, so more threads would only contend."""
        assert self._admin is not None, "start() first"
        kw.setdefault("parallel", 2)
        return AwsContext.from_keys(self._admin.access_key_id, self._admin.secret_access_key, region=region or REGION, **kw)

    # -- console-only actions, simulated ----------------------------------------------------------
    def simulate_root_mfa(self) -> None:
        """As if root registered a passkey or security key in the console."""
        from app.practice import moto_gaps

        with self._lock:
            moto_gaps.extras(ACCOUNT_ID).root.mfa_active = True

    def simulate_delete_root_keys(self) -> int:
        """As if root deleted its access keys on the Security credentials page."""
        from app.practice import moto_gaps

        with self._lock:
            state = moto_gaps.extras(ACCOUNT_ID)
            count = len(state.root.access_keys)
            state.root.access_keys.clear()
            return count

    def simulate_identity_center(self) -> None:
        """As if IAM Identity Center were enabled in the console."""
        from app.practice import moto_gaps

        with self._lock:
            moto_gaps.extras(ACCOUNT_ID).identity_center = True

    def simulate_time_passes(self, days: int = 31) -> None:
        """As if ``days`` passed without root use: every root date moves back (practice only)."""
        from app.practice import moto_gaps

        shift = timedelta(days=days)
        with self._lock:
            state = moto_gaps.extras(ACCOUNT_ID)
            root = state.root
            root.created -= shift
            if root.password_last_used:
                root.password_last_used -= shift
            for key in root.access_keys:
                key.created -= shift
                key.last_used = key.last_used - shift if key.last_used else None
            for event in state.root_events:
                event["EventTime"] -= shift

    def simulate_confirm_subscriptions(self, topic_arn: str | None = None) -> int:
        """As if the recipient clicked the link in AWS's subscription confirmation e-mail."""
        from app.practice import moto_gaps

        return moto_gaps.confirm_email_subscriptions(ACCOUNT_ID, topic_arn)


def seed(now: datetime) -> _Keys:
    """Seed whatever AWS endpoint boto3 is pointed at (the in-process mock, or a moto server
    via AWS_ENDPOINT_URL) with the practice state; returns the administrator's keys."""
    import boto3

    from app.practice import moto_gaps

    setup = boto3.Session(aws_access_key_id=SEED_KEY_ID, aws_secret_access_key="seed" * 10, region_name=REGION)
    iam = setup.client("iam")
    iam.create_account_alias(AccountAlias=ALIAS)
    iam.create_user(UserName=ADMIN_USER, Tags=[{"Key": "purpose", "Value": "practice administrator"}])
    iam.put_user_policy(UserName=ADMIN_USER, PolicyName="administrator", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName=ADMIN_USER)["AccessKey"]
    for name in CONSOLE_USERS:
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password=f"Practice-{name}-Passw0rd!")

    state = moto_gaps.extras(ACCOUNT_ID)
    state.root = moto_gaps.RootUser(
        created=now - timedelta(days=400),
        password=True,
        password_last_used=now - timedelta(days=1),
        mfa_active=False,
        access_keys=[moto_gaps.RootKey(ROOT_KEY_ID, True, now - timedelta(days=380), now - timedelta(days=3), "us-east-1", "s3")],
    )
    state.root_events = _root_events(now)
    return _Keys(key["AccessKeyId"], key["SecretAccessKey"])


PRACTICE_SERVICES = ("account", "cloudtrail", "cloudwatch", "events", "iam", "logs", "organizations", "sns", "ssoadmin", "sts")


def _warm_simulation() -> None:
    """Build moto's per-account backends now: each loads AWS's endpoint data the first time it
    is used, which would otherwise happen in the middle of the first check run."""
    from moto.backends import get_backend

    for name in PRACTICE_SERVICES:
        get_backend(name)[ACCOUNT_ID]


def _root_events(now: datetime) -> list[dict[str, Any]]:
    """Root activity over the last 90 days, for the Step 3 timeline."""
    events = []
    for days_ago, name, source in ((1, "ConsoleLogin", "signin.amazonaws.com"), (3, "ListBuckets", "s3.amazonaws.com"),
                                   (3, "GetBucketPolicy", "s3.amazonaws.com"), (17, "ConsoleLogin", "signin.amazonaws.com"),
                                   (40, "ConsoleLogin", "signin.amazonaws.com"), (41, "CreateUser", "iam.amazonaws.com"),
                                   (75, "ConsoleLogin", "signin.amazonaws.com")):
        when = now - timedelta(days=days_ago, hours=2)
        events.append({
            "EventId": f"practice-{days_ago}-{name}",
            "EventName": name,
            "ReadOnly": "false" if name in ("CreateUser", "ConsoleLogin") else "true",
            "EventTime": when,
            "EventSource": source,
            "Username": "root",
            "Resources": [],
            "CloudTrailEvent": json.dumps({"eventName": name, "eventSource": source, "userIdentity": {"type": "Root"}}),
        })
    return events
