"""The practice organization (SPEC §12): the practice account as the management account of a
simulated AWS Organization with 50 member accounts, seeded as the SPEC describes.

Only ``--demo`` (or a test) reaches this module. Ownership is as for ``PracticeAccount``: one
per process, moto's mock active from ``start()`` to ``stop()``. The member accounts' IDs and
names are fixed, so ``--accounts`` can name them.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Iterator

from app.practice.account import ACCOUNT_ID, REGION, SEED_KEY_ID, PracticeAccount

MEMBER_COUNT = 50
ORGANIZATION_ID = "o-rwpractice01"
# The simulation has no AWS quota to respect: its contacts are read faster than the 8 requests/s
# Rootwarden allows itself against AWS (SPEC §12), so a practice run takes seconds, not minutes.
CONTACT_READS_PER_SECOND = 100.0
HOSTILE_NAME = "<b>ALL PASSED</b>\x1b[2J\x07\u202e evil"


def member_id(n: int) -> str:
    """The ID of member ``n`` (1–50)."""
    return f"2100000000{n:02d}"


# Member number → what is special about it. Every member not listed is credential-free.
PASSWORD_AND_MFA = (1, 2, 3)
PASSWORD_NO_MFA = (4, 5, 6)
ACTIVE_ROOT_KEY = (7, 8)  # 8 also has a password without MFA
INACTIVE_ROOT_KEY = 9
SIGNING_CERTIFICATES = (10, 11)
SUSPENDED = 12
SCP_DENIES_ROOT = 13
INVITED = 14
THROTTLED = 15  # AssumeRoot is throttled the first THROTTLE_COUNT times
THROTTLE_COUNT = 2
SLOW = (16, 17)  # every call in their root session takes LATENCY seconds longer
LATENCY = 0.05
HOSTILE = 18  # its name carries markup and terminal control characters
SCP_WITH_EXEMPTION = 19  # denies root, but exempts root sessions (Null aws:AssumedRoot)
MISSING_SECURITY_CONTACT = (20, 21, 22, 23, 24)  # no security alternate contact (billing and operations set)
NO_CONTACTS = 25  # none of the three alternate contacts
# Member 18's security contact is named with markup (valid data, shown as its characters); its
# operations contact's name holds terminal control characters (an answer no check may pass).
HOSTILE_CONTACT_NAME = "<b>ALL PASSED</b> <script>x</script>"
CONTROL_CONTACT_NAME = "Ops\x1b[2J\x07\u202e team"

_DENY_ROOT = {"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyRootUser", "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}]}
_DENY_ROOT_EXEMPT = {"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyRootUserExceptRootSessions", "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}, "Null": {"aws:AssumedRoot": "true"}}}]}


class PracticeOrganization(PracticeAccount):
    """The practice account, plus the organization it manages. ``features=False`` seeds it
    without trusted access (iam, account) and without the IAM root-access features, as an
    organization looks before `rootwarden org enable`."""

    def __init__(self, now: datetime | None = None, features: bool = True) -> None:
        super().__init__(now)
        self._features = features

    def start(self) -> "PracticeOrganization":
        super().start()
        from app.practice import moto_org

        moto_org.install()
        moto_org.reset()
        seed_organization(self._now or datetime.now(timezone.utc), features=self._features)
        return self

    @property
    def member_ids(self) -> list[str]:
        return [member_id(n) for n in range(1, MEMBER_COUNT + 1)]


def member_name(n: int) -> str:
    return HOSTILE_NAME if n == HOSTILE else f"practice-member-{n:02d}"


def seed_organization(now: datetime, features: bool = True) -> str:
    """Create the organization, its members and their root users; returns the organization ID.
    ``features`` False leaves trusted access and the IAM root-access features off."""
    import boto3

    from app.practice import moto_gaps, moto_org

    setup = boto3.Session(aws_access_key_id=SEED_KEY_ID, aws_secret_access_key="seed" * 10, region_name=REGION)
    org = setup.client("organizations")
    with _fixed_organization_id():
        org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    for principal in ("iam.amazonaws.com", "account.amazonaws.com") if features else ():
        org.enable_aws_service_access(ServicePrincipal=principal)
    with _fixed_account_ids():
        for n in range(1, MEMBER_COUNT + 1):
            org.create_account(AccountName=member_name(n), Email=f"member-{n:02d}@practice.example")
    if features:
        iam = setup.client("iam")
        iam.enable_organizations_root_credentials_management()
        iam.enable_organizations_root_sessions()
    for n, document in ((SCP_DENIES_ROOT, _DENY_ROOT), (SCP_WITH_EXEMPTION, _DENY_ROOT_EXEMPT)):
        policy = org.create_policy(Name=f"deny-root-{n:02d}", Description="Deny the root user", Type="SERVICE_CONTROL_POLICY",
                                   Content=json.dumps(document))["Policy"]["PolicySummary"]
        org.attach_policy(PolicyId=policy["Id"], TargetId=member_id(n))
    _place_accounts(org)
    _mark_accounts()
    for n in range(1, MEMBER_COUNT + 1):
        moto_gaps.extras(member_id(n)).root = _root_user(n, now)
    moto_org.faults(member_id(THROTTLED)).throttle_assume_root = THROTTLE_COUNT
    for n in SLOW:
        moto_org.faults(member_id(n)).latency = LATENCY
    _seed_contacts()
    return org_id


# The OU tree: path → the member numbers placed there (the rest stay at the root).
OUS: dict[str, range] = {"Workloads": range(0), "Workloads/Prod": range(1, 16), "Workloads/Dev": range(16, 31),
                         "Sandbox": range(31, 41), "Security": range(41, 46)}


def _place_accounts(org: "object") -> None:
    root = org.list_roots()["Roots"][0]["Id"]  # type: ignore[attr-defined]
    ids = {"": root}
    for path, numbers in OUS.items():
        parent, _, name = path.rpartition("/")
        ids[path] = org.create_organizational_unit(ParentId=ids[parent], Name=name)["OrganizationalUnit"]["Id"]  # type: ignore[attr-defined]
        for n in numbers:
            org.move_account(AccountId=member_id(n), SourceParentId=root, DestinationParentId=ids[path])  # type: ignore[attr-defined]


def _root_user(n: int, now: datetime) -> "object":
    from app.practice import moto_gaps

    root = moto_gaps.RootUser(created=now - timedelta(days=200 + n), password=False)
    if n in PASSWORD_AND_MFA or n in PASSWORD_NO_MFA or n == 8:
        root.password = True
        root.password_last_used = now - timedelta(days=10 + n)
        root.mfa_active = n in PASSWORD_AND_MFA
    if n in ACTIVE_ROOT_KEY or n == INACTIVE_ROOT_KEY:
        key_id = f"AKIAPRACTICEMEMBER{n:02d}"
        root.access_keys = [moto_gaps.RootKey(key_id, n != INACTIVE_ROOT_KEY, now - timedelta(days=300),
                                              now - timedelta(days=n), "us-east-1", "ec2")]
    if n in SIGNING_CERTIFICATES:
        root.signing_certificates = 1
    return root


@contextmanager
def _fixed_organization_id() -> Iterator[None]:
    """The practice organization keeps one ID from run to run, so its records compare (drift)."""
    from moto.organizations import utils

    original = utils.make_random_org_id
    utils.make_random_org_id = lambda: ORGANIZATION_ID
    try:
        yield
    finally:
        utils.make_random_org_id = original


@contextmanager
def _fixed_account_ids() -> Iterator[None]:
    """moto gives new accounts random IDs; the practice members get 210000000001… in order."""
    from moto.organizations import utils

    original = utils.make_random_account_id
    numbers = iter(range(1, MEMBER_COUNT + 1))
    utils.make_random_account_id = lambda: member_id(next(numbers))
    try:
        yield
    finally:
        utils.make_random_account_id = original


def _mark_accounts() -> None:
    """The states moto cannot reach through its API: one member suspended, one invited."""
    from moto.organizations.models import organizations_backends

    backend = organizations_backends[ACCOUNT_ID]["aws"]
    for account in backend.accounts:
        if account.id == member_id(SUSPENDED):
            account.status = account.state = "SUSPENDED"
        if account.id == member_id(INVITED):
            account.joined_method = "INVITED"


def _seed_contacts() -> None:
    """Alternate contacts on every member except the missing ones listed above."""
    from app.practice import moto_org_contacts

    moto_org_contacts.reset()
    for n in range(1, MEMBER_COUNT + 1):
        for kind in ("SECURITY", "BILLING", "OPERATIONS"):
            if n == NO_CONTACTS or (kind == "SECURITY" and n in MISSING_SECURITY_CONTACT):
                continue
            name = f"{kind.capitalize()} team {n:02d}"
            if n == HOSTILE:
                name = {"SECURITY": HOSTILE_CONTACT_NAME, "OPERATIONS": CONTROL_CONTACT_NAME}.get(kind, name)
            moto_org_contacts.store_contact(member_id(n), kind, name, f"{kind.capitalize()} contact",
                                            f"{kind.lower()}-{n:02d}@practice.example", "+1 206 555 0100")
