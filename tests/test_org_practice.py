"""The practice organization's gap-filler (app.practice.moto_org): AssumeRoot as AWS serves it,
the task policy and SCPs enforced in root sessions, member root reads, paged ListAccounts."""
from __future__ import annotations

import pytest

from app.practice import moto_gaps
from app.practice.organization import (ACTIVE_ROOT_KEY, INACTIVE_ROOT_KEY, PASSWORD_AND_MFA, SCP_DENIES_ROOT, SCP_WITH_EXEMPTION,
                                       SIGNING_CERTIFICATES, member_id)
from tests.org_support import AUDIT, DELETE, error_of, root_session


def test_assume_root_is_refused_on_the_global_endpoint(organization):
    sts = organization.aws_context().session.client("sts", endpoint_url="https://sts.amazonaws.com")
    code, _ = error_of(sts.assume_root, TargetPrincipal=member_id(20), TaskPolicyArn={"arn": AUDIT})
    assert code == "InvalidAction"


def test_assume_root_limits(organization):
    sts = organization.aws_context().client("sts")
    assert error_of(sts.assume_root, TargetPrincipal=member_id(20), TaskPolicyArn={"arn": AUDIT}, DurationSeconds=901)[0] == "ValidationError"
    bad_policy = "arn:aws:iam::aws:policy/AdministratorAccess"
    assert error_of(sts.assume_root, TargetPrincipal=member_id(20), TaskPolicyArn={"arn": bad_policy})[0] == "ValidationError"
    code, message = error_of(sts.assume_root, TargetPrincipal="999999999999", TaskPolicyArn={"arn": AUDIT})
    assert code == "AccessDenied" and "not a member" in message


def test_root_session_acts_as_the_members_root(organization):
    session = root_session(organization, ACTIVE_ROOT_KEY[0])
    assert session.client("sts").get_caller_identity()["Arn"] == f"arn:aws:iam::{member_id(ACTIVE_ROOT_KEY[0])}:root"
    iam = session.client("iam")
    summary = iam.get_account_summary()["SummaryMap"]
    assert (summary["AccountAccessKeysPresent"], summary["AccountPasswordPresent"], summary["AccountMFAEnabled"]) == (1, 0, 0)
    assert [k["Status"] for k in iam.list_access_keys()["AccessKeyMetadata"]] == ["Active"]
    assert error_of(iam.get_login_profile)[0] == "NoSuchEntity"


def test_password_mfa_and_certificates_are_visible_in_their_sessions(organization):
    iam = root_session(organization, PASSWORD_AND_MFA[0]).client("iam")
    assert iam.get_login_profile()["LoginProfile"]
    assert iam.list_mfa_devices()["MFADevices"][0]["SerialNumber"].endswith(":mfa/root-account-mfa-device")
    assert "PasswordLastUsed" in iam.get_user()["User"]
    certificates = root_session(organization, SIGNING_CERTIFICATES[0]).client("iam").list_signing_certificates()["Certificates"]
    assert len(certificates) == 1


def test_the_audit_policy_denies_what_it_does_not_allow_naming_the_action(organization):
    iam = root_session(organization, ACTIVE_ROOT_KEY[0]).client("iam")
    key = iam.list_access_keys()["AccessKeyMetadata"][0]["AccessKeyId"]
    for call, params, action in ((iam.delete_access_key, {"AccessKeyId": key}, "iam:DeleteAccessKey"),
                                 (iam.list_users, {}, "iam:ListUsers"),
                                 (iam.create_login_profile, {"Password": "x" * 20}, "iam:CreateLoginProfile")):
        code, message = error_of(call, **params)
        assert code == "AccessDenied" and action in message
    assert moto_gaps.extras(member_id(ACTIVE_ROOT_KEY[0])).root.access_keys, "a denied delete changes nothing"


def test_the_delete_policy_allows_no_deactivation_and_no_virtual_mfa_deletion(organization):
    iam = root_session(organization, INACTIVE_ROOT_KEY, DELETE).client("iam")
    key = iam.list_access_keys()["AccessKeyMetadata"][0]["AccessKeyId"]
    code, message = error_of(iam.update_access_key, AccessKeyId=key, Status="Inactive")
    assert code == "AccessDenied" and "iam:UpdateAccessKey" in message
    code, message = error_of(iam.delete_virtual_mfa_device, SerialNumber=f"arn:aws:iam::{member_id(1)}:mfa/root-account-mfa-device")
    assert code == "AccessDenied" and "iam:DeleteVirtualMFADevice" in message
    assert error_of(iam.get_account_summary)[0] == "AccessDenied"  # not in the delete policy either
    iam.delete_access_key(AccessKeyId=key)
    assert moto_gaps.extras(member_id(INACTIVE_ROOT_KEY)).root.access_keys == []


def test_an_scp_denying_root_blocks_the_session_and_names_the_policy(organization):
    code, message = error_of(root_session(organization, SCP_DENIES_ROOT).client("iam").get_account_summary)
    assert code == "AccessDenied"
    assert "explicit deny in a service control policy: arn:aws:organizations::" in message and "iam:GetAccountSummary" in message


def test_an_scp_with_the_assumed_root_exemption_lets_the_session_through(organization):
    summary = root_session(organization, SCP_WITH_EXEMPTION).client("iam").get_account_summary()["SummaryMap"]
    assert summary["AccountPasswordPresent"] == 0


def test_list_accounts_pages_of_twenty_with_an_empty_page(organization):
    org = organization.aws_context().client("organizations")
    sizes, token = [], None
    while True:
        page = org.list_accounts(MaxResults=20, **({"NextToken": token} if token else {}))
        sizes.append(len(page["Accounts"]))
        token = page.get("NextToken")
        if not token:
            break
    assert sizes == [20, 0, 20, 11]  # 50 members and the management account
    assert error_of(org.list_accounts, MaxResults=21)[0] == "InvalidInputException"
    states = {a["Id"]: (a["State"], a["JoinedMethod"]) for a in org.list_accounts(MaxResults=20)["Accounts"]}
    assert states[member_id(12)] == ("SUSPENDED", "CREATED") and states[member_id(14)] == ("ACTIVE", "INVITED")


@pytest.mark.parametrize("n", [1, 7, 9, 10, 20])
def test_hand_written_answers_fit_botocore(organization, n):
    """Every hand-written read in a root session goes through moto_gaps.validated (it raises otherwise)."""
    iam = root_session(organization, n).client("iam")
    iam.get_user()
    iam.list_mfa_devices()
    iam.list_signing_certificates()
    for key in iam.list_access_keys()["AccessKeyMetadata"]:
        iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
