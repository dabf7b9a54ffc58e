"""`rootwarden profile …` and `verify --profile` through subprocesses, on the real Secret Service
(private test session) and a moto server on 127.0.0.1. A sentinel secret must never surface."""
from __future__ import annotations

import json

import pytest

from tests.cli_support import admin_keys, run_cli

pytestmark = pytest.mark.server


@pytest.fixture
def keyring_env(secret_service_keyring, secret_service_env, tmp_path):
    """A clean slate in the shared test keyring, cleaned again after the test whatever its outcome."""
    from app.profiles import ProfileStore

    store = ProfileStore(secret_service_keyring)

    def clean() -> None:
        for name in store.names():
            store.remove(name)

    clean()
    home = tmp_path / "home"
    home.mkdir()
    yield {**secret_service_env, "HOME": str(home), "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    clean()


def test_add_list_show_remove_and_verify(endpoint, keyring_env, tmp_path):
    key_id, secret = admin_keys(endpoint)
    env = keyring_env
    added = run_cli(endpoint, None, "add", "prod-account", "--account-id", "123456789012", "--access-key-id", key_id,
                    command="profile", stdin=secret + "\n", extra_env=env)
    assert added.returncode == 0, added.stderr
    assert "Saved profile prod-account" in added.stdout
    listed = run_cli(endpoint, None, "list", command="profile", extra_env=env)
    assert "prod-account" in listed.stdout and "123456789012" in listed.stdout
    shown = run_cli(endpoint, None, "show", "prod-account", command="profile", extra_env=env)
    assert "never shown" in shown.stdout
    verified = run_cli(endpoint, None, "--profile", "prod-account", "--format", "json", extra_env=env)
    assert verified.returncode == 1, verified.stderr
    assert json.loads(verified.stdout)["caller_arn"].endswith(":user/admin")
    outputs = [r.stdout + r.stderr for r in (added, listed, shown, verified)]
    files = [p.read_bytes() for p in (tmp_path / "home").rglob("*") if p.is_file()]
    assert all(secret not in text for text in outputs) and all(secret.encode() not in blob for blob in files)
    removed = run_cli(endpoint, None, "remove", "prod-account", command="profile", extra_env=env)
    assert removed.returncode == 0
    assert "No saved profiles" in run_cli(endpoint, None, "list", command="profile", extra_env=env).stdout


def test_pinned_account_mismatch_stops_with_both_ids(endpoint, keyring_env):
    key_id, secret = admin_keys(endpoint)
    run_cli(endpoint, None, "add", "wrong", "--account-id", "111122223333", "--access-key-id", key_id,
            command="profile", stdin=secret, extra_env=keyring_env)
    result = run_cli(endpoint, None, "--profile", "wrong", extra_env=keyring_env)
    assert result.returncode == 3
    assert "111122223333" in result.stderr and "123456789012" in result.stderr


def test_invalid_input_is_refused_before_storing(endpoint, keyring_env):
    for args, stdin, words in (
        (["bad name", "--account-id", "123456789012", "--aws-profile", "p"], None, "Name"),
        (["ok", "--account-id", "12", "--aws-profile", "p"], None, "Account ID"),
        (["ok", "--account-id", "123456789012", "--access-key-id", "AKIA1"], "x" * 40, "Access key ID"),
        (["ok", "--account-id", "123456789012", "--access-key-id", "AKIAIOSFODNN7EXAMPLE"], "short", "Secret access key"),
        (["ok", "--account-id", "123456789012", "--aws-profile", "p", "--region", "nowhere-1"], None, "Region"),
    ):
        result = run_cli(endpoint, None, "add", *args, command="profile", stdin=stdin, extra_env=keyring_env)
        assert result.returncode == 3 and words in result.stderr and "Traceback" not in result.stderr
    assert "No saved profiles" in run_cli(endpoint, None, "list", command="profile", extra_env=keyring_env).stdout


def test_no_keyring_is_explained_and_nothing_written(endpoint, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "DBUS_SESSION_BUS_ADDRESS": ""}
    result = run_cli(endpoint, None, "add", "p", "--account-id", "123456789012", "--access-key-id", "AKIAIOSFODNN7EXAMPLE",
                     command="profile", stdin="SENTINEL" + "s" * 32, extra_env=env)
    assert result.returncode == 3 and "No usable OS keyring" in result.stderr
    assert "SENTINEL" not in result.stdout + result.stderr
    assert [p for p in home.rglob("*") if p.is_file()] == []


def test_add_refuses_an_existing_name_unless_replace(endpoint, keyring_env):
    key_id, secret = admin_keys(endpoint)
    first = run_cli(endpoint, None, "add", "prod", "--account-id", "123456789012", "--access-key-id", key_id,
                    command="profile", stdin=secret, extra_env=keyring_env)
    assert first.returncode == 0, first.stderr
    again = run_cli(endpoint, None, "add", "prod", "--account-id", "111122223333", "--aws-profile", "other",
                    command="profile", extra_env=keyring_env)
    assert again.returncode == 3 and "--replace" in again.stderr
    assert "123456789012" in run_cli(endpoint, None, "show", "prod", command="profile", extra_env=keyring_env).stdout
    replaced = run_cli(endpoint, None, "add", "prod", "--account-id", "111122223333", "--aws-profile", "other", "--replace",
                       command="profile", extra_env=keyring_env)
    assert replaced.returncode == 0 and "111122223333" in replaced.stdout


@pytest.mark.parametrize("argv", [("verify", "--bogus"), ("profile", "bogus"), ("schedule", "add", "--every", "30d")])
def test_usage_errors_exit_3_never_2(endpoint, argv):
    result = run_cli(endpoint, None, *argv[1:], command=argv[0])
    assert result.returncode == 3 and "usage:" in result.stderr
