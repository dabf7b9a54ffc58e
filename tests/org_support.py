"""Helpers for the organization-mode tests: the practice organization and root sessions in it."""
from __future__ import annotations

import boto3
import pytest

from app.practice.organization import PracticeOrganization, member_id

AUDIT = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
DELETE = "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"


def started_organization() -> PracticeOrganization:
    """The seeded practice organization (SPEC §12); the caller stops it (conftest's fixture)."""
    return PracticeOrganization().start()


def root_session(practice: PracticeOrganization, n: int, policy: str = AUDIT):
    """A boto3 session acting as member ``n``'s root user through AssumeRoot."""
    sts = practice.aws_context().client("sts")
    credentials = sts.assume_root(TargetPrincipal=member_id(n), TaskPolicyArn={"arn": policy}, DurationSeconds=900)["Credentials"]
    return boto3.Session(aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"], region_name="us-east-1")


def error_of(call, **params) -> tuple[str, str]:
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def issued_credentials(monkeypatch) -> list[dict]:
    """Every credential set AssumeRoot hands out from now on (the simulated AWS side keeps them),
    for sentinel tests: their secrets must appear nowhere Rootwarden writes."""
    from moto.sts.responses import TokenResponse

    issued: list[dict] = []
    original = TokenResponse.assume_root

    def spy(this):
        answer = original(this)
        issued.append(answer.result["Credentials"])
        return answer

    monkeypatch.setattr(TokenResponse, "assume_root", spy)
    return issued
