"""Member alternate contacts in organization mode (SPEC §12): ``member.contacts.security``,
``member.contacts.billing`` and ``member.contacts.operations``, read from the management account
(or the Account Management delegated administrator) with ``account:GetAlternateContact`` and
``AccountId`` — a different API from the root audit, so a member AssumeRoot cannot reach still
gets its contacts judged.

The verdict itself is the single-account check's (``app.checks.alternate_contacts``): its
evaluate function runs against ``MemberView``, which is one member's account as the management
account sees it. Before that check sees an answer, the answer must be complete and well-formed
(every field present, within AWS's documented lengths and patterns, no control characters):
otherwise ``unknown`` (``malformed-response``), never ``pass``. A missing contact
(``ResourceNotFoundException``) fails; a denied call is ``unknown`` (``denied``, or
``account-trusted-access-disabled`` when trusted access for ``account.amazonaws.com`` is known to
be off, in which case no member is called at all); throttling is retried with back-off, then
``unknown`` (``throttled``). The management account cannot pass its own ID (AWS refuses it): it
is ``not_applicable``, pointing to ``rootwarden verify``.

Threading: ``AccountCaller`` and ``read_member_contacts`` may be used from many threads; every
call first takes a slot from the shared ``RateLimiter``. The account client is made once, on the
constructing thread, with botocore's retries off so that every attempt is metered here.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Callable

from app.checks import alternate_contacts
from app.checks.base import CheckRun
from app.errors import AccessDenied, AwsCallFailed, MalformedResponse, RootwardenError, Throttled
from app.model import CheckInfo, Finding, Outcome, Reason, Status
from app.org.inventory import Member
from app.org.pool import Progress
from app.org.rate import CONTACT_READS, RateLimiter
from app.text_safety import for_terminal

ACCOUNT_PRINCIPAL = "account.amazonaws.com"
CONTACT_TYPES = ("SECURITY", "BILLING", "OPERATIONS")
FIELDS = ("Name", "Title", "EmailAddress", "PhoneNumber")
ORG_ACCOUNTS_URL = "https://console.aws.amazon.com/organizations/v2/home/accounts"
_CONSOLE = (
    "Sign in to the organization's management account and open AWS Organizations → AWS accounts.",
    "Select the member account and open its Alternate contacts (needs trusted access for AWS Account Management).",
    "Fill in the missing contact (a team mailbox rather than one person), or run `rootwarden org contacts put`.",
)
_SINGLE = {"SECURITY": alternate_contacts.SECURITY, "BILLING": alternate_contacts.BILLING,
           "OPERATIONS": alternate_contacts.OPERATIONS}


def _member_info(single: CheckInfo) -> CheckInfo:
    """The single-account check's text, as a member check read from the management account."""
    return replace(single, id=f"member.{single.id}", console_steps=_CONSOLE, console_url=ORG_ACCOUNTS_URL, fixable=True,
                   actions=("account:GetAlternateContact", "organizations:ListAWSServiceAccessForOrganization"))


SECURITY = _member_info(alternate_contacts.SECURITY.info)
BILLING = _member_info(alternate_contacts.BILLING.info)
OPERATIONS = _member_info(alternate_contacts.OPERATIONS.info)
MEMBER_CONTACT_CHECKS = (SECURITY, BILLING, OPERATIONS)
_INFO = dict(zip(CONTACT_TYPES, MEMBER_CONTACT_CHECKS))


class Cancelled(Exception):
    """The run was cancelled before this call was made."""


