"""Member alternate contacts in organization mode (SPEC §12): the three checks on each seeded
shape of the practice organization, every way a read fails (never a pass), the rate limiter
counted over simulated time, and `rootwarden org contacts put` as a user runs it."""
from __future__ import annotations

import io
import json
import re
import threading

import pytest

from app.model import Reason, Status
from app.org import contacts
from app.org.contacts import AccountCaller, read_member_contacts
from app.org.rate import CONTACT_PUTS, CONTACT_READS, RateLimiter
from app.org.scan import ScanRequest, scan
from app.practice import moto_org_contacts
from app.practice.organization import (CONTROL_CONTACT_NAME, HOSTILE, HOSTILE_CONTACT_NAME, MISSING_SECURITY_CONTACT,
                                       NO_CONTACTS, SCP_DENIES_ROOT, SUSPENDED, member_id)

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
COMPLETE = 26  # credential-free, all three contacts set
MANAGEMENT = "123456789012"
FAST = 1000.0  # the simulation has no AWS quota; the rate itself is tested on a simulated clock


def by_type(findings) -> dict[str, tuple[str, str]]:
    return {f.id.removeprefix("member.contacts."): (f.status.value, f.reason) for f in findings}


def read(organization, *numbers, **kw):
    ids = [member_id(n) if isinstance(n, int) else n for n in numbers]
    return read_member_contacts(organization.aws_context(), ids, RateLimiter(FAST), **kw)


# -- the checks on the seeded organization --------------------------------------------------------
def test_each_seeded_shape(organization):
    found = read(organization, COMPLETE, NO_CONTACTS, HOSTILE, SCP_DENIES_ROOT, *MISSING_SECURITY_CONTACT)
    assert by_type(found[member_id(COMPLETE)]) == {t: ("pass", "compliant") for t in ("security", "billing", "operations")}
    for n in MISSING_SECURITY_CONTACT:
        assert by_type(found[member_id(n)]) == {"security": ("fail", "contact-missing"), "billing": ("pass", "compliant"),
                                                "operations": ("pass", "compliant")}
    assert set(by_type(found[member_id(NO_CONTACTS)]).values()) == {("fail", "contact-missing")}
    # AssumeRoot is blocked by an SCP there, but the contacts are another API: read and judged
    assert set(by_type(found[member_id(SCP_DENIES_ROOT)]).values()) == {("pass", "compliant")}
    hostile = {f.id: f for f in found[member_id(HOSTILE)]}
    security = hostile["member.contacts.security"]
    assert security.status == Status.PASS and security.evidence["Name"] == HOSTILE_CONTACT_NAME  # markup is data
    operations = hostile["member.contacts.operations"]
    assert (operations.status, operations.reason) == (Status.UNKNOWN, "malformed-response")
    assert CONTROL_CONTACT_NAME not in operations.summary and "control characters in Name" in operations.summary
    info = security.info
    assert info.id == "member.contacts.security" and info.severity.value == "medium" and "Account.1" in info.references.security_hub


def test_the_management_account_is_not_applicable_and_never_called(organization, monkeypatch):
    called = []
    original = AccountCaller.call
    monkeypatch.setattr(AccountCaller, "call", lambda self, op, account, **p: called.append(account) or original(self, op, account, **p))
    found = read(organization, MANAGEMENT, COMPLETE)
    assert set(by_type(found[MANAGEMENT]).values()) == {("not_applicable", "management-account")}
    assert "rootwarden verify" in found[MANAGEMENT][0].summary and MANAGEMENT not in called


