"""Benchmark: organization mode at scale (SPEC §12 "Scale"). Prints figures; asserts nothing.

Goal: 5,000 member accounts audited (the credentials part) in ≤ 3 minutes at an 80 ms round trip.

The organization is simulated at botocore's HTTP layer, not by moto: a ``before-send`` handler on
the boto3 session's event system sleeps the round trip and answers each request with a
well-formed XML (query protocol: STS, IAM) or JSON (Organizations) body, serialized from
botocore's own output shape of the operation. Everything else is Rootwarden's real code end to
end: the AwsContext built as for a profile (static fake keys), botocore's serialization, SigV4
signing and parsing, the inventory, the AdaptivePool, the MemberAuditor and its root sessions,
and the member checks. The simulator's own CPU time is measured and printed, so what is left is
Rootwarden's.

The members have varied shapes (``SHAPES``): most credential-free, some with a root password with
or without MFA, root access keys (one kind inactive), signing certificates, one with everything;
plus the management account and a few suspended members, in a small OU tree (Root/Workloads/Prod,
Root/Workloads/Dev, Root/Sandbox, Root/Suspended) that the scan walks. ``--throttle-pct`` answers the first
AssumeRoot of that share of members with ``Throttling``, to show the pool halving and growing back.
After the run every member's verdicts are compared with what its shape must give; a mismatch is
printed loudly (a benchmark that audits wrongly is worthless), and so is an account placed in the
wrong OU.

Run: make bench-org   (or: python benchmarks/org_scale.py --accounts 5000 --rtt-ms 80 --workers 32 --throttle-pct 2)
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import threading
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GOAL_SECONDS = 180.0
REGION = "us-east-1"
ORG_ID = "o-bench0scale"
MANAGEMENT = "111111111111"
FIRST_MEMBER = 200_000_000_000
PAGE = 20  # ListAccounts' page size (AWS's maximum)
TASK_POLICY_ARN = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
# Static fake keys for the management account: the AwsContext is built from the standard
# credential chain exactly as `--aws-profile` does, with these in the environment.
FAKE_ENV = {"AWS_ACCESS_KEY_ID": "AKIABENCHMARK0000000", "AWS_SECRET_ACCESS_KEY": "bench-secret-not-a-real-key",
            "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
UNSET_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL",
             "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_REGION",
             "AWS_STS_REGIONAL_ENDPOINTS", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_CA_BUNDLE")
_CREDENTIAL = re.compile(r"Credential=([A-Z0-9]+)/")


# -- the members' shapes and the verdicts they must give --------------------------------------------
@dataclass(frozen=True)
class Shape:
    name: str
    password: bool = False
    mfa: bool = False
    keys: tuple[bool, ...] = ()  # one entry per root access key: active?
    certificates: int = 0

    @property
    def credential_free(self) -> bool:
        return not (self.password or self.mfa or self.keys or self.certificates)

    def expected(self) -> dict[str, str]:
        """Each member check's status for this shape (SPEC §12)."""
        return {
            "member.root-password": "fail" if self.password else "pass",
            "member.root-access-keys": "fail" if self.keys else "pass",
            "member.root-signing-certificates": "warn" if self.certificates else "pass",
            "member.root-mfa": "not_applicable" if not self.password else "pass" if self.mfa else "fail",
            "member.root-credential-free": "pass" if self.credential_free else "fail",
        }


FREE = Shape("credential-free")
# Out of every 100 members: 4 password + MFA, 3 password without MFA, 2 active root key, 1 inactive
# root key, 1 signing certificate, 1 with everything; the other 88 credential-free.
SHAPES = (
    *(Shape("password + MFA", password=True, mfa=True),) * 4,
    *(Shape("password, no MFA", password=True),) * 3,
    *(Shape("active root key", keys=(True,)),) * 2,
    Shape("inactive root key", keys=(False,)),
    Shape("signing certificate", certificates=1),
    Shape("everything", password=True, mfa=True, keys=(True, False), certificates=2),
)
# The OU tree (ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent): OU → (parent, name).
ROOT_ID = "r-bnch"
OUS = {"ou-bnch-workloads": (ROOT_ID, "Workloads"), "ou-bnch-prod": ("ou-bnch-workloads", "Prod"),
       "ou-bnch-dev": ("ou-bnch-workloads", "Dev"), "ou-bnch-sandbox": (ROOT_ID, "Sandbox"),
       "ou-bnch-suspended": (ROOT_ID, "Suspended")}


