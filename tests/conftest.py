"""Shared fixtures. AWS is moto (in-process, or a server on 127.0.0.1 for the CLI), with the
project's one gap-filler (app.practice.moto_gaps) for what moto lacks."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No real credentials or config can leak into a test.
for _name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import pytest  # noqa: E402

from tests.support import Account  # noqa: E402


@pytest.fixture
def account():
    """A fresh simulated account: an IAM admin caller, root with a password and nothing else."""
    with Account.started() as acct:
        yield acct


@pytest.fixture
def practice():
    """The seeded practice account (SPEC §9)."""
    from app.practice.account import PracticeAccount

    p = PracticeAccount().start()
    yield p
    p.stop()