def test_aws_refuses_the_management_accounts_own_id_as_the_simulation_does(organization):
    from tests.org_support import error_of

    client = organization.aws_context().client("account")
    code, message = error_of(client.get_alternate_contact, AccountId=MANAGEMENT, AlternateContactType="SECURITY")
    assert code == "AccessDeniedException" and "standalone context" in message
    client.put_alternate_contact(AccountId=member_id(COMPLETE), AlternateContactType="SECURITY", Name="N", Title="T",
                                 EmailAddress="a@example.com", PhoneNumber="+1 555")  # a member: allowed
    code, _ = error_of(client.put_alternate_contact, AccountId=member_id(COMPLETE), AlternateContactType="SECURITY", Name="N",
                       Title="T", EmailAddress="not an address", PhoneNumber="+1 555")
    assert code == "ValidationException"


def test_trusted_access_off_is_unknown_for_every_member_without_a_call(organization, monkeypatch):
    org = organization.aws_context().client("organizations")
    org.disable_aws_service_access(ServicePrincipal="account.amazonaws.com")
    monkeypatch.setattr(AccountCaller, "call", lambda *a, **k: pytest.fail("no member can be read: nothing is called"))
    found = read(organization, COMPLETE, NO_CONTACTS)
    statuses = {v for f in found.values() for v in by_type(f).values()}
    assert statuses == {("unknown", "account-trusted-access-disabled")}
    assert "enable-aws-service-access" in found[member_id(COMPLETE)][0].summary


def test_a_denied_read_is_unknown_never_pass_and_says_what_to_check(organization, monkeypatch):
    """Trusted access is off, but the listing that says so cannot be read: AWS denies each read."""
    organization.aws_context().client("organizations").disable_aws_service_access(ServicePrincipal="account.amazonaws.com")
    monkeypatch.setattr(contacts, "trusted_access", lambda context: None)
    found = read(organization, COMPLETE)
    assert set(by_type(found[member_id(COMPLETE)]).values()) == {("unknown", "denied")}
    finding = found[member_id(COMPLETE)][0]
    assert finding.evidence["error"] == "AccessDeniedException" and finding.evidence["trusted_access"] == "unknown"
    assert "account.amazonaws.com" in finding.summary and "account:GetAlternateContact allowed" in finding.summary


def test_throttling_is_retried_then_unknown_throttled(organization):
    context = organization.aws_context()
    moto_org_contacts.faults(member_id(COMPLETE)).throttle_reads = 2
    caller = AccountCaller(context, RateLimiter(FAST), backoff=0.001)
    found = read_member_contacts(context, [member_id(COMPLETE)], caller=caller)
    assert set(by_type(found[member_id(COMPLETE)]).values()) == {("pass", "compliant")}  # two throttles, then answered
    moto_org_contacts.faults(member_id(COMPLETE)).throttle_reads = 99
    found = read_member_contacts(context, [member_id(COMPLETE)], caller=AccountCaller(context, RateLimiter(FAST), backoff=0.001))
    assert set(by_type(found[member_id(COMPLETE)]).values()) == {("unknown", "throttled")}


@pytest.mark.parametrize("field, value, problem", [
    ("Name", "x" * 5000, "Name of 5000 characters"),
    ("Title", "", "no Title"),
    ("EmailAddress", "mallory@example.com\x1b]8;;http://evil\x07", "control characters in EmailAddress"),
    ("PhoneNumber", "call me <b>now</b>", "PhoneNumber that does not fit"),
])
def test_a_malformed_answer_is_unknown_never_pass(organization, field, value, problem):
    contact = {"Name": "Sec", "Title": "Security", "EmailAddress": "sec@example.com", "PhoneNumber": "+1 555", field: value}
    moto_org_contacts.store_contact(member_id(COMPLETE), "SECURITY", contact["Name"], contact["Title"], contact["EmailAddress"],
                                    contact["PhoneNumber"])
    finding = read(organization, COMPLETE)[member_id(COMPLETE)][0]
    assert (finding.status, finding.reason) == (Status.UNKNOWN, Reason.MALFORMED_RESPONSE.value)
    assert problem in finding.summary
    assert not value or value[:20] not in finding.summary  # the answer's text is never repeated in the sentence


