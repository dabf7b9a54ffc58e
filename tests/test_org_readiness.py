"""`rootwarden org enable` (SPEC §12): the organization's readiness read from the practice
organization through the gap-filler, the changes that enable what is off, and the CLI.

Denials come from moto's own IAM policy evaluation (``enable_iam_authentication``) for a caller
whose policy denies the reads or the writes. The botocore Stubber is used once, for a listing
whose page token repeats: moto cannot be made to answer that.
"""
from __future__ import annotations

import io
import json
import re
import sys

import pytest

from app.org import readiness as r
from app.org.readiness import Outcome, Role, State
from app.practice import moto_gaps
from app.practice.organization import ACCOUNT_ID, HOSTILE, PracticeOrganization, member_id

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FEATURES = ("org.root-credentials-management", "org.root-sessions")
TRUSTED = ("org.trusted-access.iam", "org.trusted-access.account")


@pytest.fixture
def bare():
    """The practice organization before `org enable`: no trusted access, no root-access features."""
    practice = PracticeOrganization(features=False).start()
    yield practice
    practice.stop()


def states(readiness) -> dict[str, str]:
    return {i.id: i.state.value for i in readiness.items}


def aws_state(practice) -> tuple[list[str], list[str]]:
    """What AWS (the simulation) holds, read with the administrator's own calls."""
    org = practice.aws_context().client("organizations")
    principals = sorted(s["ServicePrincipal"] for s in org.list_aws_service_access_for_organization()["EnabledServicePrincipals"])
    return principals, sorted(moto_gaps.extras(ACCOUNT_ID).org_features)


def caller(practice, statements: list[dict], name: str = "limited"):
    """An IAM user of the management account with these policy statements (plus Allow *)."""
    from app.aws.context import AwsContext

    iam = practice.aws_context().client("iam")
    iam.create_user(UserName=name)
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, *statements]}
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return AwsContext.from_keys(key["AccessKeyId"], key["SecretAccessKey"], region="us-east-1", max_attempts=1)


def deny(*actions: str) -> list[dict]:
    return [{"Effect": "Deny", "Action": list(actions), "Resource": "*"}]


def member_caller(n: int):
    """An IAM user in member account ``n`` (created in moto's backend: the management account's
    administrator cannot create users in a member account through the API)."""
    from moto.iam.models import iam_backends

    from app.aws.context import AwsContext

    backend = iam_backends[member_id(n)]["aws"]
    backend.create_user(region_name="us-east-1", user_name="member-admin")
    key = backend.create_access_key("member-admin")
    return AwsContext.from_keys(key.access_key_id, key.secret_access_key, region="us-east-1", max_attempts=1)


# -- reading ----------------------------------------------------------------------------------------
def test_the_seeded_organization_is_ready(organization):
    readiness = r.read_readiness(organization.aws_context())
    assert readiness.role == Role.MANAGEMENT and readiness.ready
    assert readiness.organization_id.startswith("o-") and readiness.management_account_id == ACCOUNT_ID
    assert all(i.state == State.ENABLED and i.reason == "compliant" for i in readiness.counted)
    delegated = readiness.item(r.DELEGATED_ADMIN)
    assert delegated.info and delegated.state == State.DISABLED and delegated.reason == "no-delegated-admin"
    assert r.plan_enable(readiness) == []


def test_an_organization_with_nothing_enabled(bare):
    readiness = r.read_readiness(bare.aws_context())
    assert not readiness.ready and readiness.role == Role.MANAGEMENT
    got = states(readiness)
    assert got[r.CALLER] == got[r.ALL_FEATURES] == "enabled"
    assert all(got[i] == "disabled" for i in TRUSTED + FEATURES)
    assert {readiness.item(i).reason for i in TRUSTED} == {"trusted-access-disabled"}
    # IAM refuses to list features without trusted access: that proves them off, it is not "unknown"
    assert {readiness.item(i).reason for i in FEATURES} == {"trusted-access-disabled"}
    assert all(readiness.item(i).fixable for i in TRUSTED + FEATURES)
    plan = r.plan_enable(readiness)
    assert [(c.action, c.target) for c in plan] == [
        ("organizations:EnableAWSServiceAccess", "iam.amazonaws.com"),
        ("organizations:EnableAWSServiceAccess", "account.amazonaws.com"),
        ("iam:EnableOrganizationsRootCredentialsManagement", "RootCredentialsManagement"),
        ("iam:EnableOrganizationsRootSessions", "RootSessions")]
    assert {c.account for c in plan} == {ACCOUNT_ID}


