"""The IAM policy organization mode needs (``rootwarden org policy``), for the management
account's (or delegated administrator's) IAM user or role. Pure data."""
from __future__ import annotations

from typing import Any

from app.org.member_audit import TASK_POLICY


def org_policy_document(partition: str = "aws") -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "RootwardenOrgInventory", "Effect": "Allow",
             "Action": ["organizations:DescribeOrganization", "organizations:ListAccounts", "iam:ListOrganizationsFeatures"],
             "Resource": "*"},
            {"Sid": "RootwardenMemberRootAudit", "Effect": "Allow", "Action": "sts:AssumeRoot", "Resource": "*",
             "Condition": {"StringEquals": {"sts:TaskPolicyArn": f"arn:{partition}:iam::aws:policy/root-task/{TASK_POLICY}"}}},
        ],
    }
