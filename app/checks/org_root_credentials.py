"""org.root-credentials-management: the organization manages member root users centrally."""
from __future__ import annotations

from app.checks.base import Check, CheckRun
from app.errors import AwsCallFailed
from app.model import CheckInfo, Outcome, Reason, References, Severity, Status, Step

INFO = CheckInfo(
    id="org.root-credentials-management",
    step=Step.IDENTITY,
    title="Organization manages member root access centrally",
    severity=Severity.MEDIUM,
    rationale=(
        "In an AWS Organizations management account, centralized root access lets you remove "
        "root credentials from member accounts and perform the few root-only tasks through "
        "short, audited privileged sessions (sts:AssumeRoot) instead."
    ),
    console_steps=(
        "Sign in to the organization's management account.",
        "Open IAM → Root access management and choose Enable.",
        "Enable both Root credentials management and Privileged root actions in member accounts.",
    ),
    console_url="https://console.aws.amazon.com/iam/home#/root-access-management",
    references=References(
        cis=("CIS AWS Foundations v7 2.1.1",),
        docs=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management",),
    ),
    fixable=True,
    actions=("iam:ListOrganizationsFeatures",),
)

FEATURES = ("RootCredentialsManagement", "RootSessions")


def evaluate(run: CheckRun) -> Outcome:
    try:
        response = run.snapshot.call("iam", "ListOrganizationsFeatures")
    except AwsCallFailed as error:
        if error.code == "AccountNotManagementOrDelegatedAdministratorException":
            return Outcome(Status.NOT_APPLICABLE, "This is a member account: centralized root access is managed from the organization's management account.", {"error": error.code}, Reason.MEMBER_ACCOUNT)
        if error.code == "OrganizationNotFoundException":
            return Outcome(Status.NOT_APPLICABLE, "The account is not in an AWS Organization, so there are no member root users to manage.", {"error": error.code}, Reason.NO_ORGANIZATION)
        if error.code == "ServiceAccessNotEnabledException":
            return Outcome(Status.FAIL, "IAM trusted access is not enabled in AWS Organizations, so root access cannot be managed centrally.", {"error": error.code}, Reason.TRUSTED_ACCESS_DISABLED)
        if error.code == "OrganizationNotInAllFeaturesModeException":
            return Outcome(Status.FAIL, "The organization uses consolidated billing only; enable all features to manage root access centrally.", {"error": error.code}, Reason.CONSOLIDATED_BILLING_ONLY)
        raise
    enabled = list(response["EnabledFeatures"])
    evidence = {"organization_id": response.get("OrganizationId"), "enabled_features": enabled}
    missing = [f for f in FEATURES if f not in enabled]
    if not missing:
        return Outcome(Status.PASS, "Root credentials management and privileged root sessions are enabled for the organization.", evidence, Reason.COMPLIANT)
    return Outcome(Status.FAIL, f"Not enabled for the organization: {', '.join(missing)}.", evidence, Reason.FEATURES_DISABLED)


CHECK = Check(INFO, evaluate)
