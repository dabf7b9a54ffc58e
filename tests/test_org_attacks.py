"""An attacker's and skeptical auditor's review of organization mode (SPEC §12, §2.2): each test
demonstrates one finding. Tests of findings not fixed yet are ``xfail(strict=True)`` with the
reason, so the suite stays green and the fix turns them into passes.

AWS is the practice organization (moto + the gap-filler). Where AWS must answer something the
simulation cannot be asked to (a duplicated ListAccounts entry, an account missing from the OU
walk, a ListOrganizationsFeatures answer without its list), ``Rewriting`` wraps the real
``AwsContext`` and edits one real answer: the code under test still talks to moto.
"""
from __future__ import annotations

import base64
import json
import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import pytest

from app.errors import IncompleteListing, MalformedResponse, Throttled
from app.model import Status
from app.org import record as org_record
from app.org.pool import AdaptivePool
from app.org.scan import ScanRequest, scan
from app.practice.organization import ACTIVE_ROOT_KEY, MEMBER_COUNT, PASSWORD_NO_MFA, member_id
from app.record.completion import sign
from app.record.dsse import BadRecord
from app.record.signing_key import SigningKey
from tests.memory_keyring import MemoryKeyring

FREE = 20  # a credential-free member of the practice organization


class Rewriting:
    """The real context, with ``rewrite(service, operation, answer)`` applied to each answer."""

    def __init__(self, context: Any, rewrite: Callable[[str, str, dict], dict]) -> None:
        self._context = context
        self._rewrite = rewrite

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def call(self, service: str, operation: str, **params: Any) -> dict:
        return self._rewrite(service, operation, self._context.call(service, operation, **params))


def _check(result, account: str, check_id: str):
    member = next(m for m in result.members if m.member.id == account)
    return next(f for f in member.findings if f.id == check_id)


# -- 1. false pass / coverage ---------------------------------------------------------------------
def test_an_account_listed_twice_is_not_counted_twice(organization):
    """MEDIUM. ListAccounts pages that repeat an account (pages shifting while the organization
    changes) were taken as two accounts: the practice organization's true coverage 48 of 49
    read 49 of 50, and the signed record held a duplicated account entry that its own verifier
    then refuses."""
    twice = member_id(FREE)

    def duplicate(service, operation, answer):
        if operation == "ListAccounts" and any(a["Id"] == twice for a in answer["Accounts"]):
            answer = {**answer, "Accounts": answer["Accounts"] + [a for a in answer["Accounts"] if a["Id"] == twice]}
        return answer

    with pytest.raises((IncompleteListing, MalformedResponse)):
        scan(Rewriting(organization.aws_context(), duplicate), ScanRequest(backoff=0.01))


def test_an_account_the_ou_walk_missed_is_not_silently_dropped_from_an_ou_scope(organization):
    """MEDIUM. With --ou, an account that ListAccounts lists but ListAccountsForParent did not
    (an account moved or created during the walk) vanished from the scope: no notice, no
    unknown, and coverage shows N of N."""
    moved = member_id(2)  # in Root/Workloads/Prod

    def lose(service, operation, answer):
        if operation == "ListAccountsForParent":
            answer = {**answer, "Accounts": [a for a in answer["Accounts"] if a["Id"] != moved]}
        return answer

    try:
        result = scan(Rewriting(organization.aws_context(), lose), ScanRequest(ou="Root/Workloads/Prod", backoff=0.01))
    except (IncompleteListing, MalformedResponse):
        return  # refusing an inconsistent inventory is honest
    told = any(moved in notice for notice in result.notices)
    kept = any(m.member.id == moved for m in result.members)
    assert told or kept, "the account vanished from the scope without a word"


def test_a_root_session_for_another_account_is_not_judged_as_the_target(organization, monkeypatch):
    """MEDIUM (HIGH for deletion, which plans and deletes through the same unchecked session).
    AWS (or anything between) answering AssumeRoot for account A with a session in account B:
    B's credential-free root was reported as A's, so A — which has an active root key — passed."""
    from moto.sts.responses import TokenResponse

    keyed, clean = member_id(ACTIVE_ROOT_KEY[0]), member_id(FREE)
    original = TokenResponse.assume_root

    def wrong_account(this):
        get = this._get_param
        this._get_param = lambda name, *a, **k: clean if name == "TargetPrincipal" and get(name, *a, **k) == keyed \
            else get(name, *a, **k)
        return original(this)

    monkeypatch.setattr(TokenResponse, "assume_root", wrong_account)
    result = scan(organization.aws_context(), ScanRequest(accounts=(keyed,), backoff=0.01))
    assert _check(result, keyed, "member.root-access-keys").status != Status.PASS


def test_organizations_features_without_its_list_is_unknown_not_a_crash(organization):
    """LOW. iam:ListOrganizationsFeatures answering without EnabledFeatures (the field is not
    required in the API's shape) raised KeyError out of the scan: "unexpected error", no audit."""
    def strip(service, operation, answer):
        return {} if operation == "ListOrganizationsFeatures" else answer

    result = scan(Rewriting(organization.aws_context(), strip), ScanRequest(accounts=(member_id(FREE),), backoff=0.01))
    assert result.features is None  # cannot tell: each AssumeRoot says
    assert result.coverage == (1, 1)


