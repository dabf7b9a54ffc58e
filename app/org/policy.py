"""The IAM policy organization mode needs (``rootwarden org policy``), for the management
account's (or delegated administrator's) IAM user or role. Pure data.

The audit statements are all ``org verify`` needs; the change statements (``org enable``,
``org delete-root-credentials``, ``org contacts put``) are left out with ``read_only``.
Each ``sts:AssumeRoot`` statement is limited to one AWS managed root-task policy."""
from __future__ import annotations

from typing import Any

from app.org.delete import TASK_POLICY as DELETE_TASK_POLICY
from app.org.member_audit import TASK_POLICY as AUDIT_TASK_POLICY


def _assume_root(sid: str, partition: str, task_policy: str) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": "sts:AssumeRoot", "Resource": "*",
            "Condition": {"StringEquals": {"sts:TaskPolicyArn": f"arn:{partition}:iam::aws:policy/root-task/{task_policy}"}}}


def org_policy_document(partition: str = "aws", read_only: bool = False) -> dict[str, Any]:
    statements: list[dict[str, Any]] = [
        {"Sid": "RootwardenOrgInventory", "Effect": "Allow",
         "Action": ["organizations:DescribeOrganization", "organizations:ListAccounts", "organizations:ListRoots",
                    "organizations:ListOrganizationalUnitsForParent", "organizations:ListAccountsForParent",
                    "organizations:ListAWSServiceAccessForOrganization", "organizations:ListDelegatedAdministrators",
                    "iam:ListOrganizationsFeatures", "account:GetAlternateContact"],
         "Resource": "*"},
        _assume_root("RootwardenMemberRootAudit", partition, AUDIT_TASK_POLICY),
    ]
    if not read_only:
        statements += [
            {"Sid": "RootwardenOrgEnable", "Effect": "Allow",
             "Action": ["organizations:EnableAWSServiceAccess", "iam:EnableOrganizationsRootCredentialsManagement",
                        "iam:EnableOrganizationsRootSessions"],
             "Resource": "*"},
            _assume_root("RootwardenMemberRootCredentialDeletion", partition, DELETE_TASK_POLICY),
            {"Sid": "RootwardenMemberContacts", "Effect": "Allow", "Action": ["account:PutAlternateContact"], "Resource": "*"},
        ]
    return {"Version": "2012-10-17", "Statement": statements}
