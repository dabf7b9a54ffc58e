"""Signing in to IAM Identity Center from Rootwarden (SPEC §3): the device flow against a local
fake of SSO OIDC and the portal (moto lacks both), the role's credentials against a moto
server, the AWS CLI's token cache, and saved profiles that renew without a browser."""
from __future__ import annotations

import json
import os
import stat

import pytest

from app.aws import identity_center as ic
from app.errors import ConnectionProblem, InvalidInput
from tests.identity_center_fake import SECRET_MARK, FakeIdentityCenter
from tests.memory_keyring import MemoryKeyring

ACCOUNTS = [{"accountId": "123456789012", "accountName": "prod", "emailAddress": "aws-prod@example.com", "roles": ["Admin", "Audit"]},
            {"accountId": "210987654321", "accountName": "dev", "emailAddress": "dev@example.com", "roles": ["Admin"]},
            {"accountId": "111122223333", "accountName": "Billing", "emailAddress": "b@example.com", "roles": []},
            {"accountId": "444455556666", "accountName": "sandbox", "emailAddress": "s@example.com", "roles": ["Admin"]},
            {"accountId": "777788889999", "accountName": "audit", "emailAddress": "a@example.com", "roles": ["Audit"]}]
START_URL = "https://d-1234567890.awsapps.com/start"


@pytest.fixture
def fake(monkeypatch, tmp_path):
    with FakeIdentityCenter(ACCOUNTS) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", server.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", server.url)
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
            monkeypatch.delenv(name, raising=False)
        yield server


def signed_in(fake, sleeps: list[float] | None = None) -> ic.Token:
    portal = ic.portal(START_URL, "eu-west-1", "corp")
    sign_in = ic.DeviceSignIn(portal, sleep=(sleeps.append if sleeps is not None else lambda s: None))
    code = sign_in.start()
    fake.approve(code.user_code)
    return sign_in.wait(code)


def test_the_device_flow_polls_at_awss_interval_and_slows_down_when_told(fake):
    fake.interval, fake.approve_after_polls, fake.slow_down_next = 3, 2, True
    sleeps: list[float] = []
    sign_in = ic.DeviceSignIn(ic.portal("d-1234567890.awsapps.com/start", "eu-west-1"), sleep=sleeps.append)
    code = sign_in.start()
    assert code.verification_uri_complete.endswith(f"user_code={code.user_code}") and code.interval == 3
    token = sign_in.wait(code)
    assert sleeps == [8, 8, 8]  # slow_down: +5 s, kept for the rest of the sign-in
    assert fake.operations() == ["RegisterClient", "StartDeviceAuthorization"] + ["CreateToken"] * 4
    assert token.refresh_token and SECRET_MARK not in repr(token)


def test_a_denied_an_expired_and_a_cancelled_sign_in(fake):
    fake.denied = True
    with pytest.raises(ConnectionProblem) as denied:
        signed_in(fake)
    assert denied.value.code == "sso-denied"
    fake.denied, fake.expires_in = False, 0
    sign_in = ic.DeviceSignIn(ic.portal(START_URL, "eu-west-1"), sleep=lambda s: None)
    with pytest.raises(ConnectionProblem) as expired:
        sign_in.wait(sign_in.start())
    assert expired.value.code == "sso-code-expired" and "expired" in str(expired.value)
    fake.expires_in = 600
    sign_in = ic.DeviceSignIn(ic.portal(START_URL, "eu-west-1"))
    code = sign_in.start()
    sign_in.cancel()
    with pytest.raises(ic.SignInCancelled):
        sign_in.wait(code)


@pytest.mark.parametrize("url,region,field", [("http://d-1.awsapps.com/start", "eu-west-1", "Start URL"),
                                              ("https://evil.example/<script>", "eu-west-1", "Start URL"),
                                              ("https://d-1.awsapps.com/start\n", "eu-west-1", None),
                                              ("", "eu-west-1", "Start URL"),
                                              (START_URL, "eu-wset-1", "Identity Center region")])
def test_the_portal_form_is_checked_before_any_call(url, region, field):
    if field is None:
        assert ic.portal(url, region).start_url == url.strip()
        return
    with pytest.raises(InvalidInput) as bad:
        ic.portal(url, region)
    assert bad.value.field == field


