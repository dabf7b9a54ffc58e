"""Steps 4 and 5: central identity, organization root management, alternate contacts."""
from __future__ import annotations

import pytest

from app.checks import BY_ID
from app.model import Status
from app.runner import run_checks


def test_no_central_identity_fails_and_lists_console_users(account):
    iam = account.client("iam")
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password="Passw0rd!Passw0rd!")
    finding = account.check("identity.central")
    assert finding.status is Status.FAIL
    assert finding.evidence["iam_users_with_console_password"] == ["alice", "bob"]


def test_identity_center_instance_passes(account):
    account.extras.identity_center = True
    finding = account.check("identity.central")
    assert finding.status is Status.PASS
    assert finding.evidence["identity_center_instances"]


def test_identity_center_roles_without_an_instance_pass(account):
    account.client("iam").create_role(RoleName="AWSReservedSSO_Admin_abc", Path="/aws-reserved/sso.amazonaws.com/",
                                      AssumeRolePolicyDocument="{}")
    finding = account.check("identity.central")
    assert finding.status is Status.PASS
    assert finding.evidence["identity_center_roles"] == ["AWSReservedSSO_Admin_abc"]
    assert finding.evidence["identity_center_instances"] == []


def test_saml_only_passes_but_warns_about_console_users(account):
    iam = account.client("iam")
    iam.create_saml_provider(Name="corp-idp", SAMLMetadataDocument="<md>" + "x" * 1000 + "</md>")
    assert account.check("identity.central").status is Status.PASS
    iam.create_user(UserName="legacy")
    iam.create_login_profile(UserName="legacy", Password="Passw0rd!Passw0rd!")
    finding = account.check("identity.central")
    assert finding.status is Status.WARN
    assert "legacy" in finding.summary


@pytest.mark.parametrize("url", ["https://token.actions.githubusercontent.com",
                                 "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"])
def test_workload_oidc_providers_are_evidence_not_central_identity(account, url):
    """GitHub Actions and EKS OIDC providers serve workloads, not people: no pass from them."""
    arn = account.client("iam").create_open_id_connect_provider(Url=url, ThumbprintList=["a" * 40], ClientIDList=["sts.amazonaws.com"])["OpenIDConnectProviderArn"]
    finding = account.check("identity.central")
    assert finding.status is Status.FAIL and finding.reason == "no-central-identity"
    assert finding.evidence["oidc_providers"] == [arn]
    assert "serve workloads" in finding.summary


def test_identity_unknown_when_every_source_is_denied(account):
    denied = ("sso:ListInstances", "iam:ListRoles", "iam:ListSAMLProviders", "iam:ListOpenIDConnectProviders")
    finding = account.check("identity.central", deny=denied)
    assert finding.status is Status.UNKNOWN and finding.reason == "denied"
    assert all(action in finding.summary for action in denied[:3])


def test_identity_pass_survives_one_denied_source(account):
    account.extras.identity_center = True
    assert account.check("identity.central", deny=("iam:ListSAMLProviders",)).status is Status.PASS


# -- org.root-credentials-management ---------------------------------------------------------
def test_no_organization_is_not_applicable(account):
    finding = account.check("org.root-credentials-management")
    assert finding.status is Status.NOT_APPLICABLE
    assert "not in an AWS Organization" in finding.summary


def _organization(account, trusted: bool = True) -> None:
    org = account.client("organizations")
    org.create_organization(FeatureSet="ALL")
    if trusted:
        org.enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")


def test_management_account_without_trusted_access_fails(account):
    _organization(account, trusted=False)
    finding = account.check("org.root-credentials-management")
    assert finding.status is Status.FAIL and "trusted access" in finding.summary


def test_management_account_features(account):
    _organization(account)
    assert account.check("org.root-credentials-management").status is Status.FAIL
    account.extras.org_features.update({"RootCredentialsManagement"})
    finding = account.check("org.root-credentials-management")
    assert finding.status is Status.FAIL and "RootSessions" in finding.summary
    account.extras.org_features.add("RootSessions")
    assert account.check("org.root-credentials-management").status is Status.PASS


def test_member_account_is_not_applicable(account, monkeypatch):
    import boto3

    from app.aws.context import AwsContext

    _organization(account)
    orgs = account.client("organizations")
    request = orgs.create_account(Email="m@example.com", AccountName="member")["CreateAccountStatus"]["Id"]
    member_id = orgs.describe_create_account_status(CreateAccountRequestId=request)["CreateAccountStatus"]["AccountId"]
    # A caller in the member account (moto takes the caller's account from MOTO_ACCOUNT_ID).
    monkeypatch.setenv("MOTO_ACCOUNT_ID", member_id)
    session = boto3.Session(aws_access_key_id="AKIASEEDSEEDSEEDSEED", aws_secret_access_key="s" * 40, region_name="us-east-1")
    (finding,) = run_checks(AwsContext(session), [BY_ID["org.root-credentials-management"]], sleep=lambda s: None)
    assert finding.status is Status.NOT_APPLICABLE
    assert "member account" in finding.summary


def test_org_check_unknown_when_denied(account):
    finding = account.check("org.root-credentials-management", deny=("iam:ListOrganizationsFeatures",))
    assert finding.status is Status.UNKNOWN and "iam:ListOrganizationsFeatures" in finding.summary


# -- contacts --------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["security", "billing", "operations"])
def test_contact_missing_fails_then_set_passes(account, kind):
    assert account.check(f"contacts.{kind}").status is Status.FAIL
    account.client("account").put_alternate_contact(AlternateContactType=kind.upper(), Name="Sec Team", Title="Team",
                                                     EmailAddress="team@example.com", PhoneNumber="+1 206 555 0100")
    finding = account.check(f"contacts.{kind}")
    assert finding.status is Status.PASS
    assert finding.evidence["EmailAddress"] == "team@example.com"


def test_contact_denied_is_unknown(account):
    finding = account.check("contacts.security", deny=("account:GetAlternateContact",))
    assert finding.status is Status.UNKNOWN and "account:GetAlternateContact" in finding.summary


def test_rootwardens_break_glass_user_is_listed_separately_not_as_one_to_move(account):
    """SPEC §4 Step 4: the break-glass user Rootwarden created (and tagged) is not a user to migrate."""
    from app import mfa_enrollment
    from app.fixes.base import AuditLog

    account.extras.identity_center = True
    iam = account.client("iam")
    iam.create_user(UserName="legacy")
    iam.create_login_profile(UserName="legacy", Password="Passw0rd!Passw0rd!")
    mfa_enrollment.create_break_glass_user(account.context(), "break-glass-admin", AuditLog(), console_password=True)
    finding = account.check("identity.central")
    assert finding.status is Status.WARN
    assert finding.evidence["iam_users_with_console_password"] == ["legacy"]
    assert finding.evidence["break_glass_users"] == ["break-glass-admin"]
    assert "1 IAM user still sign in with IAM passwords: legacy." in finding.summary
    assert "Break-glass user break-glass-admin (tagged by Rootwarden)" in finding.summary
    iam.delete_login_profile(UserName="legacy")
    only = account.check("identity.central")
    assert only.status is Status.PASS and "break-glass-admin" in only.summary