def _ou_of(index: int) -> str:
    """Half the members in Prod, three in ten in Dev, the rest in Sandbox."""
    return "ou-bnch-prod" if index % 10 < 5 else "ou-bnch-dev" if index % 10 < 8 else "ou-bnch-sandbox"


def _path(node: str) -> str:
    names = []
    while node in OUS:
        node, name = OUS[node]
        names.append(name)
    return "/".join(["Root", *reversed(names)])


NOT_APPLICABLE = {check: "not_applicable" for check in FREE.expected()}


def shape_of(index: int) -> Shape:
    position = index % 100
    return SHAPES[position] if position < len(SHAPES) else FREE


# -- serialization from botocore's output shapes ------------------------------------------------------
_models: dict[str, Any] = {}


def _model(service: str) -> Any:
    if service not in _models:
        import botocore.session

        _models[service] = botocore.session.get_session().get_service_model(service)
    return _models[service]


def _xml_value(shape: Any, value: Any) -> str:
    kind = shape.type_name
    if kind == "structure":
        return "".join(f"<{name}>{_xml_value(member, value[key])}</{name}>"
                       for key, member in shape.members.items() if key in value
                       for name in (member.serialization.get("name", key),))
    if kind == "list":
        name = shape.member.serialization.get("name", "member")
        return "".join(f"<{name}>{_xml_value(shape.member, item)}</{name}>" for item in value)
    if kind == "map":
        return "".join(f"<entry><key>{escape(str(k))}</key><value>{_xml_value(shape.value, v)}</value></entry>"
                       for k, v in value.items())
    if kind == "timestamp":
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "boolean":
        return "true" if value else "false"
    return escape(str(value))


def query_body(service: str, operation: str, result: dict[str, Any]) -> bytes:
    """The XML body AWS's query protocol (STS, IAM) answers ``operation`` with."""
    model = _model(service)
    output = model.operation_model(operation).output_shape
    inner = _xml_value(output, result) if output is not None else ""
    wrapper = output.serialization.get("resultWrapper", f"{operation}Result") if output is not None else f"{operation}Result"
    namespace = model.metadata.get("xmlNamespace", "")
    return (f'<{operation}Response xmlns="{namespace}"><{wrapper}>{inner}</{wrapper}>'
            f"<ResponseMetadata><RequestId>bench-request</RequestId></ResponseMetadata></{operation}Response>").encode()


def query_error(code: str, message: str) -> bytes:
    return (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
            "<RequestId>bench-request</RequestId></ErrorResponse>").encode()


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(type(value).__name__)