class AccountCaller:
    """Account Management calls on member accounts (``AccountId``), metered by ``limiter``,
    with throttled attempts retried after ``backoff`` · 2ⁿ seconds (``attempts`` in all)."""

    def __init__(self, context: Any, limiter: RateLimiter, *, cancel: threading.Event | None = None, attempts: int = 4,
                 backoff: float = 0.5, sleep: Callable[[float], None] | None = None) -> None:
        from botocore.config import Config

        self.limiter = limiter
        self.cancel = cancel or threading.Event()
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._sleep = sleep
        self.throttled_at = -1e9  # time.monotonic() of the last throttled answer
        config = Config(retries={"mode": "standard", "max_attempts": 1}, connect_timeout=5, read_timeout=15,
                        user_agent_appid="rootwarden")
        self._client = context.session.client("account", region_name=context.region, config=config)

    def call(self, operation: str, account_id: str, **params: Any) -> dict[str, Any]:
        """One call on ``account_id``; raises ``Cancelled`` or a typed ``RootwardenError``."""
        from botocore import xform_name

        from app.aws.errors import translate

        for attempt in range(1, self.attempts + 1):
            if not self.limiter.acquire(self.cancel):
                raise Cancelled()
            try:
                response = getattr(self._client, xform_name(operation))(AccountId=account_id, **params)
            except Exception as error:
                problem = translate(error, "account", operation)
                if isinstance(problem, Throttled):
                    self.throttled_at = time.monotonic()
                    if attempt < self.attempts:
                        self._wait(self.backoff * 2 ** (attempt - 1))
                        continue
                raise problem from None
            response.pop("ResponseMetadata", None)
            return response
        raise AssertionError("unreachable")

    def _wait(self, seconds: float) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
        elif self.cancel.wait(seconds):
            raise Cancelled()


class MemberView:
    """One member account's Account Management data as the single-account check reads it
    (``snapshot.call("account", "GetAlternateContact", …)``), checked to be well-formed."""

    def __init__(self, caller: AccountCaller, account_id: str) -> None:
        self._caller, self.account_id = caller, account_id

    def call(self, service: str, operation: str, region: str | None = None, **params: Any) -> dict[str, Any]:
        if (service, operation) != ("account", "GetAlternateContact"):
            raise AssertionError(f"a member view answers account:GetAlternateContact only, not {service}:{operation}")
        response = self._caller.call(operation, self.account_id, **params)
        problem = contact_problem(response.get("AlternateContact"), params.get("AlternateContactType", ""))
        if problem:
            raise MalformedResponse("account:GetAlternateContact", problem)
        return response


def contact_problem(contact: Any, contact_type: str) -> str | None:
    """Why an AlternateContact answer cannot be judged (it names the field, never its value),
    or None. Lengths and patterns are AWS's own, from botocore's model of the answer."""
    import re

    if not isinstance(contact, dict):
        return "no AlternateContact"
    if contact.get("AlternateContactType") != contact_type:
        return f"a contact of another type than the {contact_type} asked for"
    for name, (low, high, pattern) in field_rules().items():
        value = contact.get(name)
        if not isinstance(value, str) or not value.strip():
            return f"no {name}"
        if not low <= len(value) <= high:
            return f"a {name} of {len(value)} characters (AWS allows {low}–{high})"
        if for_terminal(value) != value:
            return f"control characters in {name}"
        if pattern and not re.fullmatch(pattern, value):
            return f"a {name} that does not fit AWS's pattern for it"
    return None


_rules: dict[str, tuple[int, int, str | None]] = {}
_rules_lock = threading.Lock()


def field_rules() -> dict[str, tuple[int, int, str | None]]:
    with _rules_lock:
        if not _rules:
            import botocore.session

            shape = botocore.session.get_session().get_service_model("account").shape_for("AlternateContact")
            for name in FIELDS:
                meta = shape.members[name].metadata
                _rules[name] = (int(meta.get("min", 1)), int(meta.get("max", 256)), meta.get("pattern"))
        return dict(_rules)


def trusted_access(context: Any) -> bool | None:
    """Whether trusted access for AWS Account Management is enabled; None when it cannot be read."""
    from app.org.inventory import paged

    try:
        principals = paged(lambda token: context.call("organizations", "ListAWSServiceAccessForOrganization",
                                                      **({"NextToken": token} if token else {})),
                           "EnabledServicePrincipals", "organizations:ListAWSServiceAccessForOrganization", max_pages=100)
    except RootwardenError:  # denied, throttled, malformed or never-ending: cannot tell
        return None
    return any(isinstance(p, dict) and p.get("ServicePrincipal") == ACCOUNT_PRINCIPAL for p in principals)


