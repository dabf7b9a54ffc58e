"""Cancel and resume (SPEC §12 "a partial run can be resumed from its saved state"): a saved run
is signed, an edited one is refused, resuming audits only what was left and reuses nothing that
changed since."""
from __future__ import annotations

import base64
import dataclasses
import json
import threading
from datetime import timedelta

import pytest

from app.errors import RootwardenError
from app.model import Status
from app.org import resume
from app.org.scan import ScanRequest, scan
from app.practice import moto_org
from app.practice.organization import MEMBER_COUNT, SCP_DENIES_ROOT, SUSPENDED, THROTTLED, member_id
from app.record.dsse import BadRecord
from app.record.signing_key import SigningKey
from tests.memory_keyring import MemoryKeyring


class CountingAssumeRoot:
    """Which accounts AWS handed a root session for."""

    def __init__(self, monkeypatch):
        from moto.sts.responses import TokenResponse

        self.targets: list[str] = []
        original = TokenResponse.assume_root

        def spy(this):
            self.targets.append(this._get_param("TargetPrincipal"))
            return original(this)

        monkeypatch.setattr(TokenResponse, "assume_root", spy)


@pytest.fixture
def cancelled_run(organization, tmp_path):
    """A run cancelled after ten accounts, saved and signed."""
    cancel = threading.Event()

    def progress(p):
        if p.done >= 10:
            cancel.set()

    first = scan(organization.aws_context(), ScanRequest(workers=2, start_workers=2, backoff=0.01, contacts_rate=500.0), on_progress=progress,
                 cancel=cancel)
    key = SigningKey(MemoryKeyring())
    path = resume.save(first, {"accounts": None, "exclude": [], "ou": None}, key, folder=tmp_path)
    return first, key, path


def test_resume_audits_only_what_was_left(organization, cancelled_run, monkeypatch):
    first, key, path = cancelled_run
    assert first.cancelled and first.coverage[0] < 20
    left = {m.member.id for m in first.members if m.reason == "cancelled"}
    assert left and all(f.status == Status.UNKNOWN for m in first.members if m.reason == "cancelled" for f in m.findings)
    state = resume.load(path, key.public_key())
    calls = CountingAssumeRoot(monkeypatch)
    second = scan(organization.aws_context(), ScanRequest(backoff=0.01, contacts_rate=500.0), resume=state)
    assert not second.cancelled and second.coverage == (MEMBER_COUNT - 2, MEMBER_COUNT - 1)
    reached_before = {m.member.id for m in first.members if m.reached}
    assert second.reused == len(reached_before)
    assert set(calls.targets).isdisjoint(reached_before) and left <= set(calls.targets) | {member_id(SCP_DENIES_ROOT)}
    kept = {m.member.id: m for m in second.members}
    for account in reached_before:
        earlier = next(m for m in first.members if m.member.id == account).findings
        root = [f.as_dict() for f in earlier if not f.id.startswith("member.contacts.")]
        assert [f.as_dict() for f in kept[account].findings if not f.id.startswith("member.contacts.")] == root  # same checked_at
        contacts = [f for f in kept[account].findings if f.id.startswith("member.contacts.")]
        assert len(contacts) == 3 and "cancelled" not in {f.reason for f in contacts}  # read now: the first run never got to them


def test_an_edited_saved_run_is_refused(cancelled_run, tmp_path):
    _, key, path = cancelled_run
    envelope = json.loads(path.read_bytes())
    body = base64.b64decode(envelope["payload"]).replace(b'"status":"fail"', b'"status":"pass"')
    envelope["payload"] = base64.b64encode(body).decode()
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(envelope, indent=2) + "\n")
    with pytest.raises(BadRecord, match="bad signature"):
        resume.load(edited, key.public_key())
    with pytest.raises(BadRecord, match="unknown key"):
        resume.load(path, SigningKey(MemoryKeyring()).public_key())


def test_an_old_or_foreign_saved_run_is_refused(organization, cancelled_run):
    _, key, path = cancelled_run
    state = resume.load(path, key.public_key())
    assert resume.load(path, key.public_key(), now=state.saved_at + timedelta(hours=3)).results
    with pytest.raises(BadRecord, match="older than 4 hours"):
        resume.load(path, key.public_key(), now=state.saved_at + timedelta(hours=5))
    foreign = dataclasses.replace(state, organization_id="o-someoneelse1")
    with pytest.raises(RootwardenError, match="cannot be resumed here"):
        scan(organization.aws_context(), ScanRequest(), resume=foreign)


def test_an_account_that_changed_state_is_not_reused(organization, cancelled_run):
    from moto.organizations.models import organizations_backends

    first, key, path = cancelled_run
    reached = next(m for m in first.members if m.reached)
    backend = organizations_backends["123456789012"]["aws"]
    account = next(a for a in backend.accounts if a.id == reached.member.id)
    account.status = account.state = "SUSPENDED"
    second = scan(organization.aws_context(), ScanRequest(backoff=0.01, contacts_rate=500.0), resume=resume.load(path, key.public_key()))
    now = next(m for m in second.members if m.member.id == reached.member.id)
    assert {f.status for f in now.findings} == {Status.NOT_APPLICABLE}
    assert member_id(SUSPENDED) != reached.member.id


def test_cli_saves_a_partial_run_and_resumes_it(organization, monkeypatch, capsys, tmp_path):
    import keyring

    from app.cli import org as org_cli
    from app.cli.main import build_parser

    monkeypatch.setattr(org_cli, "connect", lambda args: organization.aws_context())
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        moto_org.faults(member_id(THROTTLED)).throttle_assume_root = 50  # AWS keeps throttling this one account
        assert org_cli.org_command(build_parser().parse_args(["org", "verify", "--demo"])) == 1
        err = capsys.readouterr().err
        assert "1 accounts were not completely read" in err and "--resume " in err
        saved = err.split("--resume ", 1)[1].split()[0]
        moto_org.faults(member_id(THROTTLED)).throttle_assume_root = 0
        with pytest.raises(RootwardenError, match="keeps the scope"):
            org_cli.org_command(build_parser().parse_args(["org", "verify", "--demo", "--resume", saved, "--ou", "Root"]))
        assert org_cli.org_command(build_parser().parse_args(["org", "verify", "--demo", "--resume", saved, "--format", "json"])) == 1
        out = capsys.readouterr()
        doc = json.loads(out.out)
        assert doc["coverage"] == {"reached": MEMBER_COUNT - 2, "total": MEMBER_COUNT - 1}
        assert f"resumed: {MEMBER_COUNT - 3} accounts keep their findings" in out.err and "not completely read" not in out.err
    finally:
        keyring.set_keyring(previous)
