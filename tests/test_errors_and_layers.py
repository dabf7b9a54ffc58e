"""Error translation (SPEC §10), and what the command line loads (the import graph's layers
and cycles are in test_layering.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from app.aws.errors import iam_action, translate
from app.errors import AccessDenied, ConnectionProblem, Throttled
from app.model import Status

ROOT = Path(__file__).resolve().parents[1]


def client_error(code: str, status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op")


@pytest.mark.parametrize("code", ["InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException"])
def test_bad_credentials_are_connection_problems(code):
    error = translate(client_error(code, 403), "sts", "GetCallerIdentity")
    assert isinstance(error, ConnectionProblem) and "rejected" in str(error)


@pytest.mark.parametrize("code", ["ExpiredToken", "ExpiredTokenException", "RequestExpired"])
def test_expired_sessions_say_sign_in_again(code):
    error = translate(client_error(code), "iam", "GetAccountSummary")
    assert isinstance(error, ConnectionProblem) and "Sign in again" in str(error)


def test_access_denied_names_the_action_and_the_policy_command():
    error = translate(client_error("AccessDeniedException", 400), "sso-admin", "ListInstances")
    assert isinstance(error, AccessDenied) and error.action == "sso:ListInstances"
    assert "rootwarden policy" in str(error)


def test_throttling_after_retries_is_typed():
    error = translate(client_error("ThrottlingException"), "events", "ListRules")
    assert isinstance(error, Throttled) and "events:ListRules" in str(error)


def test_network_and_missing_credentials():
    assert "Cannot reach AWS" in str(translate(EndpointConnectionError(endpoint_url="https://x"), "sts", "GetCallerIdentity"))
    assert "No AWS credentials" in str(translate(NoCredentialsError(), "sts", "GetCallerIdentity"))


def test_iam_action_prefixes():
    assert iam_action("cloudwatch", "DescribeAlarmsForMetric") == "cloudwatch:DescribeAlarmsForMetric"
    assert iam_action("sso-admin", "ListInstances") == "sso:ListInstances"


def test_throttled_call_becomes_unknown(account):
    """botocore retries throttling itself (standard mode); what is left over reads as unknown."""
    from botocore.awsrequest import AWSResponse

    def throttle(model, **_):
        if model.name == "GetAlternateContact":
            return AWSResponse("https://x.invalid", 400, {}, None), {
                "Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}, "ResponseMetadata": {"HTTPStatusCode": 400}}

    ctx = account.context()
    ctx.add_hook("before-call", throttle)
    from app.checks import BY_ID
    from app.runner import run_checks

    (finding,) = run_checks(ctx, [BY_ID["contacts.security"]], sleep=lambda s: None)
    assert finding.status is Status.UNKNOWN and "throttling" in finding.summary


def test_a_bug_in_a_check_is_unknown_not_a_crash(account, monkeypatch):
    from app.checks import BY_ID
    from app.checks.base import Check
    from app.runner import run_checks

    broken = Check(BY_ID["root.mfa"].info, lambda run: 1 / 0)
    (finding,) = run_checks(account.context(), [broken], sleep=lambda s: None)
    assert finding.status is Status.UNKNOWN and "ZeroDivisionError" in finding.summary


def test_command_line_path_loads_neither_qt_nor_moto():
    code = "import sys, ui.launch, app.cli.verify, app.verification, app.runner, app.policy; print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'moto')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    assert out == "[]"


def test_a_step_run_calls_only_what_its_checks_need(account):
    """Re-checking Step 5 (polling) must not regenerate the credential report every time."""
    from app.checks import BY_ID
    from app.runner import run_checks

    calls: list[str] = []
    ctx = account.context()
    ctx.add_hook("before-call", lambda model, **_: calls.append(model.name))
    list(run_checks(ctx, [BY_ID["contacts.security"], BY_ID["contacts.billing"]], sleep=lambda s: None))
    assert sorted(calls) == ["GetAlternateContact", "GetAlternateContact"]