def read_contact(caller: AccountCaller, account_id: str, contact_type: str, trusted: bool | None = None,
                 now: datetime | None = None) -> Outcome:
    """One member's contact of one type, judged by the single-account check; every failure to
    read it is ``unknown`` with its reason. A pass carries the contact's fields as evidence."""
    check = _SINGLE[contact_type]
    base = {"account_id": account_id, "AlternateContactType": contact_type}
    try:
        outcome = check.evaluate(CheckRun(MemberView(caller, account_id), now or datetime.now(timezone.utc)))  # type: ignore[arg-type]
    except Cancelled:
        return Outcome(Status.UNKNOWN, "The run was cancelled before this contact was read.", base, Reason.CANCELLED)
    except Throttled as error:
        return Outcome(Status.UNKNOWN, f"AWS kept throttling {error.action} for this account after {caller.attempts} attempts; "
                       "re-check later.", {**base, "action": error.action, "error": error.code}, Reason.THROTTLED)
    except AccessDenied as error:
        return Outcome(Status.UNKNOWN, denied_advice(error, trusted),
                       {**base, "action": error.action, "error": error.code,
                        "trusted_access": {True: "enabled", False: "disabled"}.get(trusted, "unknown")}, Reason.DENIED)
    except MalformedResponse as error:
        return Outcome(Status.UNKNOWN, str(error), {**base, "action": error.action}, Reason.MALFORMED_RESPONSE)
    except AwsCallFailed as error:
        return Outcome(Status.UNKNOWN, str(error), {**base, "action": error.action, "error": error.code},
                       Reason(error.reason) if error.reason in Reason._value2member_map_ else Reason.CALL_FAILED)
    except RootwardenError as error:
        return Outcome(Status.UNKNOWN, str(error), base, Reason(error.reason) if error.reason in Reason._value2member_map_
                       else Reason.CALL_FAILED)
    return replace(outcome, evidence={"account_id": account_id, **outcome.evidence})


def denied_advice(error: AwsCallFailed, trusted: bool | None) -> str:
    where = ("trusted access for AWS Account Management is enabled, so " if trusted else
             "check that trusted access for AWS Account Management (account.amazonaws.com) is enabled and that ")
    return (f"AWS denied {error.action} for this member ({error.code}): {where}you run this from the management account "
            f"or the Account Management delegated administrator, with {error.action} allowed for your identity.")


def _trusted_access_off(account_id: str, contact_type: str) -> Outcome:
    return Outcome(Status.UNKNOWN, "Trusted access for AWS Account Management (account.amazonaws.com) is not enabled, so no "
                   "member's contacts can be read from here. Enable it: `aws organizations enable-aws-service-access "
                   "--service-principal account.amazonaws.com`.", {"account_id": account_id, "AlternateContactType": contact_type,
                                                                   "trusted_access": "disabled"},
                   Reason.ACCOUNT_TRUSTED_ACCESS_DISABLED)


def _same(account_id: str, status: Status, reason: Reason, summary: str, when: datetime, partition: str) -> list[Finding]:
    return [Finding(info, status, summary, {"account_id": account_id}, when, reason.value, partition) for info in MEMBER_CONTACT_CHECKS]


