"""Delete the root user's access keys when the caller is root itself.

Root keys can be deleted only by root (or, for a member account, through sts:AssumeRoot from the
management account). Keys other than the one this session signs with are deactivated and
deleted now; the key in use is deleted last, at the very end of the session (``DeleteKeyInUse``),
and the record says its deletion is confirmed only by a later re-verification.
"""
from __future__ import annotations

from app.aws.context import AwsContext
from app.fixes.base import Change, Fix

ACTIONS = ("iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:DeleteAccessKey")


def _mask(key_id: str) -> str:
    return f"{key_id[:4]}…{key_id[-4:]}"


class DeleteOtherRootKeys(Fix):
    """Deactivate then delete every root key except the one in use (known from the session)."""

    name = "Delete root access keys"

    def __init__(self, key_ids: list[str], key_in_use: str | None) -> None:
        self.key_ids = [k for k in key_ids if k != key_in_use]
        self.key_in_use = key_in_use

    def _steps(self, aws: AwsContext | None):
        steps = []
        for key in self.key_ids:
            steps.append((Change("update", f"root access key {_mask(key)}: deactivate", "iam:UpdateAccessKey"),
                          lambda k=key: aws.call("iam", "UpdateAccessKey", AccessKeyId=k, Status="Inactive") and None))
            steps.append((Change("delete", f"root access key {_mask(key)}", "iam:DeleteAccessKey"),
                          lambda k=key: aws.call("iam", "DeleteAccessKey", AccessKeyId=k) and None))
        return steps


class DeleteKeyInUse(Fix):
    """The last call of a session signed with a root key: delete that key."""

    name = "Delete the root access key in use"

    def __init__(self, key_in_use: str) -> None:
        self.key_in_use = key_in_use

    def _steps(self, aws: AwsContext | None):
        return [(Change("delete", f"root access key {_mask(self.key_in_use)} (the one this session used; confirmed by a later re-verification)",
                        "iam:DeleteAccessKey"),
                 lambda: aws.call("iam", "DeleteAccessKey", AccessKeyId=self.key_in_use) and None)]


def root_key_deletion(key_ids: list[str], key_in_use: str | None) -> tuple[DeleteOtherRootKeys, DeleteKeyInUse | None]:
    """What to delete now, and the key in use to delete last (None when it is not a root key)."""
    later = DeleteKeyInUse(key_in_use) if key_in_use and key_in_use in key_ids else None
    return DeleteOtherRootKeys(key_ids, key_in_use), later