def test_trusted_access_is_read_to_the_last_page(bare):
    org = bare.aws_context().client("organizations")
    for principal in ("cloudtrail.amazonaws.com", "config.amazonaws.com", "ssm.amazonaws.com", "backup.amazonaws.com",
                      "guardduty.amazonaws.com", "ram.amazonaws.com", "sso.amazonaws.com", "health.amazonaws.com",
                      "macie.amazonaws.com", "fms.amazonaws.com", "detective.amazonaws.com", "ds.amazonaws.com",
                      "ipam.amazonaws.com", "mgn.amazonaws.com", "securityhub.amazonaws.com", "servicequotas.amazonaws.com",
                      "securitylake.amazonaws.com", "servicecatalog.amazonaws.com", "auditmanager.amazonaws.com",
                      "inspector2.amazonaws.com", "account.amazonaws.com"):
        org.enable_aws_service_access(ServicePrincipal=principal)
    first = org.list_aws_service_access_for_organization()
    assert len(first["EnabledServicePrincipals"]) == 20 and first["NextToken"]  # account.amazonaws.com is on page 2
    readiness = r.read_readiness(bare.aws_context())
    assert readiness.item(r.TRUSTED_ACCOUNT).state == State.ENABLED
    assert readiness.item(r.TRUSTED_IAM).state == State.DISABLED


def test_denied_reads_are_unknown_never_enabled(organization):
    from moto.core.authorization import enable_iam_authentication

    limited = caller(organization, deny("organizations:DescribeOrganization", "organizations:ListAWSServiceAccessForOrganization",
                                        "organizations:ListDelegatedAdministrators", "iam:ListOrganizationsFeatures"))
    with enable_iam_authentication():
        readiness = r.read_readiness(limited)
    assert readiness.role == Role.UNKNOWN and not readiness.ready
    for item in readiness.items:  # everything really is enabled; none of it could be read
        assert item.state == State.UNKNOWN, item
        assert item.reason == "denied" and item.evidence["action"].split(":")[0] in ("organizations", "iam")
    assert "organizations:ListAWSServiceAccessForOrganization" in readiness.item(r.TRUSTED_ACCOUNT).meaning
    assert r.plan_enable(readiness) == []


def test_one_denied_listing_one_proof(organization):
    """Trusted access cannot be listed, but IAM answering ListOrganizationsFeatures proves it on
    for IAM; for account.amazonaws.com nothing proves it: unknown."""
    from moto.core.authorization import enable_iam_authentication

    limited = caller(organization, deny("organizations:ListAWSServiceAccessForOrganization"))
    with enable_iam_authentication():
        readiness = r.read_readiness(limited)
    assert readiness.item(r.TRUSTED_IAM).state == State.ENABLED
    assert readiness.item(r.TRUSTED_IAM).evidence["source"] == "iam:ListOrganizationsFeatures"
    assert readiness.item(r.TRUSTED_ACCOUNT).state == State.UNKNOWN and readiness.item(r.TRUSTED_ACCOUNT).reason == "denied"
    assert [readiness.item(i).state for i in FEATURES] == [State.ENABLED, State.ENABLED]


def test_a_listing_whose_token_repeats_is_unknown(organization):
    """moto cannot repeat a page token: the Stubber answers the organizations calls here."""
    from botocore.stub import Stubber

    context = organization.aws_context()
    client = context.client("organizations")
    org = client.describe_organization()["Organization"]
    with Stubber(client) as stub:
        stub.add_response("describe_organization", {"Organization": org})
        page = {"EnabledServicePrincipals": [{"ServicePrincipal": "iam.amazonaws.com"}], "NextToken": "same"}
        stub.add_response("list_aws_service_access_for_organization", page)
        stub.add_response("list_aws_service_access_for_organization", page)
        stub.add_response("list_delegated_administrators", {"DelegatedAdministrators": []})
        readiness = r.read_readiness(context)
    account = readiness.item(r.TRUSTED_ACCOUNT)
    assert account.state == State.UNKNOWN and account.reason == "incomplete-listing"


