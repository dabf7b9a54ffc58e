"""The profile store: contract of the test backend, store behaviour on the in-memory and the real
Secret Service keyrings, every refusal, and corrupt entries."""
from __future__ import annotations

import json

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import InitError, KeyringLocked
from keyring.testing.backend import BackendBasicTests

from app.errors import InvalidInput
from app.keyring_access import SERVICE, KeyringUnavailable
from app.profiles import Profile, ProfileProblem, ProfileStore
from tests.memory_keyring import MemoryKeyring

SECRET = "SENTINELsecret/" + "x" * 25  # 40 characters
KEYED = Profile("prod-account", "123456789012", "eu-west-1", access_key_id="AKIAIOSFODNN7EXAMPLE", notes="main account")
SHARED = Profile("sso-prod", "123456789012", "us-east-1", aws_profile="prod-admin")


class TestMemoryKeyringContract(BackendBasicTests):
    def init_keyring(self):
        return MemoryKeyring()


@pytest.fixture(params=["memory", "secret-service"])
def store(request):
    if request.param == "memory":
        backend = MemoryKeyring()
    else:
        backend = request.getfixturevalue("secret_service_keyring")
        for name in ProfileStore(backend).names():  # a clean slate in the shared test keyring
            ProfileStore(backend).remove(name)
    yield ProfileStore(backend)
    if request.param != "memory":  # and nothing left behind, whether the test passed or not
        for name in ProfileStore(backend).names():
            ProfileStore(backend).remove(name)


def test_add_get_list_remove(store):
    store.add(KEYED, SECRET)
    store.add(SHARED)
    assert store.names() == ["prod-account", "sso-prod"]
    assert store.get("prod-account") == KEYED and store.secret("prod-account") == (SECRET, None)
    assert store.get("sso-prod").source == "AWS profile prod-admin"
    assert [e.profile for e in store.list()] == [KEYED, SHARED]
    store.remove("prod-account")
    assert store.names() == ["sso-prod"]
    with pytest.raises(ProfileProblem):
        store.secret("prod-account")


def test_entries_are_small_and_the_secret_is_apart(store):
    store.add(KEYED.__class__(**{**KEYED.__dict__, "notes": "n" * 500}), SECRET)
    fields = store.backend.get_password(SERVICE, "profiles/prod-account")
    assert len(fields) < 1000 and SECRET not in fields
    assert SECRET not in store.backend.get_password(SERVICE, "profiles/index")


def test_temporary_keys_need_and_keep_a_session_token(store):
    temp = Profile("temp", "123456789012", "us-east-1", access_key_id="ASIAIOSFODNN7EXAMPLE")
    with pytest.raises(InvalidInput, match="Session token"):
        store.add(temp, SECRET)
    store.add(temp, SECRET, "token-value")
    assert store.secret("temp") == (SECRET, "token-value")


@pytest.mark.parametrize("profile, secret, field", [
    (Profile("bad name", "123456789012", "us-east-1", aws_profile="p"), None, "Name"),
    (Profile("x" * 65, "123456789012", "us-east-1", aws_profile="p"), None, "Name"),
    (Profile("ok", "12345", "us-east-1", aws_profile="p"), None, "Account ID"),
    (Profile("ok", "123456789012", "mars-north-1", aws_profile="p"), None, "Region"),
    (Profile("ok", "123456789012", "us-east-1", access_key_id="AKIA123"), SECRET, "Access key ID"),
    (Profile("ok", "123456789012", "us-east-1", access_key_id="AKIAIOSFODNN7EXAMPLE"), "short", "Secret access key"),
    (Profile("ok", "123456789012", "us-east-1"), None, "Credentials"),
    (Profile("ok", "123456789012", "us-east-1", aws_profile="p", notes="n" * 501), None, "Notes"),
    # a trailing newline slipped past `$` (re.match): names and keys are whole-string matches
    (Profile("prod\n", "123456789012", "us-east-1", aws_profile="p"), None, "Name"),
    (Profile("ok", "123456789012", "us-east-1", access_key_id="AKIAIOSFODNN7EXAMPLE\n"), SECRET, "Access key ID"),
    (Profile("ok", "123456789012", "us-east-1", access_key_id="AKIAIOSFODNN7EXAMPLE"), SECRET + "\n", "Secret access key"),
])
def test_validation_before_storing(profile, secret, field):
    backend = MemoryKeyring()
    with pytest.raises(InvalidInput) as error:
        ProfileStore(backend).add(profile, secret)
    assert error.value.field == field and backend.entries == {}