def read_member_contacts(context: Any, member_ids: list[str], limiter: RateLimiter | None = None,
                         cancel: threading.Event | None = None, on_progress: Callable[[Progress], None] | None = None, *,
                         management_account_id: str | None = None, trusted: bool | None = None, partition: str = "aws",
                         workers: int = 4, caller: AccountCaller | None = None) -> dict[str, list[Finding]]:
    """The three member contact findings for each of ``member_ids``. ``trusted`` is read from
    Organizations when not given; the management account is read from DescribeOrganization when
    not given. Blocks; ``on_progress`` is called on worker threads after each account. Ctrl-C
    in the calling thread cancels: what was read is kept, the rest is ``unknown`` (cancelled)."""
    cancel = cancel if cancel is not None else threading.Event()
    if management_account_id is None:
        management_account_id = str((context.call("organizations", "DescribeOrganization").get("Organization") or {})
                                    .get("MasterAccountId", ""))
    when = datetime.now(timezone.utc)
    results: dict[str, list[Finding]] = {}
    to_read = [a for a in dict.fromkeys(member_ids) if a != management_account_id]
    if management_account_id in member_ids:
        results[management_account_id] = _same(
            management_account_id, Status.NOT_APPLICABLE, Reason.MANAGEMENT_ACCOUNT, "AWS does not let the management account "
            "read its own contacts with AccountId; check them with `rootwarden verify` (Step 5).", when, partition)
    if not to_read:
        return results
    if trusted is None:
        trusted = trusted_access(context)
    if trusted is False:
        for account in to_read:
            results[account] = [Finding(_INFO[t], (o := _trusted_access_off(account, t)).status, o.summary, o.evidence, when,
                                        o.code.value, partition) for t in CONTACT_TYPES]
        return results
    caller = caller or AccountCaller(context, limiter or RateLimiter(CONTACT_READS), cancel=cancel)
    total, done, lock, began = len(to_read), [0], threading.Lock(), time.monotonic()

    def one(account: str) -> list[Finding]:
        found = []
        for contact_type in CONTACT_TYPES:
            outcome = read_contact(caller, account, contact_type, trusted)
            found.append(Finding(_INFO[contact_type], outcome.status, outcome.summary, outcome.evidence,
                                 datetime.now(timezone.utc), outcome.code.value, partition))
        with lock:
            done[0] += 1
            elapsed = time.monotonic() - began
            progress = Progress(done[0], total, workers, time.monotonic() - caller.throttled_at < 5.0,
                                elapsed / done[0] * (total - done[0]))
        if on_progress is not None:
            on_progress(progress)
        return found

    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, total)), thread_name_prefix="org-contacts")
    futures = {pool.submit(one, account): account for account in to_read}
    pending = set(futures)
    try:
        while pending:
            _, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)  # short waits: Ctrl-C gets through
    except KeyboardInterrupt:
        cancel.set()
        wait(pending)
    finally:
        pool.shutdown(wait=True)
    for future, account in futures.items():
        results[account] = future.result()
    return results


def scan_phase(context: Any, members: list[Member], management_account_id: str, partition: str, *,
               cancel: threading.Event | None = None, on_progress: Callable[[Progress], None] | None = None,
               rate: float = CONTACT_READS, skip: bool = False) -> tuple[dict[str, tuple[Finding, ...]], bool]:
    """The contacts phase of an organization scan: the three findings for every member in
    scope, and whether the phase was cancelled. Active members are read (whether or not their
    root audit reached them); ended ones are ``not_applicable``; others ``unknown``. ``skip``
    (the scan was already cancelled): nothing is read, the readable members are ``unknown``."""
    cancel = cancel if cancel is not None else threading.Event()
    when = datetime.now(timezone.utc)
    out: dict[str, tuple[Finding, ...]] = {}
    readable = []
    for member in members:
        if member.id != management_account_id and member.ended:
            out[member.id] = tuple(_same(member.id, Status.NOT_APPLICABLE, Reason.SUSPENDED_ACCOUNT,
                                         f"The account is {member.state}: its contacts are not judged.", when, partition))
        elif member.id != management_account_id and not member.active:
            out[member.id] = tuple(_same(member.id, Status.UNKNOWN, Reason.ACCOUNT_NOT_ACTIVE,
                                         f"The account is {member.state}, not ACTIVE: its contacts cannot be read yet.", when, partition))
        else:
            readable.append(member.id)
    if readable and (skip or cancel.is_set()):
        for account in readable:
            out[account] = tuple(_same(account, Status.UNKNOWN, Reason.CANCELLED, "The run was cancelled before this "
                                       "account's contacts were read.", when, partition))
        return out, True
    if readable:
        read = read_member_contacts(context, readable, RateLimiter(rate), cancel, on_progress,
                                    management_account_id=management_account_id, partition=partition)
        out.update({k: tuple(v) for k, v in read.items()})
    return out, cancel.is_set()
