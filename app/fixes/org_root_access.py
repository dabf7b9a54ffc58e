"""Turn on centralized root access in an Organizations management account."""
from __future__ import annotations

from app.aws.context import AwsContext
from app.fixes.base import Change, Fix

ACTIONS = (
    "organizations:EnableAWSServiceAccess",
    "iam:EnableOrganizationsRootCredentialsManagement",
    "iam:EnableOrganizationsRootSessions",
)


class EnableCentralRootAccess(Fix):
    name = "Enable centralized root access"

    def _steps(self, aws: AwsContext | None):
        return [
            (Change("update", "AWS Organizations: enable trusted access for IAM (iam.amazonaws.com)", "organizations:EnableAWSServiceAccess"),
             lambda: aws.call("organizations", "EnableAWSServiceAccess", ServicePrincipal="iam.amazonaws.com") and None),
            (Change("update", "IAM: enable root credentials management for member accounts", "iam:EnableOrganizationsRootCredentialsManagement"),
             lambda: aws.call("iam", "EnableOrganizationsRootCredentialsManagement") and None),
            (Change("update", "IAM: enable privileged root sessions (sts:AssumeRoot) for member accounts", "iam:EnableOrganizationsRootSessions"),
             lambda: aws.call("iam", "EnableOrganizationsRootSessions") and None),
        ]
