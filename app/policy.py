"""The least-privilege IAM policy Rootwarden needs, generated from what the code declares.

Checks declare their own calls (``CheckInfo.actions``), the snapshot its shared data, fixes
their changes; nothing here is typed twice, so the policy cannot drift from the code.
"""
from __future__ import annotations

from typing import Any


def check_actions() -> set[str]:
    from app import root_activity
    from app.aws.snapshot import SHARED_ACTIONS
    from app.checks import REGISTRY

    actions = set(SHARED_ACTIONS) | set(root_activity.ACTIONS)
    for check in REGISTRY:
        actions.update(check.info.actions)
    return actions


def fix_actions() -> set[str]:
    from app import mfa_enrollment
    from app.fixes import alerts, contacts, org_root_access, root_keys

    modules = (contacts, alerts, org_root_access, root_keys, mfa_enrollment)
    return {action for module in modules for action in module.ACTIONS}


def policy_document(fixes: bool = False) -> dict[str, Any]:
    statements = [{"Sid": "RootwardenChecks", "Effect": "Allow", "Action": sorted(check_actions()), "Resource": "*"}]
    if fixes:
        statements.append({"Sid": "RootwardenFixes", "Effect": "Allow", "Action": sorted(fix_actions() - check_actions()), "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}