def test_the_scan_adds_contacts_to_active_members_only(organization):
    accounts = tuple(member_id(n) for n in (SCP_DENIES_ROOT, SUSPENDED, NO_CONTACTS)) + (MANAGEMENT,)
    result = scan(organization.aws_context(), ScanRequest(accounts=accounts, contacts_rate=FAST))
    members = {m.member.id: m for m in result.members}
    blocked = members[member_id(SCP_DENIES_ROOT)]
    assert not blocked.reached and set(by_type(f for f in blocked.findings if "contacts" in f.id).values()) == {("pass", "compliant")}
    assert set(by_type(f for f in members[member_id(SUSPENDED)].findings if "contacts" in f.id).values()) == {
        ("not_applicable", "suspended-account")}
    assert set(by_type(f for f in members[MANAGEMENT].findings if "contacts" in f.id).values()) == {
        ("not_applicable", "management-account")}
    assert len(members[member_id(NO_CONTACTS)].findings) == 8
    plain = scan(organization.aws_context(), ScanRequest(accounts=accounts, contacts=False))
    assert not [f for f in plain.findings if "contacts" in f.id]


def test_a_cancelled_scan_reads_no_contacts_and_marks_them_cancelled(organization, monkeypatch):
    monkeypatch.setattr(AccountCaller, "call", lambda *a, **k: pytest.fail("cancelled: no contact is read"))
    cancel = threading.Event()
    cancel.set()
    result = scan(organization.aws_context(), ScanRequest(accounts=(member_id(COMPLETE),)), cancel=cancel)
    found = [f for f in result.findings if "contacts" in f.id]
    assert result.cancelled and {(f.status, f.reason) for f in found} == {(Status.UNKNOWN, "cancelled")} and len(found) == 3