def test_a_corrupt_entry_spoils_only_its_profile(store):
    store.add(KEYED, SECRET)
    store.add(SHARED)
    store.backend.set_password(SERVICE, "profiles/sso-prod", "{not json")
    listed = {e.name: e for e in store.list()}
    assert listed["prod-account"].profile == KEYED
    assert listed["sso-prod"].profile is None and "damaged" in listed["sso-prod"].problem


def test_a_half_written_keyed_profile_is_unusable_not_fatal(store):
    store.add(KEYED, SECRET)
    store.backend.delete_password(SERVICE, "profiles/prod-account/secret")
    (entry,) = store.list()
    assert entry.profile is None and "incomplete" in entry.problem


def test_damaged_index_is_explained(store):
    store.backend.set_password(SERVICE, "profiles/index", json.dumps({"not": "a list"}))
    with pytest.raises(ProfileProblem, match="damaged"):
        store.names()
    store.backend.delete_password(SERVICE, "profiles/index")


# -- refusals -------------------------------------------------------------------------------
def test_fail_and_null_backends_are_refused():
    from keyring.backends import fail, null

    for backend in (fail.Keyring(), null.Keyring()):
        with pytest.raises(KeyringUnavailable, match="No usable OS keyring") as error:
            ProfileStore(backend)
        assert "gnome-keyring" in str(error.value) or "Keychain" in str(error.value) or "Credential Manager" in str(error.value)


class PlaintextKeyring(MemoryKeyring):
    """Stands for keyrings.alt's plain-text file backend."""


def test_plaintext_backends_need_an_explicit_opt_in(monkeypatch):
    monkeypatch.delenv("ROOTWARDEN_ALLOW_INSECURE_KEYRING", raising=False)
    with pytest.raises(KeyringUnavailable, match="stores secrets in a file"):
        ProfileStore(PlaintextKeyring())
    opted_in = PlaintextKeyring()
    assert ProfileStore(opted_in, allow_insecure=True).backend is opted_in  # opened, on that backend
    monkeypatch.setenv("ROOTWARDEN_ALLOW_INSECURE_KEYRING", "1")
    by_environment = PlaintextKeyring()
    assert ProfileStore(by_environment).backend is by_environment


def _chainer(*children):
    from keyring.backends.chainer import ChainerBackend

    class Chain(ChainerBackend):
        backends = list(children)  # what keyring's discovery would have found

    return Chain()


def test_a_chainer_never_writes_to_its_plaintext_child(monkeypatch):
    """PYTHON_KEYRING_BACKEND=…ChainerBackend with keyrings.alt installed: the policy looks at
    the children, and secrets go only to the secure one."""
    monkeypatch.delenv("ROOTWARDEN_ALLOW_INSECURE_KEYRING", raising=False)
    plain, secure = PlaintextKeyring(), MemoryKeyring()
    store = ProfileStore(_chainer(plain, secure))
    store.add(KEYED, SECRET)
    assert plain.entries == {} and any(SECRET in v for v in secure.entries.values())
    with pytest.raises(KeyringUnavailable, match="stores secrets in a file"):
        ProfileStore(_chainer(PlaintextKeyring()))
    from app.record.signing_key import SigningKey

    SigningKey(_chainer(plain, secure)).private_key()
    assert plain.entries == {}