def test_the_delegated_admin_sees_the_state_but_cannot_fix(bare):
    org = bare.aws_context().client("organizations")
    org.enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")
    org.register_delegated_administrator(AccountId=member_id(20), ServicePrincipal="iam.amazonaws.com")
    delegated = member_caller(20)
    readiness = r.read_readiness(delegated)
    assert readiness.role == Role.DELEGATED_ADMIN and readiness.item(r.CALLER).state == State.ENABLED
    assert readiness.item(r.TRUSTED_IAM).state == State.ENABLED
    assert readiness.item(r.TRUSTED_ACCOUNT).state == State.DISABLED and not readiness.item(r.TRUSTED_ACCOUNT).fixable
    assert "management account" in readiness.item(r.TRUSTED_ACCOUNT).meaning
    assert all(readiness.item(i).state == State.DISABLED and not readiness.item(i).fixable for i in FEATURES)
    assert readiness.item(r.DELEGATED_ADMIN).evidence["accounts"] == [member_id(20)]
    assert r.plan_enable(readiness) == []
    # AWS would refuse anyway: the Enable calls are the management account's
    from app.errors import AwsCallFailed

    with pytest.raises(AwsCallFailed) as refused:
        delegated.call("iam", "EnableOrganizationsRootSessions")
    assert refused.value.code == "CallerIsNotManagementAccountException"


def test_a_member_that_administers_nothing(organization):
    readiness = r.read_readiness(member_caller(21))
    assert readiness.role == Role.MEMBER
    assert readiness.item(r.CALLER).state == State.DISABLED and readiness.item(r.CALLER).reason == "not-organization-admin"
    assert all(readiness.item(i).state != State.ENABLED for i in FEATURES)  # IAM would not tell a member
    assert r.plan_enable(readiness) == []


# -- changing ---------------------------------------------------------------------------------------
def test_the_gap_filler_refuses_the_features_without_trusted_access(bare):
    from tests.org_support import error_of

    iam = bare.aws_context().client("iam")
    assert error_of(iam.enable_organizations_root_credentials_management)[0] == "ServiceAccessNotEnabledException"
    assert error_of(iam.enable_organizations_root_sessions)[0] == "ServiceAccessNotEnabledException"
    assert aws_state(bare) == ([], [])


def test_enable_from_scratch_then_again(bare):
    context = bare.aws_context()
    plan = r.plan_enable(r.read_readiness(context))
    results = r.apply(context, plan)
    assert [x.outcome for x in results] == [Outcome.DONE] * 4
    assert aws_state(bare) == (["account.amazonaws.com", "iam.amazonaws.com"], ["RootCredentialsManagement", "RootSessions"])
    assert r.read_readiness(context).ready
    log = [x.as_dict() for x in results]
    assert json.loads(json.dumps(log)) == log  # plain data for the record's change log
    assert set(log[0]) == {"item", "action", "target", "account", "time", "outcome", "error_code", "message"}
    # the same plan again (a stale plan): nothing is called twice, each says it was already on
    again = r.apply(context, plan)
    assert [x.outcome for x in again] == [Outcome.ALREADY_ENABLED] * 4
    assert r.plan_enable(r.read_readiness(context)) == []


def test_a_failure_midway_says_what_was_and_was_not_changed(bare):
    from moto.core.authorization import enable_iam_authentication

    limited = caller(bare, deny("iam:EnableOrganizationsRootCredentialsManagement"))
    with enable_iam_authentication():
        plan = r.plan_enable(r.read_readiness(limited))
        results = r.apply(limited, plan)
    assert [x.outcome for x in results] == [Outcome.DONE, Outcome.DONE, Outcome.FAILED, Outcome.NOT_ATTEMPTED]
    failed = results[2]
    assert failed.error_code == "AccessDenied" and "iam:EnableOrganizationsRootCredentialsManagement" in failed.message
    assert results[3].time is None and "earlier change failed" in results[3].message
    assert aws_state(bare) == (["account.amazonaws.com", "iam.amazonaws.com"], [])  # exactly the two that were done


def test_a_first_failure_changes_nothing(bare):
    from moto.core.authorization import enable_iam_authentication

    limited = caller(bare, deny("organizations:EnableAWSServiceAccess"))
    with enable_iam_authentication():
        results = r.apply(limited, r.plan_enable(r.read_readiness(limited)))
    assert [x.outcome for x in results] == [Outcome.FAILED] + [Outcome.NOT_ATTEMPTED] * 3
    assert results[0].outcome == Outcome.FAILED and "organizations:EnableAWSServiceAccess" in results[0].message
    assert aws_state(bare) == ([], [])