def test_accounts_across_pages_roles_and_the_roles_credentials_work_on_the_account(fake, endpoint, monkeypatch):
    token = signed_in(fake)
    portal = ic.portal(START_URL, "eu-west-1", "corp")
    choices = ic.accounts(portal, token)
    assert [c.name for c in choices] == ["audit", "Billing", "dev", "prod", "sandbox"]  # all five pages' worth, by name
    assert ic.roles(portal, token, "123456789012") == ["Admin", "Audit"]
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)  # the account itself: moto on 127.0.0.1
    aws = ic.role_context(portal, token, "123456789012", "Admin", "eu-central-1")
    assert aws.region == "eu-central-1" and aws.call("sts", "GetCallerIdentity")["Account"] == "123456789012"
    with pytest.raises(ConnectionProblem) as forbidden:
        ic.role_context(portal, token, "111122223333", "Admin")
    assert forbidden.value.code == "sso-role-not-assigned"
    fake.expire_tokens()
    with pytest.raises(ConnectionProblem) as expired:
        ic.accounts(portal, token)
    assert expired.value.code == "sso-expired"


def test_also_signing_in_the_aws_cli_writes_the_cache_botocore_reads(fake, tmp_path):
    token = signed_in(fake)
    portal = ic.portal(START_URL, "eu-west-1", "corp")
    path = ic.write_cli_cache(portal, token)
    assert path.parent == tmp_path / ".aws" / "sso" / "cache" and stat.S_IMODE(path.stat().st_mode) == 0o600
    entry = json.loads(path.read_text())
    assert set(entry) == {"startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt",
                          "refreshToken"} and entry["expiresAt"].endswith("Z")
    (tmp_path / "config").write_text(f"[profile prod]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n"
                                     f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\n")
    # A fresh process (botocore fixes its cache folder from HOME when imported), as the AWS CLI would run.
    import subprocess
    import sys

    read = "import boto3; print(boto3.Session(profile_name='prod').get_credentials().get_frozen_credentials().access_key)"
    result = subprocess.run([sys.executable, "-c", read], env=dict(os.environ), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("ASIA"), result.stderr  # signed in from our cache
    assert "GetRoleCredentials" in fake.operations()


def test_nothing_is_written_to_a_file_without_the_opt_in(fake, tmp_path):
    signed_in(fake)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not written


def test_a_saved_identity_center_profile_renews_without_a_browser_and_keeps_the_rotated_token(fake, endpoint, monkeypatch):
    from app import profiles

    token = signed_in(fake)
    store = profiles.ProfileStore(MemoryKeyring())
    saved = store.add(profiles.Profile("prod-sso", "123456789012", "eu-west-1", sso_start_url=START_URL, sso_region="eu-west-1",
                                       sso_session="corp", sso_role="Admin"), profiles.sso_material(token))
    assert saved.source == f"IAM Identity Center role Admin via {START_URL}"
    fields = store.backend.get_password("rootwarden", "profiles/prod-sso")
    assert SECRET_MARK not in fields  # the refresh material is kept apart from the fields
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    for _ in range(2):  # the first renewal rotates the refresh token; the second must use the new one
        _, aws = profiles.connect(store, "prod-sso")
        assert aws.call("sts", "GetCallerIdentity")["Account"] == "123456789012"
    assert fake.operations().count("CreateToken") == 3 and fake.operations().count("StartDeviceAuthorization") == 1
    fake.expire_tokens()
    with pytest.raises(ConnectionProblem) as expired:
        profiles.connect(store, "prod-sso")
    assert expired.value.code == "sso-expired" and "Sign in with IAM Identity Center again" in str(expired.value)


def test_an_identity_center_profile_needs_its_sign_in():
    from app import profiles

    profile = profiles.Profile("p", "123456789012", "eu-west-1", sso_start_url=START_URL, sso_region="eu-west-1", sso_role="Admin")
    with pytest.raises(InvalidInput) as missing:
        profiles.validate(profile, None)
    assert "sign in with IAM Identity Center first" in str(missing.value)
    with pytest.raises(InvalidInput):
        profiles.validate(profiles.Profile("p", "123456789012", "eu-west-1", aws_profile="x", sso_start_url=START_URL,
                                           sso_region="eu-west-1", sso_role="Admin"), "{}")


@pytest.mark.parametrize("change", [{"verificationUriComplete": "javascript:alert(1)"}, {"verificationUri": "file:///etc/passwd"},
                                    {"userCode": "<b>ABCD</b>"}, {"userCode": None}, {"deviceCode": ""}])
def test_a_hostile_device_answer_is_refused_before_anything_is_shown_or_opened(change):
    device = {"deviceCode": "d", "userCode": "ABCD-EFGH", "verificationUri": "https://device.sso.eu-west-1.amazonaws.com/",
              "verificationUriComplete": "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH", "expiresIn": 600,
              "interval": 5}
    with pytest.raises(ConnectionProblem) as refused:
        ic._device_code({**device, **change})
    assert refused.value.code == "sso-malformed"


def test_absurd_timings_are_bounded():
    device = {"deviceCode": "d", "userCode": "ABCD-EFGH", "verificationUri": "https://device.sso.eu-west-1.amazonaws.com/"}
    assert ic._device_code({**device, "interval": 10**9, "expiresIn": -5}).interval == 60
    assert ic._device_code({**device, "interval": "soon"}).interval == 5


@pytest.mark.parametrize("operation, change", [("CreateToken", {"expiresIn": 10**20}), ("CreateToken", {"expiresIn": -10**20}),
                                               ("RegisterClient", {"clientSecretExpiresAt": 10**20}),
                                               ("RegisterClient", {"clientSecretExpiresAt": -10**20})])
def test_absurd_numbers_in_identity_centers_answers_are_bounded_not_a_crash(fake, operation, change):
    """Attacker review #14: a token lifetime or registration end no clock can hold."""
    import datetime

    fake.overrides[operation] = change
    token = signed_in(fake)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert now < token.expires_at <= now + datetime.timedelta(days=1)
    assert (token.registration_expires_at is None) == (operation == "RegisterClient")


def test_a_keyring_failure_after_the_refresh_token_rotated_connects_and_says_so(fake, endpoint, monkeypatch):
    """Attacker review #9: Identity Center rotated the refresh token, then the keyring refused the
    new one half-way. The connection still works, the user is told, and the keyring holds one
    whole material (never a mix of old and new parts)."""
    from keyring.errors import KeyringLocked

    from app import profiles

    class LocksMidWrite(MemoryKeyring):
        locked = False

        def delete_password(self, service, username):  # the new material is one part: part 1 is deleted
            if self.locked and username.endswith("/session-token/1"):
                self.locked = False  # locks once, after part 0 was written
                raise KeyringLocked("locked")
            super().delete_password(service, username)

    token = signed_in(fake)
    backend = LocksMidWrite()
    store = profiles.ProfileStore(backend)
    store.add(profiles.Profile("prod-sso", "123456789012", "eu-west-1", sso_start_url=START_URL, sso_region="eu-west-1",
                               sso_session="corp", sso_role="Admin"), profiles.sso_material(token) + " " * 1500)  # two parts
    before = store.sso_material("prod-sso")
    backend.locked = True
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    _, aws = profiles.connect(store, "prod-sso")
    assert aws.call("sts", "GetCallerIdentity")["Account"] == "123456789012"
    assert any("could not be saved in the keyring" in notice and "prod-sso" in notice for notice in aws.notices)
    assert all(SECRET_MARK not in notice for notice in aws.notices)
    assert store.sso_material("prod-sso") == before  # the old material, whole


def test_the_command_line_says_when_a_renewed_sign_in_could_not_be_kept(fake, endpoint, monkeypatch, tmp_path):
    """Attacker review #9 on the command line: the run goes on, stderr says what to do next time."""
    from app import profiles
    from tests.cli_support import run_cli
    from tests.refusing_keyring import RefusingKeyring

    monkeypatch.setenv("ROOTWARDEN_TEST_KEYRING", str(tmp_path / "keyring.json"))
    profiles.ProfileStore(RefusingKeyring()).add(
        profiles.Profile("prod-sso", "123456789012", "us-east-1", sso_start_url=START_URL, sso_region="eu-west-1",
                         sso_session="corp", sso_role="Admin"), profiles.sso_material(signed_in(fake)))
    result = run_cli(endpoint, None, "--profile", "prod-sso", extra_env={
        "PYTHON_KEYRING_BACKEND": "tests.refusing_keyring.RefusingKeyring", "ROOTWARDEN_TEST_KEYRING": str(tmp_path / "keyring.json"),
        "ROOTWARDEN_TEST_KEYRING_REFUSE_WRITES": "1", "AWS_ENDPOINT_URL_SSO_OIDC": fake.url, "AWS_ENDPOINT_URL_SSO": fake.url})
    assert result.returncode in (1, 2), result.stderr
    assert "could not be saved in the keyring" in result.stderr and "“prod-sso”" in result.stderr
    assert SECRET_MARK not in result.stderr + result.stdout