def test_a_forced_secret_service_without_dbus_is_a_clear_refusal(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path as _Path

    root = _Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env.update(PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring", HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "d"))
    result = subprocess.run([sys.executable, "-m", "app.cli", "profile", "list"], env=env, cwd=root, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 3
    assert "keyring could not start" in result.stderr and "unexpected" not in result.stderr


class Raising(KeyringBackend):
    priority = 1

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service, username):
        raise self.error

    def set_password(self, service, username, password):
        raise self.error

    def delete_password(self, service, username):
        raise self.error


@pytest.mark.parametrize("error, words", [(KeyringLocked("locked"), "locked"), (InitError("no dbus"), "could not start")])
def test_locked_or_broken_keyring_is_explained(error, words):
    store = ProfileStore(Raising(error))
    with pytest.raises(KeyringUnavailable, match=words):
        store.add(SHARED)
    with pytest.raises(KeyringUnavailable):
        store.list()


def test_the_index_stays_within_one_windows_sized_entry():
    store = ProfileStore(MemoryKeyring())
    added = 0
    with pytest.raises(InvalidInput, match="list of profiles is full"):
        for i in range(100):
            store.add(Profile(f"profile-with-a-long-descriptive-name-{i:03d}", "123456789012", "us-east-1", aws_profile="p"))
            added += 1
    assert len(store.names()) == added and added > 15
    assert len(store.backend.get_password(SERVICE, "profiles/index")) <= 1200
    assert not any(key.startswith(f"profiles/profile-with-a-long-descriptive-name-{added:03d}") for _, key in store.backend.entries)


def test_a_long_session_token_is_split_and_no_entry_exceeds_the_windows_cap(store):
    token = "IQoJb3JpZ2luX2VjE" + "T" * 2900  # STS tokens can run to thousands of characters
    temporary = Profile("temp", "123456789012", "eu-west-1", access_key_id="ASIAIOSFODNN7EXAMPLE")
    store.add(temporary, SECRET, token)
    assert store.secret("temp") == (SECRET, token)
    if isinstance(store.backend, MemoryKeyring):
        assert max(len(v) for v in store.backend.entries.values()) <= 1200
    store.add(Profile("temp", "123456789012", "eu-west-1", access_key_id="ASIAIOSFODNN7EXAMPLE"), SECRET, "short-token")
    assert store.secret("temp") == (SECRET, "short-token")  # no stale part of the long token remains
    store.remove("temp")
    if isinstance(store.backend, MemoryKeyring):
        assert not any("temp" in key for _, key in store.backend.entries)


def test_an_overlong_aws_profile_name_is_refused_before_storing():
    backend = MemoryKeyring()
    with pytest.raises(InvalidInput, match="AWS profile"):
        ProfileStore(backend).add(Profile("p", "123456789012", "us-east-1", aws_profile="x" * 2000))
    assert backend.entries == {}


@pytest.mark.parametrize("fields", ['{"name": {"a": 1}, "account_id": "123456789012", "region": "us-east-1", "aws_profile": "p"}',
                                    '[1, 2]', 'null', '{"name": "bad", "account_id": 123456789012, "region": "us-east-1"}'])
def test_a_corrupt_profile_entry_spoils_only_itself(fields):
    backend = MemoryKeyring()
    store = ProfileStore(backend)
    store.add(SHARED)
    store.add(Profile("bad", "123456789012", "us-east-1", aws_profile="p"))
    backend.entries[("rootwarden", "profiles/bad")] = fields
    listed = {entry.name: entry for entry in store.list()}
    assert listed["sso-prod"].profile == SHARED
    assert listed["bad"].profile is None and "damaged" in listed["bad"].problem


def test_add_with_a_damaged_index_writes_nothing():
    backend = MemoryKeyring()
    backend.entries[("rootwarden", "profiles/index")] = "{not json"
    with pytest.raises(ProfileProblem, match="damaged"):
        ProfileStore(backend).add(KEYED, SECRET)
    assert list(backend.entries) == [("rootwarden", "profiles/index")]  # no orphan secret