def test_a_resumed_run_does_not_pass_an_account_that_gained_a_root_key_since(organization, tmp_path):
    """MEDIUM. A run saved three days ago is resumed: an account judged credential-free then, and
    given a root access key since, is still reported `pass` (exit 0 material) — its findings
    are reused without a look at AWS."""
    from app.org import resume
    from app.practice import moto_gaps

    account = member_id(FREE)
    cancel = threading.Event()
    first = scan(organization.aws_context(), ScanRequest(accounts=(account, member_id(21)), workers=1, start_workers=1,
                                                         backoff=0.01),
                 on_progress=lambda p: cancel.set(), cancel=cancel)
    assert [m.member.id for m in first.members if m.reached] == [account]  # judged credential-free, then saved
    key = SigningKey(MemoryKeyring())
    path = resume.save(first, {"accounts": [account, member_id(21)], "exclude": [], "ou": None}, key, folder=tmp_path)
    moto_gaps.extras(account).root.access_keys.append(moto_gaps.RootKey("AKIAADDEDSINCESAVE01", True))
    try:
        state = resume.load(path, key.public_key(), now=datetime.now(timezone.utc) + timedelta(days=3))
    except BadRecord:
        return  # a three-day-old state refused: honest
    second = scan(organization.aws_context(), ScanRequest(accounts=(account, member_id(21)), backoff=0.01), resume=state)
    assert _check(second, account, "member.root-access-keys").status != Status.PASS


# -- 4. hostile data in records --------------------------------------------------------------------
@pytest.fixture
def predicate(organization):
    result = scan(organization.aws_context(), ScanRequest(accounts=(member_id(FREE), member_id(21)), backoff=0.01))
    return org_record.org_predicate(result, operator="Dana", practice=False)


def _signed_file(tmp_path, predicate, name="record.json"):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    path = tmp_path / name
    path.write_bytes(sign(org_record.build_statement(predicate), key))
    pem = tmp_path / "signer.pem"
    pem.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return path, pem, key


def test_record_show_does_not_send_a_records_control_characters_to_the_terminal(predicate, tmp_path, capsys):
    """LOW. `record show` of an organization record signed by someone else (--public-key) printed
    each finding's id raw: a record can carry terminal escape sequences (clear screen, retitle,
    hide lines) that the auditor's terminal obeys."""
    from app.cli.main import main

    finding = predicate["accounts"][0]["findings"][1]
    finding["id"] = "member.root-access-keys\x1b[2J\x1b]0;owned\x07"
    finding["status"] = "fail"
    path, pem, _ = _signed_file(tmp_path, predicate)
    assert main(["record", "show", str(path), "--public-key", str(pem)]) == 0
    out = capsys.readouterr().out
    assert "member.root-access-keys" in out and "\x1b" not in out and "\x07" not in out


def test_an_organization_id_with_a_trailing_newline_is_not_an_organization_id(predicate, tmp_path):
    """LOW. ORG_ID used ``$``, which also matches before a final newline (app/account_id.py
    explains why it avoids ``$``): a record for "o-…\\n" verified, and folder() named a
    directory with a newline in it."""
    predicate["organization_id"] = predicate["organization_id"] + "\n"
    path, _, key = _signed_file(tmp_path, predicate)
    with pytest.raises(BadRecord):
        org_record.verify_bytes(path.read_bytes(), key.public_key())
    with pytest.raises(ValueError):
        org_record.folder(predicate["organization_id"], base=tmp_path)


def test_extract_of_a_practice_record_says_it_is_practice(predicate, tmp_path, capsys):
    """LOW. `record extract` of a practice organization record said only "matches the signed
    subject": the "evidence of nothing" warning that verify and show print was missing, on the
    one command meant for handing evidence to a third party."""
    from app.cli.main import main

    predicate["practice"] = True
    path, pem, _ = _signed_file(tmp_path, predicate)
    assert main(["record", "extract", str(path), "--account", member_id(FREE), "--public-key", str(pem)]) == 0
    assert "PRACTICE" in capsys.readouterr().err


# -- 5. robustness of the pool ------------------------------------------------------------------------
def _run_bounded(pool: AdaptivePool, items: list, seconds: float = 10.0) -> tuple[Any, BaseException | None, bool]:
    """pool.run(items) on a thread: (result, error, finished in time)."""
    box: dict[str, Any] = {}

    def go():
        try:
            box["result"] = pool.run(items)
        except BaseException as error:  # noqa: BLE001 — the test inspects it
            box["error"] = error

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    thread.join(seconds)
    return box.get("result"), box.get("error"), not thread.is_alive()


