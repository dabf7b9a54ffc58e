"""`rootwarden verify` as a user runs it: a subprocess talking HTTP to a moto server on 127.0.0.1."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest

from app.practice import moto_gaps
from tests.cli_support import admin_keys, client, iam_enforced, run_cli
from tests.support import ACCOUNT_ID, NOW, allow_eventbridge

pytestmark = pytest.mark.server
BOTH = {"detail-type": ["AWS Console Sign In via CloudTrail", "AWS API Call via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}}


def harden(endpoint: str) -> None:
    """Everything SPEC §4 asks for, in place."""
    state = moto_gaps.extras(ACCOUNT_ID)
    state.root.mfa_active = True
    state.root.password_last_used = NOW - timedelta(days=120)
    state.identity_center = True
    for kind in ("SECURITY", "BILLING", "OPERATIONS"):
        client(endpoint, "account").put_alternate_contact(AlternateContactType=kind, Name="Team", Title="Team",
                                                          EmailAddress="team@example.com", PhoneNumber="+1 555 0100")
    events, sns = client(endpoint, "events"), client(endpoint, "sns")
    rule = events.put_rule(Name="root", EventPattern=json.dumps(BOTH))["RuleArn"]
    topic = sns.create_topic(Name="root")["TopicArn"]
    allow_eventbridge(sns, topic, rule)
    events.put_targets(Rule="root", Targets=[{"Id": "1", "Arn": topic}])
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="team@example.com")
    moto_gaps.confirm_email_subscriptions(ACCOUNT_ID, topic)


def test_json_shape_and_exit_1_on_a_new_account(endpoint):
    keys = admin_keys(endpoint)
    result = run_cli(endpoint, keys, "--format", "json")
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert doc["schema"] == "rootwarden/verify-v1"
    assert doc["account_id"] == ACCOUNT_ID and doc["caller_arn"].endswith(":user/admin") and doc["caller_is_root"] is False
    assert doc["region"] == "us-east-1" and doc["started_at"].endswith("Z") and doc["finished_at"] >= doc["started_at"]
    from app.checks import REGISTRY

    assert [c["id"] for c in doc["checks"]] == [c.id for c in REGISTRY]
    for check in doc["checks"]:
        assert set(check) == {"id", "step", "title", "severity", "status", "reason", "summary", "evidence", "remediation", "references"}
        assert check["status"] in {"pass", "fail", "warn", "unknown", "not_applicable"}
    by_id = {c["id"]: c["status"] for c in doc["checks"]}
    assert by_id["root.mfa"] == "fail" and by_id["contacts.security"] == "fail"
    assert secret_free(result, keys[1])


def test_exit_0_when_hardened_and_text_checklist(endpoint):
    keys = admin_keys(endpoint)
    harden(endpoint)
    result = run_cli(endpoint, keys)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Step 1  Remove root access keys" in result.stdout and "Step 6  Root activity notifications" in result.stdout
    assert "FAIL" not in result.stdout and "PASS     root.mfa " in result.stdout


def test_exit_2_when_nothing_fails_but_a_call_is_denied(endpoint):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "account:GetAlternateContact", "Resource": "*"}]}
    keys = admin_keys(endpoint, policy)
    harden(endpoint)
    with iam_enforced(endpoint):
        result = run_cli(endpoint, keys, "--format", "json")
    assert result.returncode == 2, result.stdout + result.stderr
    contact = {c["id"]: c for c in json.loads(result.stdout)["checks"]}["contacts.security"]
    assert contact["status"] == "unknown" and "account:GetAlternateContact" in contact["summary"]


def test_wrong_credentials_exit_3_without_traceback(endpoint):
    admin_keys(endpoint)
    with iam_enforced(endpoint):
        result = run_cli(endpoint, ("AKIAWRONGWRONGWRONG1", "SENTINEL-secret-" + "x" * 24))
    assert result.returncode == 3
    assert "rejected these credentials" in result.stderr
    assert "Traceback" not in result.stderr and "SENTINEL" not in result.stderr + result.stdout


def test_unreachable_endpoint_exit_3():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    result = run_cli(closed, ("AKIAEXAMPLEEXAMPLE12", "x" * 40))
    assert result.returncode == 3
    assert "Cannot reach AWS" in result.stderr and "Traceback" not in result.stderr


def test_no_credentials_exit_3(endpoint):
    result = run_cli(endpoint, None)
    assert result.returncode == 3 and "No AWS credentials" in result.stderr


def test_unknown_profile_exit_3(endpoint):
    result = run_cli(endpoint, None, "--aws-profile", "nope")
    assert result.returncode == 3 and "nope" in result.stderr


def test_demo_needs_no_credentials_and_exits_1():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run([sys.executable, "-m", "app.cli", "verify", "--demo"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "rootwarden-practice" in result.stdout and "FAIL     root.access-keys" in result.stdout


def test_policy_covers_every_declared_action():
    result = subprocess.run([sys.executable, "-m", "app.cli", "policy", "--fixes"], capture_output=True, text=True, timeout=60)
    doc = json.loads(result.stdout)
    actions = {a for statement in doc["Statement"] for a in statement["Action"]}
    assert {"iam:GenerateCredentialReport", "sso:ListInstances", "events:TestEventPattern", "account:PutAlternateContact"} <= actions
    assert all(":" in a and "*" not in a for a in actions)


def secret_free(result: subprocess.CompletedProcess, secret: str) -> bool:
    return secret not in result.stdout and secret not in result.stderr


def test_text_output_never_passes_terminal_control_from_aws_data(endpoint):
    """A contact name with escape sequences (clear screen, recolour, a fake PASS line) is shown
    as visible escapes; the reason codes reach JSON output."""
    hostile = "Eve\x1b[2J\x1b[32mPASS\x07\u202e"
    client(endpoint, "account").put_alternate_contact(AlternateContactType="SECURITY", Name=hostile, Title="x",
                                                      EmailAddress="eve@example.com", PhoneNumber="+1 555 0100")
    keys = admin_keys(endpoint)
    text = run_cli(endpoint, keys)
    assert "\x1b" not in text.stdout and "\x07" not in text.stdout and "\u202e" not in text.stdout
    assert "Eve\\x1b[2J\\x1b[32mPASS\\x07\\u202e" in text.stdout
    doc = json.loads(run_cli(endpoint, keys, "--format", "json").stdout)
    security = next(c for c in doc["checks"] if c["id"] == "contacts.security")
    assert security["reason"] == "compliant" and security["evidence"]["Name"] == hostile  # JSON keeps the exact data