# -- the rate limiter, on a simulated clock -------------------------------------------------------
class FakeClock:
    """Time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def busiest_second(times: list[float]) -> int:
    times = sorted(times)
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


def test_the_limiter_keeps_reads_at_8_per_second_and_puts_at_4():
    for rate, expected in ((CONTACT_READS, 8), (CONTACT_PUTS, 4)):
        clock = FakeClock()
        limiter = RateLimiter(rate, clock=clock, sleep=clock.sleep)
        times = []
        for _ in range(100):
            assert limiter.acquire()
            times.append(clock())
        assert busiest_second(times) == expected
        assert times[-1] - times[0] == pytest.approx(99 / rate)  # and not slower than asked


def test_the_limiter_is_shared_by_threads():
    clock = FakeClock()
    limiter = RateLimiter(CONTACT_READS, clock=clock, sleep=clock.sleep)
    times, lock = [], threading.Lock()

    def work():
        for _ in range(20):
            limiter.acquire()
            with lock:
                times.append(clock())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(times) == 160 and busiest_second(times) <= 8


def test_the_limiter_gives_up_when_cancelled():
    clock = FakeClock()
    cancel = threading.Event()
    limiter = RateLimiter(1.0, clock=clock, sleep=lambda s: cancel.set())
    assert limiter.acquire(cancel)  # the first slot is free
    assert not limiter.acquire(cancel)  # the next one waits, and the wait is cancelled


def test_the_contact_reads_go_through_the_limiter(organization):
    """Every GetAlternateContact, from four threads, is counted on the simulated clock."""
    clock = FakeClock()
    context = organization.aws_context()
    caller = AccountCaller(context, RateLimiter(CONTACT_READS, clock=clock, sleep=clock.sleep))
    sent = []
    caller._client.meta.events.register("before-call.account.GetAlternateContact", lambda **kw: sent.append(clock()))
    read_member_contacts(context, [member_id(n) for n in range(20, 30)], caller=caller, workers=4)
    assert len(sent) == 30 and busiest_second(sent) <= 8


# -- the command line -----------------------------------------------------------------------------
def cli(organization, monkeypatch, capsys, *args: str, stdin=None) -> tuple[int, str, str]:
    from app.cli import org as org_cli
    from app.cli.main import main

    monkeypatch.setattr(org_cli, "connect", lambda parsed: organization.aws_context())
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", stdin)
    code = main(["org", "contacts", "put", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


FORM = ("--name", "Security Team", "--title", "Security", "--email", "security@example.com", "--phone", "+1 206 555 0100")


def contact_of(organization, n: int, kind: str = "SECURITY"):
    return read_member_contacts(organization.aws_context(), [member_id(n)], RateLimiter(FAST))[member_id(n)][
        ("SECURITY", "BILLING", "OPERATIONS").index(kind)]


@pytest.mark.parametrize("bad", [("--email", "not-an-address"), ("--phone", "call me"), ("--name", "x" * 65),
                                 ("--name", "Ops\x1b[2J"), ("--title", "")])
def test_put_validates_the_form_before_any_aws_call(organization, monkeypatch, capsys, bad):
    from app.cli import org as org_cli
    from app.cli.main import main

    monkeypatch.setattr(org_cli, "connect", lambda parsed: pytest.fail("validated before connecting"))
    form = dict(zip(FORM[::2], FORM[1::2]))
    form[bad[0]] = bad[1]
    code = main(["org", "contacts", "put", "--demo", "--accounts", member_id(20), "--type", "security",
                 *[x for pair in form.items() for x in pair]])
    err = capsys.readouterr().err
    assert code == 3 and "Traceback" not in err and not CONTROL.search(err)


def test_put_rejects_the_management_account_and_strangers(organization, monkeypatch, capsys):
    for accounts in (MANAGEMENT, "999999999999", "12345"):
        code, _, err = cli(organization, monkeypatch, capsys, "--accounts", accounts, "--type", "security", *FORM, "--yes")
        assert code == 3, err


class Terminal:
    """Standard input that is a terminal where the user types ``answer``."""

    def __init__(self, answer: str) -> None:
        self.answer = answer

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self.answer + "\n"


def test_declining_the_confirmation_changes_nothing(organization, monkeypatch, capsys):
    code, out, _ = cli(organization, monkeypatch, capsys, "--accounts", member_id(20), "--type", "security", *FORM,
                       stdin=Terminal("no"))
    assert code == 1 and "add security contact: (none) → name Security Team" in out and "Nothing was changed." in out
    assert (contact_of(organization, 20).status, contact_of(organization, 20).reason) == (Status.FAIL, "contact-missing")
    code, _, err = cli(organization, monkeypatch, capsys, "--accounts", member_id(20), "--type", "security", *FORM,
                       stdin=io.StringIO("yes\n"))
    assert code == 3 and "--yes" in err  # not a terminal, no --yes: refused, nothing changed
    assert contact_of(organization, 20).status == Status.FAIL


def test_only_missing_by_default_overwrite_on_request_and_an_idempotent_rerun(organization, monkeypatch, capsys):
    args = ("--accounts", f"{member_id(20)},{member_id(COMPLETE)}", "--type", "security", *FORM)
    puts = []
    original = AccountCaller.call
    monkeypatch.setattr(AccountCaller, "call", lambda self, op, account, **p: (puts.append(account) if op == "PutAlternateContact"
                                                                                else None) or original(self, op, account, **p))
    code, out, _ = cli(organization, monkeypatch, capsys, *args, stdin=Terminal("yes"))
    assert code == 0 and puts == [member_id(20)]
    assert f"{member_id(20)}  security contact: done" in out and "1 differ from this form (pass --overwrite" in out
    assert contact_of(organization, 20).evidence["Name"] == "Security Team"
    assert contact_of(organization, COMPLETE).evidence["Name"] == "Security team 26"  # kept
    puts.clear()
    code, out, _ = cli(organization, monkeypatch, capsys, *args, "--yes")
    assert code == 0 and puts == [] and "Nothing to change." in out  # the same run again: nothing twice
    code, out, _ = cli(organization, monkeypatch, capsys, *args, "--overwrite", "--yes")
    assert code == 0 and puts == [member_id(COMPLETE)]
    assert "replace security contact: name Security team 26, title Security contact" in out and "→ name Security Team" in out
    assert contact_of(organization, COMPLETE).evidence["Name"] == "Security Team"


def test_put_never_writes_where_the_contact_cannot_be_read_and_escapes_aws_text(organization, monkeypatch, capsys):
    code, out, err = cli(organization, monkeypatch, capsys, "--accounts", member_id(HOSTILE), "--type", "all", *FORM,
                         "--overwrite", "--yes")
    assert not CONTROL.search(out + err)
    assert "<b>ALL PASSED</b>\\x1b[2J\\x07\\u202e evil" in out  # the account's name, as its characters
    assert "cannot read operations contact (malformed-response)" in out
    assert "replace security contact: name <b>ALL PASSED</b> <script>x</script>" in out
    assert code == 2  # the operations contact stays unknown
    assert contact_of(organization, HOSTILE, "OPERATIONS").reason == "malformed-response"


def test_a_failed_put_says_what_to_do(organization, monkeypatch, capsys):
    from tests.support import denier

    monkeypatch.setattr(AccountCaller, "__init__", _with_hook(AccountCaller.__init__, denier(("account:PutAlternateContact",))))
    code, out, _ = cli(organization, monkeypatch, capsys, "--accounts", member_id(21), "--type", "security", *FORM, "--yes")
    assert code == 1 and "failed [AccessDenied" in out and "account:PutAlternateContact allowed" in out
    assert contact_of(organization, 21).reason == "contact-missing"


def _with_hook(init, handler):
    def wrapped(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self._client.meta.events.register("before-call", handler)
    return wrapped


# -- org verify, as a user runs it -----------------------------------------------------------------
def test_org_verify_demo_shows_contacts_and_no_contacts_leaves_them_out():
    from tests.test_org_cli import run

    shown = run("verify", "--demo", "--format", "json")
    doc = json.loads(shown.stdout)
    checks = {a["id"]: {c["id"]: c for c in a["checks"]} for a in doc["accounts"]}
    assert checks[member_id(NO_CONTACTS)]["member.contacts.security"]["status"] == "fail"
    assert checks[member_id(COMPLETE)]["member.contacts.billing"]["status"] == "pass"
    assert not CONTROL.search(shown.stdout + shown.stderr)  # JSON escapes what it carries
    assert checks[member_id(HOSTILE)]["member.contacts.security"]["evidence"]["Name"] == HOSTILE_CONTACT_NAME
    text = run("verify", "--demo", "--accounts", f"{member_id(20)},{member_id(HOSTILE)}")
    assert "member.contacts.security (contact-missing)" in text.stdout and text.returncode == 1
    assert "member.contacts.operations (malformed-response)" in text.stdout and not CONTROL.search(text.stdout + text.stderr)
    left_out = run("verify", "--demo", "--accounts", f"{member_id(20)},{member_id(HOSTILE)}", "--no-contacts")
    assert "member.contacts" not in left_out.stdout and left_out.returncode == 0, left_out.stdout


def test_a_caller_that_is_not_the_management_account_is_denied(organization):
    """AWS: AccountId needs the management account or the Account Management delegated admin."""
    import boto3
    from moto.iam.models import iam_backends

    from tests.org_support import error_of

    iam = iam_backends[member_id(30)]["aws"]
    iam.create_user(region_name="us-east-1", user_name="member-admin", path="/")
    key = iam.create_access_key("member-admin")
    client = boto3.client("account", region_name="us-east-1", aws_access_key_id=key.access_key_id,
                          aws_secret_access_key=key.secret_access_key)
    code, _ = error_of(client.get_alternate_contact, AccountId=member_id(COMPLETE), AlternateContactType="SECURITY")
    assert code == "AccessDeniedException"