def test_a_failing_give_up_ends_the_run_instead_of_hanging_it():
    """MEDIUM (robustness). ``give_up`` raising on a worker thread left the in-flight count
    raised forever: every other worker waited for it, and ``run`` never returned (org verify
    hung until killed)."""
    def work(item):
        raise Throttled("slow down", "sts:AssumeRoot", "Throttling")

    def give_up(item, error):
        raise RuntimeError("bug in give_up")

    pool = AdaptivePool(work, give_up, max_workers=2, start=2, max_attempts=1, backoff=0.01)
    _, error, finished = _run_bounded(pool, ["a", "b", "c"])
    assert finished, "the pool hung"
    assert isinstance(error, RuntimeError)


def test_a_failing_progress_callback_is_not_reported_as_a_cancelled_run():
    """LOW (robustness). ``on_progress`` raising killed its worker thread silently (a traceback on
    stderr from threading's hook); with one worker the remaining accounts were then reported
    "cancelled" by a run nobody cancelled."""
    def progress(_):
        raise RuntimeError("bug in on_progress")

    pool = AdaptivePool(lambda item: item, lambda item, error: item, max_workers=1, start=1, on_progress=progress)
    result, error, finished = _run_bounded(pool, ["a", "b", "c"])
    assert finished
    assert isinstance(error, RuntimeError) or (result is not None and not result.unfinished)


def test_a_saved_run_of_another_organization_is_refused(organization, tmp_path):
    """Sound (checked): a saved run of another organization is refused by scan."""
    from app.errors import InvalidInput
    from app.org import resume

    first = scan(organization.aws_context(), ScanRequest(accounts=(member_id(FREE),), backoff=0.01))
    state = resume.SavedState("o-someoneelse1", first.management_account_id, datetime.now(timezone.utc), {},
                              {m.member.id: m for m in first.members})
    with pytest.raises(InvalidInput):
        scan(organization.aws_context(), ScanRequest(accounts=(member_id(FREE),), backoff=0.01), resume=state)


def test_no_root_session_secret_reaches_outputs_state_or_record(organization, tmp_path, monkeypatch, capsys):
    """Sound (checked): the secrets AssumeRoot hands out reach no output format, state file,
    record, or repr of the results."""
    from tests.org_support import issued_credentials

    from app.cli.org import as_csv, as_json, as_text
    from app.org import resume

    issued = issued_credentials(monkeypatch)
    result = scan(organization.aws_context(), ScanRequest(backoff=0.01))
    key = SigningKey(MemoryKeyring())
    state = resume.save(result, {"accounts": None, "exclude": [], "ou": None}, key, folder=tmp_path)
    saved = org_record.sign_and_save(org_record.org_predicate(result, practice=True), key, base=tmp_path)
    texts = [as_text(result), as_csv(result), json.dumps(as_json(result), default=str), repr(result),
             state.read_text(), base64.b64decode(json.loads(state.read_bytes())["payload"]).decode(),
             base64.b64decode(json.loads(saved.path.read_bytes())["payload"]).decode()]
    assert len(issued) >= MEMBER_COUNT - 5
    for credentials in issued:
        for secret in (credentials["SecretAccessKey"], credentials["SessionToken"]):
            assert not any(secret in text for text in texts)


def test_a_delete_session_in_another_account_changes_nothing(organization, monkeypatch):
    """HIGH before the fix: the deletion's AssumeRoot landing in another account (B) would have
    deleted B's credentials as the confirmed plan for A. Now the session's identity is checked
    (iam:GetUser) first: nothing changes in either account, and the reason says why."""
    from moto.sts.responses import TokenResponse

    from app.org.delete import ChangeOutcome, execute, prepare
    from app.practice import moto_gaps

    target, bystander = member_id(PASSWORD_NO_MFA[0]), member_id(PASSWORD_NO_MFA[1])
    context = organization.aws_context()
    preparation = prepare(context, ScanRequest(accounts=(target,), backoff=0.01))
    original = TokenResponse.assume_root

    def elsewhere(this):
        get = this._get_param
        deleting = "IAMDeleteRootUserCredentials" in str(get("TaskPolicyArn"))
        this._get_param = lambda name, *a, **k: bystander if name == "TargetPrincipal" and deleting else get(name, *a, **k)
        return original(this)

    monkeypatch.setattr(TokenResponse, "assume_root", elsewhere)
    run = execute(context, preparation.to_change, backoff=0.01)
    (account,) = run.accounts
    assert not account.changed and account.reason == "malformed-response" and "not that account's root user" in account.message
    assert all(c.outcome == ChangeOutcome.NOT_ATTEMPTED for c in account.changes) or not account.changes
    assert moto_gaps.extras(target).root.password and moto_gaps.extras(bystander).root.password


def test_an_account_in_no_ou_is_named_in_a_notice(organization):
    moved = member_id(2)

    def lose(service, operation, answer):
        if operation == "ListAccountsForParent":
            answer = {**answer, "Accounts": [a for a in answer["Accounts"] if a["Id"] != moved]}
        return answer

    result = scan(Rewriting(organization.aws_context(), lose), ScanRequest(accounts=(moved,), backoff=0.01, contacts=False))
    assert result.members[0].member.ou == "" and any(moved in n for n in result.notices)