def test_apply_refuses_another_account(bare):
    plan = r.plan_enable(r.read_readiness(bare.aws_context()))
    results = r.apply(member_caller(22), plan)
    assert results[0].outcome == Outcome.FAILED and results[0].error_code == "WrongAccount"
    assert aws_state(bare) == ([], [])


# -- the command line -------------------------------------------------------------------------------
def run_cli(monkeypatch, capsys, context, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    from app.cli import org_enable
    from app.cli.main import main

    monkeypatch.setattr(org_enable, "_connect", lambda parsed: context)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(stdin) if stdin is not None else io.StringIO(""))
    code = main(["org", "enable", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_dry_run_changes_nothing(bare, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, bare.aws_context(), "--dry-run")
    assert code == 1 and "Dry run: nothing was changed." in out
    assert "1. Enable Trusted access for IAM" in out and "4. Enable IAM privileged root actions" in out
    assert aws_state(bare) == ([], [])


def test_cli_without_a_terminal_or_yes_changes_nothing(bare, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, bare.aws_context())
    assert code == 3 and "no terminal" in err and "--yes" in err and "nothing was changed" in err
    assert aws_state(bare) == ([], [])


def test_cli_on_a_terminal_asks_and_anything_but_yes_changes_nothing(bare, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, bare.aws_context(), stdin="y\n")
    assert code == 1 and "Type yes" in out and "Not confirmed" in out
    assert aws_state(bare) == ([], [])
    code, out, _ = run_cli(monkeypatch, capsys, bare.aws_context(), stdin="yes\n")
    assert code == 0 and out.count("DONE ") == 4
    assert aws_state(bare)[1] == ["RootCredentialsManagement", "RootSessions"]


def test_cli_yes_enables_and_prints_the_state_read_again(bare, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, bare.aws_context(), "--yes")
    assert code == 0, out
    after = out.split("read again")[1]
    assert "DISABLED" not in after and after.count("ENABLED ") == 6
    code, out, _ = run_cli(monkeypatch, capsys, bare.aws_context(), "--yes")  # nothing left to do
    assert code == 0 and "Nothing for Rootwarden to change." in out


def test_cli_a_failed_change_exits_1_and_says_what_was_made(bare, monkeypatch, capsys):
    from moto.core.authorization import enable_iam_authentication

    limited = caller(bare, deny("iam:EnableOrganizationsRootSessions"))
    with enable_iam_authentication():
        code, out, _ = run_cli(monkeypatch, capsys, limited, "--yes")
    assert code == 1
    assert "FAILED          iam:EnableOrganizationsRootSessions (RootSessions): AccessDenied" in out
    assert "Stopped: 3 change(s) made" in out and "1 not made (RootSessions)" in out


def test_cli_unknown_exits_2(organization, monkeypatch, capsys):
    from moto.core.authorization import enable_iam_authentication

    limited = caller(organization, deny("organizations:ListAWSServiceAccessForOrganization"))
    with enable_iam_authentication():
        code, out, _ = run_cli(monkeypatch, capsys, limited, "--dry-run")
    assert code == 2 and "UNKNOWN  Trusted access for Account Management" in out


def test_cli_hostile_names_never_reach_the_terminal_raw(organization, monkeypatch, capsys):
    org = organization.aws_context().client("organizations")
    org.register_delegated_administrator(AccountId=member_id(HOSTILE), ServicePrincipal="iam.amazonaws.com")
    code, out, err = run_cli(monkeypatch, capsys, organization.aws_context())
    assert code == 0
    assert not CONTROL.search(out) and not CONTROL.search(err)
    assert "<b>ALL PASSED</b>\\x1b[2J\\x07\\u202e evil" in out  # shown as its characters


def test_cli_demo_subprocess_without_a_terminal():
    """The real command on --demo (an organization with nothing enabled), stdin not a terminal."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run([sys.executable, "-m", "app.cli", "org", "enable", "--demo"], env=env, capture_output=True, text=True,
                            timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert "Changes to make (4)" in result.stdout and "nothing was changed" in result.stderr


def test_an_account_outside_any_organization(practice):
    readiness = r.read_readiness(practice.aws_context())
    assert readiness.role == Role.NO_ORGANIZATION and not readiness.ready
    assert {i.reason for i in readiness.items} == {"no-organization"} and r.plan_enable(readiness) == []
