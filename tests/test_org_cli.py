"""`rootwarden org verify` and `org policy` as a user runs them (a subprocess on --demo), and the
AssumeRoot sessions' secrets never reaching any output."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from app.practice.organization import HOSTILE, MEMBER_COUNT, SCP_DENIES_ROOT, member_id

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run([sys.executable, "-m", "app.cli", "org", *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def json_run():
    return run("verify", "--demo", "--format", "json")


def test_json_document_and_exit_code(json_run):
    assert json_run.returncode == 1, json_run.stderr  # the practice organization has failing members
    doc = json.loads(json_run.stdout)
    assert doc["schema"] == "rootwarden/org-verify-v1"
    assert doc["organization_id"].startswith("o-") and doc["management_account_id"] == "123456789012"
    assert doc["caller_arn"].endswith(":user/practice-admin") and "RootSessions" in doc["features"]
    assert doc["coverage"] == {"reached": MEMBER_COUNT - 2, "total": MEMBER_COUNT - 1}
    assert len(doc["accounts"]) == MEMBER_COUNT + 1
    blocked = next(a for a in doc["accounts"] if a["id"] == member_id(SCP_DENIES_ROOT))
    assert set(blocked) >= {"id", "name", "state", "joined_method", "checks"} and blocked["unreached_reason"] == "scp-denies-root-session"
    check = blocked["checks"][0]
    assert set(check) >= {"id", "step", "title", "severity", "status", "reason", "summary", "evidence", "remediation", "references"}
    assert {c["status"] for c in blocked["checks"] if c["id"].startswith("member.root-")} == {"unknown"}
    # its alternate contacts are another API (no root session): still read, and set
    assert {c["status"] for c in blocked["checks"] if c["id"].startswith("member.contacts.")} == {"pass"}
    assert "CloudTrail" in json_run.stderr  # the disclosure, kept off the JSON on stdout


def test_text_discloses_cloudtrail_before_the_scan_and_escapes_aws_names():
    result = run("verify", "--demo")
    assert result.returncode == 1, result.stderr
    first = result.stdout.splitlines()[0]
    assert "root-type CloudTrail events" in first and "alarms" in first
    assert "Coverage: 48 of 49 active member accounts audited" in result.stdout
    assert not CONTROL.search(result.stdout) and not CONTROL.search(result.stderr)
    hostile = next(line for line in result.stdout.splitlines() if member_id(HOSTILE) in line)
    assert "<b>ALL PASSED</b>\\x1b[2J\\x07\\u202e evil" in hostile  # shown as its characters, not interpreted
    assert "scp-denies-root-session" in result.stdout and "aws:AssumedRoot" in result.stdout


def test_a_selection_of_accounts_all_clear_exits_0():
    # 26–28: credential-free, with all three alternate contacts
    result = run("verify", "--demo", "--accounts", f"{member_id(26)},{member_id(27)},{member_id(28)}", "--exclude", member_id(28))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Coverage: 2 of 2" in result.stdout and member_id(28) not in result.stdout.split("Coverage")[1]


def test_unknown_without_failure_exits_2():
    result = run("verify", "--demo", "--accounts", member_id(SCP_DENIES_ROOT), "--format", "json")
    assert result.returncode == 2 and json.loads(result.stdout)["coverage"] == {"reached": 0, "total": 1}


@pytest.mark.parametrize("args", [("--accounts", "12345"), ("--accounts", "999999999999"), ("--workers", "0")])
def test_bad_usage_exits_3_in_one_line(args):
    result = run("verify", "--demo", *args)
    assert result.returncode == 3 and "Traceback" not in result.stderr


def test_org_policy_names_the_audit_task_policy():
    result = run("policy")
    doc = json.loads(result.stdout)
    actions = [s["Action"] for s in doc["Statement"]]
    assert result.returncode == 0 and "sts:AssumeRoot" in actions
    assert "root-task/IAMAuditRootUserCredentials" in json.dumps(doc)
    assert "root-task/IAMDeleteRootUserCredentials" in json.dumps(doc) and "account:PutAlternateContact" in json.dumps(doc)
    read_only = json.dumps(json.loads(run("policy", "--read-only").stdout))
    assert "IAMAuditRootUserCredentials" in read_only and "IAMDeleteRootUserCredentials" not in read_only
    assert "Enable" not in read_only and "Put" not in read_only and "organizations:ListRoots" in read_only


@pytest.mark.parametrize("output", ["text", "json"])
def test_root_session_secrets_never_reach_the_output(organization, monkeypatch, capsys, output):
    """Sentinel: every secret key and session token AssumeRoot handed out is captured at the
    simulated AWS side, then searched for in everything the command printed."""
    from tests.org_support import issued_credentials

    from app.cli import org as org_cli
    from app.cli.main import build_parser

    issued = issued_credentials(monkeypatch)
    monkeypatch.setattr(org_cli, "connect", lambda args: organization.aws_context())
    args = build_parser().parse_args(["org", "verify", "--no-contacts", "--format", output])
    assert org_cli.org_command(args) == 1
    printed = capsys.readouterr()
    assert len(issued) >= MEMBER_COUNT - 2
    for credentials in issued:
        for secret in (credentials["SecretAccessKey"], credentials["SessionToken"]):
            assert secret not in printed.out and secret not in printed.err
    assert issued[0]["AccessKeyId"] in printed.out or output == "text"  # the key ID is evidence (CloudTrail), not a secret


@pytest.mark.server
def test_the_real_path_over_http_against_a_moto_server(endpoint, monkeypatch):
    """No --demo: the standard credential chain, HTTP to a moto server seeded as the practice
    organization; AssumeRoot and the root sessions go over the wire."""
    from datetime import datetime, timezone

    from app.practice import moto_org
    from app.practice.organization import seed_organization
    from tests.cli_support import admin_keys, run_cli

    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    moto_org.install()
    moto_org.reset()
    seed_organization(datetime.now(timezone.utc))
    keys = admin_keys(endpoint)
    result = run_cli(endpoint, keys, "verify", "--format", "json", "--accounts",
                     f"{member_id(7)},{member_id(20)},{member_id(SCP_DENIES_ROOT)}", command="org")
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert doc["coverage"] == {"reached": 2, "total": 3}
    reasons = {a["id"]: {c["id"]: c["reason"] for c in a["checks"]} for a in doc["accounts"]}
    assert reasons[member_id(7)]["member.root-access-keys"] == "root-key-active"
    assert reasons[member_id(20)]["member.root-credential-free"] == "no-root-credentials"
    blocked = reasons[member_id(SCP_DENIES_ROOT)]
    assert {r for c, r in blocked.items() if c.startswith("member.root-")} == {"scp-denies-root-session"}
    # the alternate contacts go over the wire too (account:GetAlternateContact with AccountId)
    assert {r for c, r in blocked.items() if c.startswith("member.contacts.")} == {"compliant"}
    assert reasons[member_id(20)]["member.contacts.security"] == "contact-missing"


def test_ctrl_c_reports_what_was_audited_and_the_rest_as_cancelled():
    import signal

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    process = subprocess.Popen([sys.executable, "-m", "app.cli", "org", "verify", "--demo", "--workers", "1", "--format", "json"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert "CloudTrail" in process.stderr.readline()  # the disclosure
    assert "auditing 49 member accounts" in process.stderr.readline()  # the inventory is read; AssumeRoot starts
    import time

    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode in (1, 2), err
    doc = json.loads(out)
    assert doc["cancelled"] and "interrupted" in err
    reasons = {a["unreached_reason"] for a in doc["accounts"]}
    assert "cancelled" in reasons and 0 < doc["coverage"]["reached"] < doc["coverage"]["total"]
