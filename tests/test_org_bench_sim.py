"""The organization scale benchmark's simulator (benchmarks/org_scale.py) stays honest: at a
small size and no round trip, Rootwarden's real scan over it gives every member the verdicts
its simulated shape must give, its answers fit botocore's output shapes, and its sanity check
does catch a wrong verdict. (The benchmark's timings are printed, never asserted.)"""
from __future__ import annotations

import dataclasses
import importlib.util
import sys
from pathlib import Path

import pytest

from app.model import Status

PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "org_scale.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("org_scale_bench", PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


@pytest.fixture
def fake_profile(bench, monkeypatch):
    """The benchmark's management-account keys in the environment, as it sets them."""
    for name in bench.UNSET_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in bench.FAKE_ENV.items():
        monkeypatch.setenv(name, value)


def test_thirty_members_get_the_verdicts_of_their_shapes(bench, fake_profile):
    run = bench.run(30, rtt_ms=0, workers=8)
    org, result = run.organization, run.result
    assert {s.name for s in org.shapes.values()} == {s.name for s in (*bench.SHAPES, bench.FREE)}, "every shape is exercised"
    assert org.tally.faults == []
    assert org.mismatches(result) == []
    assert result.coverage == (30, 30)
    assert len(result.members) == 30 + 1 + 1  # the members, the management account, one suspended
    # What a user would read for a few of them, checked directly rather than through the simulator.
    by_id = {m.member.id: {f.info.id: f.status for f in m.findings} for m in result.members}
    free, no_mfa, inactive_key = (str(bench.FIRST_MEMBER + i) for i in (20, 4, 9))  # SHAPES' order
    assert by_id[free]["member.root-credential-free"] is Status.PASS
    assert by_id[no_mfa]["member.root-mfa"] is Status.FAIL and by_id[no_mfa]["member.root-password"] is Status.FAIL
    assert by_id[inactive_key]["member.root-access-keys"] is Status.FAIL
    assert set(by_id[bench.MANAGEMENT].values()) == {Status.NOT_APPLICABLE}
    # One root session per member, then the six reads (plus GetAccessKeyLastUsed per root key).
    requests = org.tally.requests
    assert requests["sts:AssumeRoot"] == 30 and requests["iam:GetUser"] == 30
    keys = sum(len(s.keys) for s in org.shapes.values())
    assert requests["iam:GetAccessKeyLastUsed"] == keys > 0
    assert requests["organizations:ListAccounts"] == 2  # 32 accounts in pages of 20
    assert all(m.session is not None and m.session.account_id == m.member.id for m in result.members if m.reached)


def test_the_sanity_check_catches_a_wrong_verdict(bench, fake_profile):
    run = bench.run(12, rtt_ms=0, workers=4)
    members = list(run.result.members)
    victim = next(i for i, m in enumerate(members) if m.member.id in run.organization.shapes)
    wrong = tuple(dataclasses.replace(f, status=Status.PASS) for f in members[victim].findings)
    members[victim] = dataclasses.replace(members[victim], findings=wrong)
    tampered = dataclasses.replace(run.result, members=tuple(members))
    problems = run.organization.mismatches(tampered)
    assert len(problems) == 1 and members[victim].member.id in problems[0]
    dropped = dataclasses.replace(run.result, members=run.result.members[1:])
    assert any("missing from the scan" in p for p in run.organization.mismatches(dropped))


def test_throttled_root_sessions_halve_the_pool_and_still_audit_correctly(bench, fake_profile):
    run = bench.run(30, rtt_ms=0, workers=8, throttle_pct=10)
    assert run.organization.tally.throttled == len(run.organization.to_throttle) == 3
    assert run.organization.mismatches(run.result) == []
    limits = run.result.limits
    assert any(b < a for a, b in zip(limits, limits[1:])), f"the pool never halved: {limits}"