class _Raw:
    """What botocore reads an HTTP body from (``stream()``)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def response(request: Any, status: int, body: bytes, content_type: str) -> Any:
    from botocore.awsrequest import AWSResponse, HeadersDict

    headers = HeadersDict({"Content-Type": content_type, "Content-Length": str(len(body)), "x-amzn-RequestId": "bench-request"})
    return AWSResponse(request.url, status, headers, _Raw(body))


# -- the simulated organization ------------------------------------------------------------------------
@dataclass
class Tally:
    requests: Counter[str] = field(default_factory=Counter)
    throttled: int = 0
    cpu: float = 0.0  # the simulator's own CPU time (building answers), summed over threads
    faults: list[str] = field(default_factory=list)  # the simulator's own failures (its bugs)


class SimulatedOrganization:
    """N active members (plus the management account and ``suspended`` suspended members),
    answered at botocore's ``before-send``. Thread-safe: the handler runs on every worker."""

    def __init__(self, accounts: int, rtt_ms: float, throttle_pct: float = 0.0, suspended: int | None = None,
                 validate: bool = True) -> None:
        self.members = [str(FIRST_MEMBER + i) for i in range(accounts)]
        self.suspended = [str(FIRST_MEMBER + accounts + i) for i in range(max(1, accounts // 1000) if suspended is None
                                                                        else suspended)]
        self.shapes = {account: shape_of(i) for i, account in enumerate(self.members)}
        every = round(100 / throttle_pct) if throttle_pct > 0 else 0
        self.to_throttle = {a for i, a in enumerate(self.members) if every and i % every == every // 2}
        self._where = {MANAGEMENT: ROOT_ID, **{a: _ou_of(i) for i, a in enumerate(self.members)},
                       **dict.fromkeys(self.suspended, "ou-bnch-suspended")}
        self._children = {node: [unit for unit, (parent, _) in OUS.items() if parent == node] for node in (ROOT_ID, *OUS)}
        self._accounts_in: dict[str, list[str]] = {node: [] for node in self._children}
        for account, node in self._where.items():
            self._accounts_in[node].append(account)
        self.rtt = rtt_ms / 1000
        self.validate = validate
        self.tally = Tally()
        self._sessions: dict[str, str] = {}  # root-session access key ID → member account
        self._throttled_once: set[str] = set()
        self._validated: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()
        self._serial = 0

    # -- wiring
    def install(self, boto_session: Any) -> None:
        """Answer every request of clients made from ``boto_session`` from now on."""
        boto_session.events.register("before-send", self.handle)

    def handle(self, request: Any, event_name: str = "", **_: Any) -> Any:
        began = time.thread_time()
        _, service, operation = event_name.split(".", 2)
        try:
            answer = self._answer(request, service, operation)
        except Exception as error:  # the simulator's bug: recorded, so the sanity check says so
            with self._lock:
                self.tally.faults.append(f"{service}:{operation}: {type(error).__name__}: {error}")
            raise
        with self._lock:
            self.tally.requests[f"{service}:{operation}"] += 1
            self.tally.cpu += time.thread_time() - began
        if self.rtt:
            time.sleep(self.rtt)
        return answer

    # -- answers
    def _answer(self, request: Any, service: str, operation: str) -> Any:
        if service == "organizations":
            params = json.loads(request.body or b"{}")
            return self._json(request, operation, self._organizations(operation, params))
        params = {k: v[0] for k, v in parse_qs(request.body.decode() if isinstance(request.body, bytes)
                                               else (request.body or "")).items()}
        try:
            if service == "sts":
                result, kind = self._sts(request, operation, params), ""
            elif service == "iam":
                result, kind = self._iam(request, operation)
            else:
                raise _Error(400, "InvalidAction", f"{service} is not simulated")
        except _Error as error:
            return response(request, error.status, query_error(error.code, error.message), "text/xml")
        return response(request, 200, self._query(service, operation, result, kind), "text/xml")

    def _query(self, service: str, operation: str, result: dict[str, Any], kind: str = "") -> bytes:
        self._check(service, operation, result, kind)
        return query_body(service, operation, result)

    def _json(self, request: Any, operation: str, result: dict[str, Any]) -> Any:
        self._check("organizations", operation, result)
        return response(request, 200, json.dumps(result, default=_json_default).encode(), "application/x-amz-json-1.1")

    def _check(self, service: str, operation: str, result: dict[str, Any], shape: str = "") -> None:
        """The answer fits botocore's output shape (checked once per operation, member shape and
        set of top-level fields: the answers of one kind differ only in their values)."""
        if not self.validate:
            return
        kind = (service, operation, shape + "|" + ",".join(sorted(result)))
        if kind in self._validated:
            return
        from app.practice import moto_gaps

        moto_gaps.validated(service, operation, result)
        with self._lock:
            self._validated.add(kind)

    def _sts(self, request: Any, operation: str, params: dict[str, str]) -> dict[str, Any]:
        if operation == "GetCallerIdentity":
            return {"UserId": "AIDABENCHMARKADMIN00", "Account": MANAGEMENT, "Arn": f"arn:aws:iam::{MANAGEMENT}:user/bench-admin"}
        if operation != "AssumeRoot":
            raise _Error(400, "InvalidAction", f"sts:{operation} is not simulated")
        if urlsplit(request.url).hostname != f"sts.{REGION}.amazonaws.com":
            raise _Error(400, "InvalidAction", "AssumeRoot is not served by the global STS endpoint")
        if params.get("TaskPolicyArn.arn") != TASK_POLICY_ARN:
            raise _Error(403, "AccessDenied", "only the audit task policy is allowed")
        account = params.get("TargetPrincipal", "")
        if account not in self.shapes:
            raise _Error(403, "AccessDenied", f"{account} is not an active member")
        if account in self.to_throttle:
            with self._lock:
                first = account not in self._throttled_once
                self._throttled_once.add(account)
                self.tally.throttled += first
            if first:
                raise _Error(400, "Throttling", "Rate exceeded")
        with self._lock:
            self._serial += 1
            key = f"ASIA{self._serial:016d}"
            self._sessions[key] = account
        return {"Credentials": {"AccessKeyId": key, "SecretAccessKey": f"bench-secret-{self._serial}",
                                "SessionToken": f"bench-token-{self._serial}", "Expiration": NOW + timedelta(minutes=15)}}

    def _iam(self, request: Any, operation: str) -> tuple[dict[str, Any], str]:
        if operation == "ListOrganizationsFeatures":
            return {"OrganizationId": ORG_ID, "EnabledFeatures": ["RootCredentialsManagement", "RootSessions"]}, ""
        found = _CREDENTIAL.search(str(request.headers.get("Authorization", "")))
        account = self._sessions.get(found.group(1)) if found else None
        if account is None:
            raise _Error(403, "AccessDenied", f"iam:{operation} is simulated only in a root session")
        shape = self.shapes[account]
        return self._root_read(account, shape, operation), shape.name

    @staticmethod
    def _root_read(account: str, shape: Shape, operation: str) -> dict[str, Any]:
        created = NOW - timedelta(days=400)
        if operation == "GetAccountSummary":
            flags = {"AccountPasswordPresent": int(shape.password), "AccountMFAEnabled": int(shape.mfa),
                     "AccountAccessKeysPresent": int(bool(shape.keys)), "AccountSigningCertificatesPresent": int(bool(shape.certificates))}
            return {"SummaryMap": {"Users": 3, "Groups": 1, "Roles": 7, "Policies": 2, "MFADevices": int(shape.mfa),
                                   "MFADevicesInUse": int(shape.mfa), "UsersQuota": 5000, **flags}}
        if operation == "GetLoginProfile":
            if not shape.password:
                raise _Error(404, "NoSuchEntity", f"Login Profile for User {account} cannot be found.")
            return {"LoginProfile": {"UserName": account, "CreateDate": created, "PasswordResetRequired": False}}
        if operation == "ListAccessKeys":
            keys = [{"UserName": account, "AccessKeyId": f"AKIAROOT{account}{n:02d}"[:20], "Status": "Active" if active else "Inactive",
                     "CreateDate": created} for n, active in enumerate(shape.keys)]
            return {"AccessKeyMetadata": keys, "IsTruncated": False}
        if operation == "GetAccessKeyLastUsed":
            return {"UserName": account, "AccessKeyLastUsed": {"LastUsedDate": NOW - timedelta(days=3), "ServiceName": "s3",
                                                               "Region": REGION}}
        if operation == "ListMFADevices":
            devices = [{"UserName": account, "SerialNumber": f"arn:aws:iam::{account}:mfa/root-account-mfa-device",
                        "EnableDate": created}] if shape.mfa else []
            return {"MFADevices": devices, "IsTruncated": False}
        if operation == "ListSigningCertificates":
            certificates = [{"UserName": account, "CertificateId": f"ROOTCERT{account}{n:04d}", "Status": "Active",
                             "CertificateBody": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "UploadDate": created}
                            for n in range(shape.certificates)]
            return {"Certificates": certificates, "IsTruncated": False}
        if operation == "GetUser":
            user: dict[str, Any] = {"Path": "/", "UserName": account, "UserId": f"ROOT{account}", "Arn": f"arn:aws:iam::{account}:root",
                                    "CreateDate": created}
            if shape.password:
                user["PasswordLastUsed"] = NOW - timedelta(days=1)
            return {"User": user}
        raise _Error(403, "AccessDenied", f"iam:{operation} is not allowed by the audit task policy")

    def _organizations(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if operation == "DescribeOrganization":
            return {"Organization": {"Id": ORG_ID, "Arn": f"arn:aws:organizations::{MANAGEMENT}:organization/{ORG_ID}",
                                     "FeatureSet": "ALL", "MasterAccountArn": f"arn:aws:organizations::{MANAGEMENT}:account/{ORG_ID}/{MANAGEMENT}",
                                     "MasterAccountId": MANAGEMENT, "MasterAccountEmail": "admin@example.com", "AvailablePolicyTypes": []}}
        if operation == "ListAccounts":
            every = [(MANAGEMENT, "ACTIVE")] + [(a, "ACTIVE") for a in self.members] + [(a, "SUSPENDED") for a in self.suspended]
            return self._page(params, "Accounts", [self._account(a, state) for a, state in every], "")
        if operation == "ListRoots":
            return {"Roots": [{"Id": ROOT_ID, "Arn": f"arn:aws:organizations::{MANAGEMENT}:root/{ORG_ID}/{ROOT_ID}",
                               "Name": "Root", "PolicyTypes": []}]}
        parent = str(params.get("ParentId", ""))
        if parent not in self._children:
            raise _Error(400, "ParentNotFoundException", f"no parent {parent}")
        if operation == "ListAccountsForParent":
            states = dict.fromkeys(self.suspended, "SUSPENDED")
            return self._page(params, "Accounts", [self._account(a, states.get(a, "ACTIVE")) for a in self._accounts_in[parent]],
                              parent)
        if operation == "ListOrganizationalUnitsForParent":
            units = [{"Id": unit, "Arn": f"arn:aws:organizations::{MANAGEMENT}:ou/{ORG_ID}/{unit}", "Name": OUS[unit][1]}
                     for unit in self._children[parent]]
            return self._page(params, "OrganizationalUnits", units, parent)
        raise _Error(400, "InvalidAction", f"organizations:{operation} is not simulated")

    @staticmethod
    def _account(account: str, state: str) -> dict[str, Any]:
        return {"Id": account, "Arn": f"arn:aws:organizations::{MANAGEMENT}:account/{ORG_ID}/{account}",
                "Email": f"aws+{account}@example.com", "Name": f"bench-{account}", "Status": state, "State": state,
                "JoinedMethod": "CREATED", "JoinedTimestamp": NOW - timedelta(days=500)}

    @staticmethod
    def _page(params: dict[str, Any], key: str, items: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
        """One page of at most 20 (AWS's maximum), its NextToken ``<prefix>:<offset>``."""
        token = str(params.get("NextToken", f"{prefix}:0"))
        start = int(token.rpartition(":")[2]) if token.startswith(f"{prefix}:") else 0
        size = min(PAGE, int(params.get("MaxResults", PAGE)))
        result: dict[str, Any] = {key: items[start:start + size]}
        if start + size < len(items):
            result["NextToken"] = f"{prefix}:{start + size}"
        return result

    def ou_path(self, account: str) -> str:
        return _path(self._where[account])

    # -- the sanity check
    def expected(self, account: str) -> dict[str, str]:
        shape = self.shapes.get(account)
        return shape.expected() if shape is not None else NOT_APPLICABLE

    def mismatches(self, result: Any) -> list[str]:
        """Every way the scan's verdicts differ from the simulated shapes (empty: all correct)."""
        problems = [f"simulator fault: {fault}" for fault in self.tally.faults[:5]]
        seen = {m.member.id for m in result.members}
        for account in sorted({MANAGEMENT, *self.members, *self.suspended} - seen):
            problems.append(f"{account}: missing from the scan")
        for member in result.members:
            if member.member.ou != self.ou_path(member.member.id):
                problems.append(f"{member.member.id}: OU {member.member.ou!r}, expected {self.ou_path(member.member.id)!r}")
            got = {f.info.id: f.status.value for f in member.findings}
            want = self.expected(member.member.id)
            if got != want:
                problems.append(f"{member.member.id} ({self.shapes.get(member.member.id, 'not audited')}): "
                                f"got {got}, expected {want} (reason {member.reason or '-'})")
            elif member.member.id in self.shapes and not member.reached:
                problems.append(f"{member.member.id}: not reached ({member.reason})")
        return problems


class _Error(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message


# -- one run ----------------------------------------------------------------------------------------------
def connect() -> Any:
    """The management account's AwsContext, built as the app builds it for a profile
    (``AwsContext.from_aws_profile``), from the fake keys in the environment."""
    from app.aws.context import AwsContext

    return AwsContext.from_aws_profile(None, REGION)


def use_fake_environment(env: Any = os.environ) -> None:
    for name in UNSET_ENV:
        env.pop(name, None)
    env.update(FAKE_ENV)


@dataclass
class Run:
    organization: SimulatedOrganization
    result: Any
    wall: float
    inventory: float  # seconds until the audit started (identity, organization, features, ListAccounts)
    cpu: float  # process CPU time during the run


def run(accounts: int, rtt_ms: float, workers: int, throttle_pct: float = 0.0, validate: bool = True) -> Run:
    """One organization scan against a fresh simulated organization. Needs ``use_fake_environment``."""
    from app.org.scan import ScanRequest, scan

    organization = SimulatedOrganization(accounts, rtt_ms, throttle_pct, validate=validate)
    context = connect()
    organization.install(context.session)
    audit_started: list[float] = []
    cpu0, t0 = time.process_time(), time.perf_counter()
    result = scan(context, ScanRequest(workers=workers, contacts=False), on_audit_start=lambda n: audit_started.append(time.perf_counter()))
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return Run(organization, result, wall, (audit_started[0] - t0) if audit_started else wall, cpu)


# -- the report ---------------------------------------------------------------------------------------------
def _limits(limits: tuple[int, ...]) -> str:
    """The pool's limit history, runs of growth shortened: 16→…→32 (17 steps), ↓16 on a halving."""
    if not limits:
        return "n/a"
    parts, i = [str(limits[0])], 1
    while i < len(limits):
        j = i
        while j + 1 < len(limits) and limits[j + 1] == limits[j] + 1 and limits[i] == limits[i - 1] + 1:
            j += 1
        if limits[i] < limits[i - 1]:
            parts.append(f"↓{limits[i]}")
        elif j > i + 1:
            parts.append(f"→…→{limits[j]}")
        else:
            parts.extend(f"→{limits[k]}" for k in range(i, j + 1))
        i = j + 1
    if len(parts) > 12:  # a long oscillation: its start and end
        parts = parts[:6] + [" … "] + parts[-5:]
    return "".join(parts) + (f"  ({len(limits)} values, {sum(b < a for a, b in zip(limits, limits[1:]))} halvings, "
                             f"lowest {min(limits)}, highest {max(limits)}, last {limits[-1]})")


def report(r: Run, args: argparse.Namespace, peak_traced: int | None) -> None:
    org, result = r.organization, r.result
    reached, total = result.coverage
    audited = len(org.members)
    requests = sum(org.tally.requests.values())
    audit = r.wall - r.inventory
    shapes = Counter(s.name for s in org.shapes.values())
    print(f"Simulated organization: {audited} active members audited (+ management account, {len(org.suspended)} suspended)")
    print(f"  shapes:                     {', '.join(f'{n} {name}' for name, n in shapes.most_common())}")
    print(f"  round trip per request:     {args.rtt_ms:.0f} ms;  workers ≤ {args.workers};  {os.cpu_count()} cores"
          + (f";  first AssumeRoot throttled for {len(org.to_throttle)} members" if org.to_throttle else ""))
    met = "MET" if r.wall <= GOAL_SECONDS else "NOT MET"
    print(f"Wall time (whole scan):       {r.wall:.1f} s  — goal ≤ {GOAL_SECONDS:.0f} s for 5,000 accounts: {met}"
          + ("" if audited == 5000 else f" (this run: {audited} accounts)"))
    walk = sum(n for op, n in org.tally.requests.items() if op.startswith("organizations:List") and op != "organizations:ListAccounts")
    print(f"  inventory before the audit: {r.inventory:.1f} s  ({org.tally.requests['organizations:ListAccounts']} ListAccounts "
          f"pages one after another; beside them {walk} OU-tree requests, up to 3 at once)")
    print(f"  credential audit:           {audit:.1f} s  ({audited / audit:.1f} accounts/s)" if audit > 0 else "")
    print(f"Requests:                     {requests}  ({requests / audited:.2f} per audited account; {requests / r.wall:.0f}/s)")
    per_op = org.tally.requests
    print("  per operation:              " + ", ".join(f"{op.split(':')[1]} {n}" for op, n in per_op.most_common()))
    print("  per audited account:        " + ", ".join(f"{op.split(':')[1]} {n / audited:.2f}" for op, n in per_op.most_common()
                                                       if op.startswith("iam:") and op != "iam:ListOrganizationsFeatures"
                                                       or op == "sts:AssumeRoot"))
    ideal = (per_op["sts:AssumeRoot"] + sum(n for op, n in per_op.items() if op.startswith("iam:"))) * args.rtt_ms / 1000 / args.workers
    print(f"  audit floor at {args.workers} at once:  {ideal:.1f} s  (audit round trips × rtt ÷ workers)")
    print(f"Pool:                         limits {_limits(result.limits)};  throttles answered {org.tally.throttled}")
    print(f"CPU:                          {r.cpu:.1f} s of process time ({r.cpu / r.wall * 100:.0f}% of one core), "
          f"of which the simulator {org.tally.cpu:.1f} s")
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak memory:                  ru_maxrss {rss:.0f} MB" + (f";  tracemalloc peak {peak_traced / 2**20:.0f} MB"
                                                                      if peak_traced is not None else "  (tracemalloc off)"))
    print(f"Coverage:                     {reached}/{total} active members reached" + ("" if reached == total else "  ← NOT ALL"))
    verdicts = Counter(f.status.value for f in result.findings)
    print("Verdicts:                     " + ", ".join(f"{n} {status}" for status, n in verdicts.most_common()))
    problems = org.mismatches(result)
    if problems:
        print(f"\n!!!!!! SANITY CHECK FAILED: {len(problems)} accounts audited WRONGLY — the figures above are worthless !!!!!!")
        for line in problems[:20]:
            print(f"  {line}")
        if len(problems) > 20:
            print(f"  … and {len(problems) - 20} more")
    else:
        print(f"Sanity check:                 every account's five verdicts match its simulated shape ({len(result.members)} accounts)")


@contextlib.contextmanager
def profiled_threads(path: str) -> Any:
    """cProfile every thread started inside (cProfile sees only its own thread), merged into
    one stats file at ``path``."""
    import cProfile
    import pstats

    profiles: list[cProfile.Profile] = []
    original = threading.Thread.run

    def run_profiled(thread: threading.Thread) -> None:
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.runcall(original, thread)

    main_profile = cProfile.Profile()
    threading.Thread.run = run_profiled  # type: ignore[method-assign]
    main_profile.enable()
    try:
        yield
    finally:
        main_profile.disable()
        threading.Thread.run = original  # type: ignore[method-assign]
        stats = pstats.Stats(main_profile)
        for profile in profiles:
            stats.add(profile)
        stats.dump_stats(path)
        print(f"(profile of {len(profiles) + 1} threads written to {path})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5000, help="active member accounts to audit")
    parser.add_argument("--rtt-ms", type=float, default=80.0, help="simulated round trip per request (ms)")
    parser.add_argument("--workers", type=int, default=32, help="the pool's worker limit (org verify --workers)")
    parser.add_argument("--throttle-pct", type=float, default=0.0, help="share of members whose first AssumeRoot is throttled")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="trace Python allocations for a peak figure (slows the run; off by default)")
    parser.add_argument("--profile", metavar="FILE", help="run under cProfile and write its stats to FILE")
    args = parser.parse_args()
    if args.accounts < 1 or args.workers < 1 or args.rtt_ms < 0 or not 0 <= args.throttle_pct <= 100:
        parser.error("--accounts and --workers must be ≥ 1, --rtt-ms ≥ 0, --throttle-pct 0–100")
    use_fake_environment()
    if args.tracemalloc:
        tracemalloc.start()
    if args.profile:
        with profiled_threads(args.profile):
            result = run(args.accounts, args.rtt_ms, args.workers, args.throttle_pct)
    else:
        result = run(args.accounts, args.rtt_ms, args.workers, args.throttle_pct)
    peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
    report(result, args, peak)


if __name__ == "__main__":
    main()
