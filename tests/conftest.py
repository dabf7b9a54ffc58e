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


@pytest.fixture
def organization():
    """The seeded practice organization (SPEC §12), as its management account's administrator."""
    from tests.org_support import started_organization

    practice = started_organization()
    yield practice
    practice.stop()


@pytest.fixture(scope="session")
def secret_service_env(tmp_path_factory):
    """Environment variables of a private, unlocked Secret Service (see tests/secret_service.py)."""
    from tests import secret_service

    env, pid = secret_service.start(tmp_path_factory.mktemp("secret-service"))
    yield env
    secret_service.stop(pid)


@pytest.fixture
def secret_service_keyring(secret_service_env, monkeypatch):
    """The real Secret Service keyring backend, in the private session."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service_env["DBUS_SESSION_BUS_ADDRESS"])
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    assert backend.priority > 0
    return backend


from tests.cli_support import endpoint, server  # noqa: E402,F401  (moto server fixtures, used by name)


def pytest_sessionfinish(session, exitstatus):
    session.config._rootwarden_exitstatus = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave without interpreter teardown once the results are final.

    PySide6 occasionally crashes while Python tears down its Qt objects at exit ("bool_dealloc:
    deallocating True or False", a reference-count bug in the bindings, seen about once in ten
    full runs here), which would turn a green run red after every test passed. The exit status
    is pytest's own, unchanged.
    """
    import os
    import sys

    status = getattr(config, "_rootwarden_exitstatus", None)
    if status is not None and "PySide6" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
